"""Every page of the navigation, for each role, fits a 390 px wide phone screen: nothing makes
the page scroll sideways (a wide table scrolls inside its own box, the page does not)."""

import pytest

from certificates.services import issue_for_course
from people.models import Grant
from tests.certificates.conftest import party_issuer  # noqa: F401
from tests.certificates.test_batch_and_missing_pdf import course_of_nine
from tests.coverage.conftest_ui import ui  # noqa: F401
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTH = 390


def _pages(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The navigation's links and, one step further, the links of the pages they lead to that
    stay on the site (no downloads, no log-out, no other language)."""
    hrefs = page.eval_on_selector_all(
        "header a[href], nav a[href], main a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    skip = ("/dang-xuat", "/admin", "/api", ".xlsx", ".csv", ".pdf", ".zip", ".ics", "/i18n")
    skip += ("/pdf/", "/zip/", "/tep/", "/mau", "/xuat", "/lich.ics")
    return sorted({h for h in hrefs if h and h.startswith("/") and not any(s in h for s in skip)})


def _too_wide(page, urls: list[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    wide = {}
    for url in urls:
        page.goto(page.base_url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            wide[url] = width
    return wide


@pytest.mark.parametrize("who", ["admin", "commission", "can_ty_clerk", "organiser"])
def test_every_page_fits_a_phone(page, login, ui, party_issuer, who):  # noqa: F811
    # A closed course of nine with its certificates: course, attendance, results and
    # certificate pages have rows to lay out.
    course, _, _ = course_of_nine(ui.tree.nghia_thuan)
    issue_for_course(course=course)
    if who == "organiser":
        user = UserFactory(username="tochuc")
        grant(user, ui.tree.ha_giang, Grant.Role.ORGANISER)
        grant(user, ui.tree.tuyen_quang, Grant.Role.ORGANISER)
    else:
        user = getattr(ui, who)
    page.set_viewport_size({"width": WIDTH, "height": 844})
    login(user)
    first = _pages(page)
    seen = set(first)
    urls = list(first)
    for url in first:
        page.goto(page.base_url + url)
        for found in _pages(page):
            if found not in seen and len(urls) < 80:
                seen.add(found)
                urls.append(found)
    # The walk reached the pages with rows: a course, a certificate, a gap list (30 to 45 pages).
    assert len(urls) >= 25
    rows = ["/ty-le/danh-sach/"]
    if who != "can_ty_clerk":  # the course is in Nghĩa Thuận, not in the clerk's Cán Tỷ
        rows += [f"/lop/{course.pk}/", "/giay-chung-nhan/"]
    for prefix in rows:
        assert any(u.startswith(prefix) and u != prefix for u in urls) or prefix in urls
    assert _too_wide(page, urls) == {}
