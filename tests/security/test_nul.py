"""A NUL character in the address is a plain 400 in Vietnamese, never a 500."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

URLS = [
    "/danh-ba/?q=gi%00ang",
    "/danh-ba/?%00=1",
    "/ty-le/?as_of=01/01/2025%00",
    "/lop/?q=%00",
    "/xac-minh/ABC%00DEF/",
    "/api/v1/people/?search=a%00b",
    "/api/v1/units/?code=%00",
    "/api/v1/verify/%00/",
]


@pytest.fixture
def signed_in(client, tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.ha_giang, "administrator")
    client.force_login(user)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", URLS)
def test_a_nul_in_the_address_is_a_400(signed_in, url):
    response = signed_in.get(url)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "ký tự NUL" in response.content.decode()


def test_a_nul_is_refused_before_login_too(client, db):
    assert client.get("/dang-nhap/?next=/%00").status_code == 400
    assert APIClient().get("/api/v1/units/?code=%00").status_code == 400


def test_the_same_addresses_without_nul_are_answered(signed_in):
    for url in URLS:
        clean = url.replace("%00", "")
        assert signed_in.get(clean).status_code in (200, 404), clean
