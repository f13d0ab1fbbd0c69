import pytest

from tests.coverage.conftest_ui import ui  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


def test_the_commission_changes_the_date_and_drills_down_a_bar(page, login, ui, tmp_path):  # noqa: F811
    import io

    from openpyxl import load_workbook

    login(ui.commission)
    page.click("text=Tỷ lệ tập huấn")
    assert "Tỷ lệ tập huấn: Tỉnh Tuyên Quang" in page.locator("h1").inner_text()
    page.fill("#id_as_of", "31/03/2025")
    page.click("#scope-form button[type=submit]")
    page.wait_for_url("**as_of=31%2F03%2F2025**")
    assert "Tỷ lệ tập huấn: Tỉnh Hà Giang" in page.locator("h1").inner_text()
    card = page.locator("#target-nq33-village")
    assert "66,7%" in card.locator(".cov-big").inner_text()
    card.locator("a.bar-link").first.click()
    page.wait_for_load_state()
    assert "Tỷ lệ tập huấn: Huyện Quản Bạ" in page.locator("h1").inner_text()
    assert "ngày 31 tháng 03 năm 2025" in page.locator(".cov-crumbs").inner_text()
    page.screenshot(path=str(tmp_path / "1-district.png"), full_page=True)
    page.locator("#target-nq33-village a.due").click()
    page.wait_for_load_state()
    assert "Bùi Văn Bình" in page.locator("#gap-table").inner_text()
    page.screenshot(path=str(tmp_path / "2-named-list.png"), full_page=True)
    # The whole list downloads as a workbook with the same rows.
    with page.expect_download() as download:
        page.click("#gaps-xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    names = [row[2] for row in book.active.iter_rows(min_row=4, values_only=True)]
    assert names == ["Bùi Văn Bình"]
    assert (tmp_path / "2-named-list.png").stat().st_size > 1000

    # The same page on a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.base_url + f"/ty-le/?unit={ui.tree.quan_ba.pk}&as_of=31/03/2025")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_trend_completes_itself_on_the_page(page, login, ui, settings):  # noqa: F811
    settings.COVERAGE_TREND_BUDGET = 0  # the first view leaves every past point pending
    login(ui.commission)
    page.goto(page.base_url + f"/ty-le/?unit={ui.tree.quan_ba.pk}&as_of=31/03/2025")
    assert page.locator("#trend-pending").count() == 1
    settings.COVERAGE_TREND_BUDGET = None  # the page's next question computes the rest
    page.locator("#trend-pending").wait_for(state="detached", timeout=15000)
    assert page.locator("#trend svg.chart circle").count() > 24
    page.locator(".trend-table summary").click()
    assert "66,7%" in page.locator(".trend-table tbody tr").first.inner_text()
