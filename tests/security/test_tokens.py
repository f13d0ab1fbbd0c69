"""API tokens for integrations (created by command, revoked in the admin, superusers only) and
HTTP Basic only over HTTPS in production."""

import base64
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db
PEOPLE = "/api/v1/people/"
PUBLIC = {"HTTP_HOST": "taphuan.example.org"}


@pytest.fixture
def integration(tree):  # type: ignore[no-untyped-def]
    user = UserFactory(username="dong-bo")
    grant(user, tree.ha_giang, "commission")
    return user


def create_token(username: str) -> str:
    out = io.StringIO()
    call_command("drf_create_token", username, stdout=out)
    key = Token.objects.get(user__username=username).key
    assert key in out.getvalue()
    return key


def test_a_token_made_with_the_command_opens_the_api(integration):
    key = create_token("dong-bo")
    response = APIClient().get(PEOPLE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and "results" in response.json()


def test_a_token_revoked_in_the_admin_is_refused(integration, client):
    key = create_token("dong-bo")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = client.get("/admin/authtoken/tokenproxy/")
    assert listing.status_code == 200 and key in listing.content.decode()
    url = f"/admin/authtoken/tokenproxy/{integration.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Token.objects.exists()
    response = APIClient().get(PEOPLE, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"].startswith("Token không hợp lệ hoặc đã bị thu hồi")


def test_an_unknown_or_missing_token_is_a_401(db):
    assert APIClient().get(PEOPLE, HTTP_AUTHORIZATION="Token 0123456789abcdef").status_code == 401
    assert APIClient().get(PEOPLE).status_code == 401


def test_only_superusers_see_the_tokens_in_the_admin(integration, client):
    create_token("dong-bo")
    staff = UserFactory(is_staff=True)
    # Even with every token permission granted, a staff user who is not a superuser is refused.
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="authtoken"))
    client.force_login(staff)
    assert client.get("/admin/authtoken/tokenproxy/").status_code == 403
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 403
    assert "authtoken" not in client.get("/admin/").content.decode()
    assert Token.objects.count() == 1


def basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:matkhau123".encode()).decode()


def test_basic_auth_over_plain_http_is_refused_in_production(integration, production):
    api = APIClient()
    # With the HTTPS redirect (the default) plain HTTP never reaches the API...
    redirected = api.get(PEOPLE, HTTP_AUTHORIZATION=basic("dong-bo"), **PUBLIC)
    assert redirected.status_code == 301
    # ...and where it does (redirect switched off), the password is not accepted.
    production.SECURE_SSL_REDIRECT = False
    response = APIClient().get(PEOPLE, HTTP_AUTHORIZATION=basic("dong-bo"), **PUBLIC)
    assert response.status_code == 401
    assert "https://" in response.json()["detail"] and "HTTP Basic" in response.json()["detail"]


def test_basic_auth_over_https_works_in_production(integration, production):
    proxied = APIClient().get(
        PEOPLE, HTTP_AUTHORIZATION=basic("dong-bo"), HTTP_X_FORWARDED_PROTO="https", **PUBLIC
    )
    assert proxied.status_code == 200
    direct = APIClient().get(PEOPLE, HTTP_AUTHORIZATION=basic("dong-bo"), secure=True, **PUBLIC)
    assert direct.status_code == 200


def test_tokens_work_over_https_in_production(integration, production):
    key = create_token("dong-bo")
    response = APIClient().get(PEOPLE, HTTP_AUTHORIZATION=f"Token {key}", secure=True, **PUBLIC)
    assert response.status_code == 200


def test_basic_auth_over_plain_http_works_in_development(integration):
    assert APIClient().get(PEOPLE, HTTP_AUTHORIZATION=basic("dong-bo")).status_code == 200
