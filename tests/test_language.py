import pytest

pytestmark = pytest.mark.django_db


def test_it_speaks_vietnamese_whatever_the_browser_asks(client):
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()


def test_it_switches_to_english_when_the_user_chooses_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    page = client.get("/dang-nhap/")
    assert '<html lang="en">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/dang-nhap/"})
    assert '<html lang="vi">' in client.get("/dang-nhap/").content.decode()
