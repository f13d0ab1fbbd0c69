import pytest

from people.models import Person, Position, Unit
from tests.factories import UserFactory, grant
from tests.people.test_roster import MAI_ID, mai, thuy, xlsx

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
]


def test_a_clerk_uploads_a_roster_sees_the_preview_and_confirms(page, login, tree, tmp_path):
    clerk = UserFactory()
    grant(clerk, tree.ha_giang, "clerk")
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(xlsx([mai(), thuy()]))
    login(clerk)
    page.click("text=Nhập danh sách")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    preview = page.locator("#import-preview")
    assert "Nà Mạ — Xã Thanh Vân" in preview.locator("#new-villages").inner_text()
    assert "Dòng 3: Giàng Thị Mai — Bí thư chi bộ" in preview.locator("#created").inner_text()
    assert not Position.objects.exists()
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url("**/danh-ba/")
    assert "Đã nhập danh-sach.xlsx" in page.locator(".messages").inner_text()
    assert Position.objects.count() == 2
    assert Unit.objects.filter(name="Thôn Nà Mạ").exists()
    assert Person.objects.filter(citizen_id=MAI_ID).exists()


def test_a_file_with_errors_shows_row_column_and_reason(page, login, tree, tmp_path):
    clerk = UserFactory()
    grant(clerk, tree.ha_giang, "clerk")
    path = tmp_path / "loi.xlsx"
    path.write_bytes(xlsx([mai(), mai(**{"Số CCCD": "12345", "Thôn, tổ dân phố": "B"})]))
    login(clerk)
    page.goto(page.base_url + "/danh-ba/nhap/")
    page.set_input_files("#id_file", str(path))
    page.click("#upload-form button[type=submit]")
    errors = page.locator("#import-errors")
    assert "Chưa ghi dòng nào" in errors.inner_text()
    first = errors.locator("tbody tr").first.inner_text()
    assert first.split("\t")[:2] == ["4", "Số CCCD"], first
    assert page.locator("#confirm-form").count() == 0
    assert not Position.objects.exists()


def test_a_clerk_fills_the_template_fixes_an_error_confirms_and_exports_on_a_phone(
    page, login, tree, tmp_path
):  # type: ignore[no-untyped-def]
    """The clerk's journey at 390×844, a screenshot of each step under the test's folder:
    download the template, fill it in with an 11-digit ID (Excel dropped the leading zero),
    read the error, fix it, confirm, export what the roster shows."""
    import io

    from openpyxl import load_workbook

    from people.roster import COLUMNS

    clerk = UserFactory()
    grant(clerk, tree.quan_ba, "clerk")
    page.set_viewport_size({"width": 390, "height": 844})
    login(clerk)

    def shot(name: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    page.goto(page.base_url + "/danh-ba/nhap/")
    shot("1-import-page")
    page.fill("#id_template_day", "01/03/2025")  # the codes of the old communes' days
    with page.expect_download() as download:
        page.click("#template-form button[type=submit]")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [r[0] for r in book["Mã đơn vị"].iter_rows(min_row=3, values_only=True)] == [
        "00880",
        "00889",
    ]

    def upload(citizen_id: str, name: str) -> None:
        sheet = book["Danh sách"]
        row = mai(**{"Số CCCD": citizen_id})
        for column, header in enumerate(COLUMNS, start=1):
            sheet.cell(row=3, column=column, value=row.get(header))
        path = tmp_path / name
        book.save(path)
        page.goto(page.base_url + "/danh-ba/nhap/")
        page.set_input_files("#id_file", str(path))
        page.click("#upload-form button[type=submit]")
        page.wait_for_load_state()

    upload(MAI_ID[1:], "mau-loi.xlsx")
    error = page.locator("#import-errors tbody tr").first.inner_text()
    assert error.split("\t")[:2] == ["3", "Số CCCD"] and "12 chữ số" in error, error
    shot("2-error")
    assert not Position.objects.exists()

    upload(MAI_ID, "mau-da-sua.xlsx")
    assert "Giàng Thị Mai" in page.locator("#import-preview").inner_text()
    shot("3-preview")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_url("**/danh-ba/")
    assert Position.objects.count() == 1
    shot("4-roster")

    page.goto(page.base_url + f"/danh-ba/?unit={tree.thanh_van.pk}&as_of=01/03/2025")
    with page.expect_download() as export:
        page.click("#export-link")
    exported = load_workbook(io.BytesIO(export.value.path().read_bytes())).active
    rows = list(exported.iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[4] or " ".join(filter(None, r[5:8]))) for r in rows] == [
        ("00889", "Giàng Thị Mai")
    ]
    assert len(list(tmp_path.glob("*.png"))) == 4
