"""An organiser's whole course on a phone (390×844) in a real browser, with a screenshot of
each step saved under the test's output folder: a draft with invitees → «Xác nhận lớp & gửi
giấy mời» → the printed giấy mời → «Bắt đầu điểm danh» → everyone present → «Kết thúc lớp &
cấp giấy chứng nhận» → the results."""

import io

import pytest
from pypdf import PdfReader

from tests.training.test_lifecycle import draft  # noqa: F401
from training.models import Course, Enrollment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def test_an_organiser_runs_a_course_from_draft_to_results_on_a_phone(
    page,
    login,
    organiser,
    draft,  # noqa: F811
    tmp_path,
):  # type: ignore[no-untyped-def]
    screens = tmp_path / "screens"
    screens.mkdir()

    def shot(name: str) -> None:
        fits(page)
        page.screenshot(path=str(screens / f"{name}.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    login(organiser)
    page.goto(page.base_url + f"/lop/{draft.pk}/")
    assert page.locator(".stages [aria-current=step]").inner_text() == "Dự thảo"
    shot("1-draft")

    page.click("text=Xác nhận lớp & gửi giấy mời")
    page.wait_for_load_state()
    assert "cần in và gửi giấy: 2 người" in page.locator("main").inner_text()
    assert page.locator(".stages [aria-current=step]").inner_text() == "Đang mời"
    shot("2-invited")

    letters = page.request.get(page.base_url + f"/lop/{draft.pk}/giay-moi.pdf")
    assert letters.ok and letters.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(letters.body())).pages) == 3

    page.click("text=Bắt đầu điểm danh")
    page.wait_for_load_state()
    assert "/diem-danh/" in page.url
    page.click("#all-present")
    page.click("button.save")
    page.wait_for_load_state()
    shot("3-attendance")
    # The other session too (the course has two, both past): everyone attended both.
    other = draft.sessions.order_by("starts_at").first()
    page.goto(page.base_url + f"/lop/{draft.pk}/buoi/{other.pk}/diem-danh/")
    page.click("#all-present")
    page.click("button.save")
    page.wait_for_load_state()

    page.goto(page.base_url + f"/lop/{draft.pk}/")
    page.click("text=Kết thúc lớp & cấp giấy chứng nhận")
    page.wait_for_load_state()
    assert "/ket-qua/" in page.url
    assert "Đã kết thúc lớp; 3 người hoàn thành." in page.locator("main").inner_text()
    shot("4-results")

    draft.refresh_from_db()
    assert draft.status == Course.Status.COMPLETED
    assert draft.enrollments.filter(status=Enrollment.Status.COMPLETED).count() == 3
    saved = sorted(p.name for p in screens.iterdir() if p.stat().st_size > 1000)
    assert saved == ["1-draft.png", "2-invited.png", "3-attendance.png", "4-results.png"]
