"""Behind a TLS-terminating proxy, signing in works, and CSRF still refuses foreign origins."""

import re

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.security.conftest import PUBLIC

pytestmark = pytest.mark.django_db

PROXIED = {"HTTP_HOST": PUBLIC, "HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "10.0.0.2"}


def login_form(client: Client) -> str:
    """GET the login page through the proxy: the CSRF cookie is set, the form token returned."""
    page = client.get("/dang-nhap/", **PROXIED)
    assert page.status_code == 200
    assert page.cookies["csrftoken"]["secure"] is True
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]


def post_login(client: Client, token: str, **headers: str):  # type: ignore[no-untyped-def]
    data = {"username": "hoa", "password": "matkhau123", "csrfmiddlewaretoken": token}
    return client.post("/dang-nhap/", data, **PROXIED, **headers)


def test_signing_in_through_the_proxy_with_our_origin_succeeds(production):
    UserFactory(username="hoa")
    client = Client(enforce_csrf_checks=True)
    token = login_form(client)
    response = post_login(client, token, HTTP_ORIGIN=f"https://{PUBLIC}")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/", **PROXIED).status_code == 200


def test_signing_in_with_a_referer_and_no_origin_succeeds(production):
    UserFactory(username="hoa")
    client = Client(enforce_csrf_checks=True)
    token = login_form(client)
    response = post_login(client, token, HTTP_REFERER=f"https://{PUBLIC}/dang-nhap/")
    assert response.status_code == 302


def test_a_foreign_origin_is_refused(production):
    UserFactory(username="hoa")
    client = Client(enforce_csrf_checks=True)
    token = login_form(client)
    response = post_login(client, token, HTTP_ORIGIN="https://lua-dao.example.com")
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_without_the_proxy_settings_the_same_login_fails(production):
    # The situation of the issue: Django takes the request for plain HTTP, so it redirects to
    # https:// forever; with the redirect off, CSRF refuses the https:// origin.
    production.SECURE_PROXY_SSL_HEADER = None
    production.CSRF_TRUSTED_ORIGINS = []
    UserFactory(username="hoa")
    assert Client().get("/dang-nhap/", **PROXIED).status_code == 301
    production.SECURE_SSL_REDIRECT = False
    client = Client(enforce_csrf_checks=True)
    token = login_form(client)
    response = post_login(client, token, HTTP_ORIGIN=f"https://{PUBLIC}")
    assert response.status_code == 403 and "_auth_user_id" not in client.session
