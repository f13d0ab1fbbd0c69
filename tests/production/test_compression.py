"""config.middleware.TextGZipMiddleware: text answers are gzip-compressed for clients that
accept it; spreadsheets, PDFs and images (compressed already) go as they are."""

import gzip

import pytest

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def test_pages_and_json_are_compressed_for_clients_that_accept_gzip(admin_client):
    page = admin_client.get("/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert page["Content-Encoding"] == "gzip"
    assert "quantri" in gzip.decompress(page.content).decode()
    PersonFactory.create_batch(5)
    api = admin_client.get("/api/v1/people/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Type"].startswith("application/json")
    assert api["Content-Encoding"] == "gzip"
    assert b'"results"' in gzip.decompress(api.content)
    assert "Accept-Encoding" in api["Vary"]


def test_spreadsheets_are_not_compressed_twice_and_plain_clients_get_plain_text(admin_client):
    workbook = admin_client.get("/danh-ba/mau.xlsx", HTTP_ACCEPT_ENCODING="gzip")
    assert workbook.status_code == 200
    assert "Content-Encoding" not in workbook
    assert workbook.content[:2] == b"PK"
    page = admin_client.get("/")
    assert "Content-Encoding" not in page
    assert "quantri" in page.content.decode()
