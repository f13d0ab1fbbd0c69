"""Every area's main pages in Chromium, under the real Content-Security-Policy: the browser
reports no violation, loads every asset, and the pages' scripts still work."""

import pytest
from django.urls import reverse

from certificates.models import Certificate
from tests.certificates.conftest import close_a_course, make_party_issuer
from tests.factories import UserFactory, grant
from tests.training.conftest import catalogue, make_course, past_sessions, place, programme  # noqa: F401
from training.models import Session
from training.services import invite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects what the page itself sees: `securitypolicyviolation` events (Playwright's init
# script runs outside the page's CSP).
WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + (e.sample || ""));
});
"""


def _bad(message) -> bool:  # type: ignore[no-untyped-def]
    # "Failed to load resource" repeats a failed response, judged by `_failed` below.
    text = message.text
    return "Content Security Policy" in text or (
        message.type == "error" and not text.startswith("Failed to load resource")
    )


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    # The admin has no icon link, so Chromium asks for /favicon.ico, which we do not serve.
    return response.status >= 400 and not response.url.endswith("/favicon.ico")


@pytest.fixture
def watched(page):  # type: ignore[no-untyped-def]
    """The page, recording CSP reports from the console, script errors and failed requests."""
    problems: list[str] = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: problems.append(f"console: {m.text}") if _bad(m) else None)
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if _failed(r) else None)
    page.problems = problems
    return page


def visit(page, path: str) -> None:  # type: ignore[no-untyped-def]
    response = page.goto(page.base_url + path)
    assert response is not None and response.status == 200, (path, response and response.status)
    page.wait_for_load_state("load")
    assert_clean(page, path)


def assert_clean(page, where: str) -> None:  # type: ignore[no-untyped-def]
    violations = page.evaluate("window.__violations || []")
    assert violations == [] and page.problems == [], (where, violations, page.problems)


@pytest.fixture
def world(place, programme, settings, tmp_path):  # type: ignore[no-untyped-def]  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"  # the certificates' PDFs
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    grant(admin, place.province, "administrator")
    course = make_course(place, programme)
    (session,) = past_sessions(course, 1)
    for person in place.holders:
        invite(course=course, person=person)
    make_party_issuer()
    close_a_course(n=1)
    return admin, course, session, Certificate.objects.get()


def test_every_area_loads_under_the_csp_without_a_violation(watched, login, world):
    admin, course, session, certificate = world
    login(admin)
    for path in (
        "/",
        "/ty-le/",
        "/danh-ba/",
        "/danh-ba/nhap/",
        "/lop/",
        reverse("training:course_detail", args=[course.pk]),
        reverse("training:attendance", args=[course.pk, session.pk]),
        reverse("training:results", args=[course.pk]),
        "/lop/lap-ke-hoach/",
        "/lich/",
        "/giay-chung-nhan/",
        reverse("certificates:detail", args=[certificate.pk]),
        "/xac-minh/tra-cuu/",
        f"/xac-minh/{certificate.code}/",
        "/admin/",
        "/admin/people/person/",
        "/admin/people/person/add/",
        "/admin/authtoken/tokenproxy/",
    ):
        visit(watched, path)


def test_swagger_ui_starts_under_the_csp(watched, login, world):
    login(world[0])
    visit(watched, "/api/docs/")
    # The start-up script (a separate request) ran: Swagger UI drew the schema's title.
    watched.wait_for_selector(".swagger-ui .info .title")
    assert "Taphuan API" in watched.locator(".swagger-ui .info .title").inner_text()
    watched.wait_for_selector(".opblock-tag")
    assert_clean(watched, "/api/docs/ after start-up")


def test_the_dashboard_charts_fit_and_its_date_is_typed(watched, login, world):
    login(world[0])
    visit(watched, "/ty-le/")
    # The charts are sized by coverage.css, not by a style attribute: the trend takes its
    # card's whole width; the bars their own width when there is room, the card's otherwise.
    trend = watched.locator("#trend svg.chart")
    card = watched.locator("#trend .trend-body").bounding_box()["width"]
    assert trend.bounding_box()["width"] == card > 640
    bars = watched.locator(".cov-card svg.chart").first
    assert 300 <= bars.bounding_box()["width"] <= 380
    watched.set_viewport_size({"width": 360, "height": 740})
    assert 0 < trend.bounding_box()["width"] <= 360
    watched.fill("#id_as_of", "31/03/2026")
    watched.click("#scope-form button[type=submit]")
    watched.wait_for_load_state()
    assert watched.input_value("#id_as_of") == "31/03/2026"
    assert "as_of=31%2F03%2F2026" in watched.url
    assert_clean(watched, "typed date")


def test_the_attendance_grid_marks_everyone_present(watched, login, world):
    admin, course, session, _ = world
    login(admin)
    visit(watched, reverse("training:attendance", args=[course.pk, session.pk]))
    watched.click("#all-present")
    assert watched.locator('.mark-row input[value="present"]:checked').count() == 2
    assert_clean(watched, "all present")


def test_deleting_a_session_asks_first(watched, login, world):
    admin, course, session, _ = world
    login(admin)
    visit(watched, reverse("training:course_detail", args=[course.pk]))
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    watched.once("dialog", lambda d: answer(d, False))
    watched.click("form.inline button")
    assert asked == ["Xóa buổi học này (cả điểm danh của buổi)?"]
    assert Session.objects.filter(pk=session.pk).exists()
    watched.once("dialog", lambda d: answer(d, True))
    with watched.expect_navigation():
        watched.click("form.inline button")
    assert len(asked) == 2 and not Session.objects.filter(pk=session.pk).exists()
    assert_clean(watched, "delete session")


def test_closing_a_course_asks_first(watched, login, world):
    admin, course, _, _ = world
    login(admin)
    visit(watched, reverse("training:results", args=[course.pk]))
    asked: list[str] = []
    watched.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    watched.click('button[name="close"]')
    assert asked == ["Kết thúc lớp và ghi kết quả tập huấn?"]
    course.refresh_from_db()
    assert course.status == "open"
    assert_clean(watched, "close course")
