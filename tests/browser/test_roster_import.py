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
