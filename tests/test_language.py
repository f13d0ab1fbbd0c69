"""Vietnamese first, English second: the VI/EN button switches the page shell and the main pages."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.coverage.conftest_ui import BEFORE, ui  # noqa: F401

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def choose(client, language):  # type: ignore[no-untyped-def]
    client.post("/i18n/setlang/", {"language": language, "next": "/dang-nhap/"})


def test_it_speaks_vietnamese_whatever_the_browser_asks(client):
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="vi">' in page.content.decode()


def test_it_switches_to_english_when_the_user_chooses_it(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    page = client.get("/dang-nhap/")
    assert '<html lang="en">' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/dang-nhap/"})
    assert '<html lang="vi">' in client.get("/dang-nhap/").content.decode()


def test_it_shows_the_login_page_in_english_after_choosing_english(client):
    choose(client, "en")
    html = client.get("/dang-nhap/").content.decode()
    assert "<h1>Sign in to Taphuan</h1>" in html
    assert '<label for="id_password">Password</label>' in html
    assert '<button type="submit">Sign in</button>' in html
    assert "Đăng nhập" not in html


def test_it_keeps_the_login_page_vietnamese_by_default_and_after_switching_back(client):
    html = client.get("/dang-nhap/").content.decode()
    assert "<h1>Đăng nhập Taphuan</h1>" in html
    assert '<button type="submit">Đăng nhập</button>' in html
    choose(client, "en")
    choose(client, "vi")
    html = client.get("/dang-nhap/").content.decode()
    assert "<h1>Đăng nhập Taphuan</h1>" in html and "Sign in" not in html


def dashboard(client, ui):  # type: ignore[no-untyped-def]  # noqa: F811
    client.force_login(ui.admin)
    page = client.get(
        reverse("coverage:dashboard"), {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    )
    assert page.status_code == 200
    return page.content.decode()


def test_it_shows_the_dashboard_in_english_after_choosing_english(client, ui):  # noqa: F811
    choose(client, "en")
    html = dashboard(client, ui)
    assert "<h1>Training coverage: Huyện Quản Bạ</h1>" in html
    assert "<h2>24-month trend (rate at the end of each month)</h2>" in html
    assert "Deadline: 31/12/2025" in html and "Overdue:" in html
    assert '<button type="submit" class="secondary">Freeze report</button>' in html
    # The navigation (config/context.py) follows the choice too.
    assert ">Training courses</a>" in html and ">Sign out</button>" in html
    assert "Tỷ lệ tập huấn:" not in html and "Quá hạn:" not in html


def test_it_keeps_the_dashboard_vietnamese_by_default(client, ui):  # noqa: F811
    html = dashboard(client, ui)
    assert "<h1>Tỷ lệ tập huấn: Huyện Quản Bạ</h1>" in html
    assert "Hạn: 31/12/2025" in html and "Quá hạn:" in html
    assert ">Lớp tập huấn</a>" in html and ">Đăng xuất</button>" in html
    assert "Training coverage" not in html and "Overdue" not in html


def test_it_has_an_english_word_for_every_wrapped_string_in_the_committed_catalogue():
    """The .mo is committed (a fresh machine needs no gettext): it must match the .po."""
    po = (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n")[1:]
    untranslated = [
        e
        for e in po
        if re.search(r'^msgstr(\[\d\])? ""$', e, re.M | re.S)
        and not re.search(r'^msgstr(\[\d\])? ""\n"', e, re.M)
    ]
    assert untranslated == [] and not any("#, fuzzy" in e for e in po)
    with (LOCALE / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    expected = sum(2 if "msgid_plural" in e else 1 for e in po) + 1  # + the header
    assert len(catalogue) == expected
    assert all(catalogue[key] for key in catalogue if key != "")
