"""Real responses carry the Content-Security-Policy and the other protective headers."""

import pytest

from tests.factories import UserFactory, grant
from tests.security.conftest import PUBLIC

pytestmark = pytest.mark.django_db

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
}


def policy(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    parts = (p.strip().split(" ", 1) for p in header.split(";") if p.strip())
    return {name: value for name, value in parts}


@pytest.mark.parametrize("url", ["/dang-nhap/", "/xac-minh/tra-cuu/", "/khong-co-trang-nay/"])
def test_public_pages_carry_the_csp_and_the_browser_protections(client, url):
    response = client.get(url)
    assert policy(response) == EXPECTED_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_signed_in_pages_and_the_api_carry_the_csp(client, tree):
    user = UserFactory()
    grant(user, tree.ha_giang)
    client.force_login(user)
    for url in ("/", "/ty-le/", "/api/v1/units/", "/api/docs/", "/api/docs/?script="):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response) == EXPECTED_CSP, url
        assert response["X-Content-Type-Options"] == "nosniff", url


def test_the_swagger_start_up_script_is_served_as_javascript(client, tree):
    client.force_login(UserFactory())
    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")
    assert '<script src="/api/docs/?script="></script>' in page and "<style" not in page
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


def test_production_sends_hsts_over_https_and_redirects_plain_http(client, production, db):
    https = client.get("/dang-nhap/", HTTP_HOST=PUBLIC, HTTP_X_FORWARDED_PROTO="https")
    assert https.status_code == 200
    assert https["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert policy(https) == EXPECTED_CSP
    assert https.cookies["csrftoken"]["secure"] is True
    plain = client.get("/dang-nhap/", HTTP_HOST=PUBLIC)
    assert plain.status_code == 301 and plain["Location"] == f"https://{PUBLIC}/dang-nhap/"
    assert "Strict-Transport-Security" not in plain


def test_development_sends_no_hsts(client):
    # Development (DJANGO_DEBUG unset) stays on http://: no HSTS that would pin localhost.
    assert "Strict-Transport-Security" not in client.get("/dang-nhap/", secure=True)
