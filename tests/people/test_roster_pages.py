import html
import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from people.models import Person, Position, Role, Unit
from people.roster import import_roster
from tests.factories import UserFactory, grant
from tests.people.test_roster import MAI_ID, THUY_ID, mai, thuy, xlsx

pytestmark = pytest.mark.django_db
ON = "01/06/2024"


@pytest.fixture
def filled(tree):
    rows = [mai(), thuy(), mai(**{"Mã xã": "00880", "Chức danh": "Tổ trưởng tổ dân vận"})]
    rows.append(thuy(**{"Mã xã": "00880", "Số CCCD": "002070009876", "Họ": "Nguyễn", "Tên": "An"}))
    assert import_roster(xlsx(rows), filename="a.xlsx").written
    return tree


def user_with(unit: Unit, role: str):
    user = UserFactory()
    grant(user, unit, role)
    return user


def upload(content: bytes, name: str = "ds.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, content), "action": "preview"}


def test_the_roster_lists_holders_in_vietnamese_order_with_masked_ids(
    client, filled, django_assert_max_num_queries
):
    client.force_login(user_with(filled.ha_giang, "commission"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:roster"), {"as_of": ON})
    html = response.content.decode()
    assert response.status_code == 200
    names = [p.person.full_name for p in response.context["page"]]
    assert names == ["Nguyễn Văn An", "Giàng Thị Mai", "Giàng Thị Mai", "Lý Văn Thuỷ"]
    assert "002*******34" in html and MAI_ID not in html


def test_a_clerk_sees_full_ids(client, filled):
    client.force_login(user_with(filled.ha_giang, "clerk"))
    html = client.get(reverse("people:roster"), {"as_of": ON}).content.decode()
    assert MAI_ID in html and THUY_ID in html


def test_the_roster_filters_by_role_and_accent_free_search(client, filled):
    client.force_login(user_with(filled.ha_giang, "clerk"))
    found = client.get(reverse("people:roster"), {"as_of": ON, "q": "giang thi"})
    assert {p.person.full_name for p in found.context["page"]} == {"Giàng Thị Mai"}
    boards = client.get(reverse("people:roster"), {"as_of": ON, "role": "inspection_board_head"})
    assert [p.person.full_name for p in boards.context["page"]] == [
        "Nguyễn Văn An",
        "Lý Văn Thuỷ",
    ]


def test_the_roster_is_limited_to_the_users_units(client, filled):
    client.force_login(user_with(filled.can_ty, "clerk"))
    mine = client.get(reverse("people:roster"), {"as_of": ON})
    assert response_names(mine) == {"Giàng Thị Mai", "Nguyễn Văn An"}
    assert response_names(mine) and all(
        p.organisation.unit_id != filled.thanh_van.pk for p in mine.context["page"]
    )
    other = client.get(reverse("people:roster"), {"as_of": ON, "unit": filled.thanh_van.pk})
    assert other.status_code == 404


def response_names(response) -> set[str]:
    return {p.person.full_name for p in response.context["page"]}


def test_the_roster_of_a_new_commune_after_the_merger_shows_the_moved_village(client, filled):
    client.force_login(UserFactory(is_superuser=True))
    response = client.get(
        reverse("people:roster"), {"as_of": "01/09/2025", "unit": filled.nghia_thuan.pk}
    )
    # The village moved with its party cell; the old commune's board did not.
    assert response_names(response) == {"Giàng Thị Mai"}


def test_only_administrators_and_clerks_may_import(client, tree):
    client.force_login(user_with(tree.ha_giang, "commission"))
    assert client.get(reverse("people:import")).status_code == 403
    response = client.post(reverse("people:import"), upload(xlsx([mai()])))
    assert response.status_code == 403
    assert not Position.objects.exists()


def test_an_upload_is_previewed_then_written_on_confirmation(client, tree):
    client.force_login(user_with(tree.ha_giang, "clerk"))
    preview = client.post(reverse("people:import"), upload(xlsx([mai(), thuy()])))
    html = preview.content.decode()
    assert "Thôn, tổ dân phố sẽ được thêm" in html and "Nà Mạ — Xã Thanh Vân" in html
    assert "Dòng 3: Giàng Thị Mai — Bí thư chi bộ" in html
    assert not Position.objects.exists()
    token = preview.context["token"]
    done = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert done.status_code == 302
    assert Position.objects.count() == 2
    again = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert again.status_code == 302 and Position.objects.count() == 2


def test_a_confirmation_needs_the_token_of_this_session(client, tree):
    client.force_login(user_with(tree.ha_giang, "clerk"))
    client.post(reverse("people:import"), upload(xlsx([mai()])))
    client.post(reverse("people:import"), {"action": "confirm", "token": "not-mine"})
    assert not Position.objects.exists()


def test_an_upload_with_errors_lists_them_and_offers_no_confirmation(client, tree):
    client.force_login(user_with(tree.ha_giang, "clerk"))
    bad = xlsx([mai(**{"Số CCCD": "12345"}), mai(**{"Mã xã": "99999", "Số CCCD": None})])
    response = client.post(reverse("people:import"), upload(bad))
    html = response.content.decode()
    assert "có 2 lỗi" in html
    assert '<td class="num">3</td><td>Số CCCD</td>' in html
    assert '<td class="num">4</td><td>Mã xã</td>' in html
    assert "confirm-form" not in html
    assert not Person.objects.exists()


def test_an_upload_outside_the_users_units_is_an_error_naming_the_row(client, tree):
    client.force_login(user_with(tree.can_ty, "clerk"))
    response = client.post(reverse("people:import"), upload(xlsx([mai()])))
    assert [(p.row, p.column) for p in response.context["result"].errors] == [(3, "Mã xã")]


def test_the_template_download_is_a_workbook_with_title_headers_and_example(client, tree):
    client.force_login(user_with(tree.ha_giang, "clerk"))
    response = client.get(reverse("people:template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Danh sách", "Mã đơn vị", "Ví dụ", "Danh mục"]
    sheet, _, example, _ = book.worksheets
    assert sheet.cell(row=2, column=1).value == "Mã xã"
    assert "A1:P1" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.max_row == 2  # the data area is empty
    assert example.cell(row=2, column=1).value == "Mã xã"
    assert example.cell(row=3, column=3).value == "Bí thư chi bộ"


def test_the_template_lists_the_users_communes_of_the_chosen_day_and_offers_drop_downs(
    client, tree
):  # type: ignore[no-untyped-def]
    from people.services import create_village

    create_village(name="Thôn Nà Mạ", commune=tree.thanh_van)
    client.force_login(user_with(tree.quan_ba, "clerk"))
    old = load_workbook(
        io.BytesIO(client.get(reverse("people:template"), {"ngay": "31/03/2025"}).content)
    )
    units = [r for r in old["Mã đơn vị"].iter_rows(min_row=3, values_only=True)]
    assert units == [("00880", "Xã Cán Tỷ", None), ("00889", "Xã Thanh Vân", "Thôn Nà Mạ")]
    assert old["Mã đơn vị"]["A1"].value.endswith("ngày 31/03/2025")
    sheet = old["Danh sách"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["C3:C5000"] == "'Danh mục'!$A$2:$A$13"  # Chức danh: the role labels
    assert lists["J3:J5000"] == "'Danh mục'!$B$2:$B$3"  # Giới tính
    assert lists["K3:K5000"] == "'Danh mục'!$C$2:$C$55"  # Dân tộc: the 54 groups
    assert lists["A3:A5000"] == "'Danh mục'!$D$2:$D$3"  # Mã xã: the two communes
    catalogue = old["Danh mục"]
    assert [catalogue.cell(row=r, column=4).value for r in (2, 3)] == ["00880", "00889"]
    assert catalogue.cell(row=2, column=1).value == Role.objects.order_by("order").first().label
    assert sheet.column_dimensions["A"].number_format == "@"  # codes keep their zeros
    assert sheet.column_dimensions["L"].number_format == "@"  # and citizen IDs
    # After the reform the clerk of old Quản Bạ still writes its villages, now under the new
    # communes: those are listed with the villages of the grant only.
    new = load_workbook(
        io.BytesIO(client.get(reverse("people:template"), {"ngay": "01/08/2025"}).content)
    )
    units = [r for r in new["Mã đơn vị"].iter_rows(min_row=3, values_only=True)]
    assert units == [("00889", "Xã Nghĩa Thuận", "Thôn Nà Mạ")]
    bad = client.get(reverse("people:template"), {"ngay": "31/13/2025"})
    assert bad.status_code == 400 and "31/13/2025" in bad.content.decode()


def test_it_imports_nothing_from_the_untouched_template(client, tree):
    client.force_login(user_with(tree.ha_giang, "clerk"))
    template = client.get(reverse("people:template")).content
    result = import_roster(template, filename="mau.xlsx")
    assert (result.errors, result.created, result.people_created) == ([], 0, 0)
    response = client.post(reverse("people:import"), upload(template, "mau.xlsx"))
    html = response.content.decode()
    assert "Tệp mau.xlsx không có dòng dữ liệu nào dưới dòng tiêu đề" in html
    assert "confirm-form" not in html and "import-errors" not in html
    assert response.context.get("token") is None
    assert not Person.objects.exists() and not Position.objects.exists()


def test_it_opens_the_roster_on_a_unit_that_exists_on_the_date(
    client, filled, django_assert_max_num_queries
):
    user = user_with(filled.ha_giang, "commission")  # abolished 1/7/2025, first by name
    grant(user, filled.tuyen_quang, "commission")
    client.force_login(user)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:roster"))
    assert response.context["unit"] == filled.tuyen_quang
    assert response_names(response) == {"Giàng Thị Mai"}
    assert "former-notice" not in response.content.decode()


def test_it_shows_a_clerk_of_a_former_district_its_villages_today_with_a_notice(
    client, filled, django_assert_max_num_queries
):
    client.force_login(user_with(filled.quan_ba, "clerk"))
    with django_assert_max_num_queries(9):
        response = client.get(reverse("people:roster"))
    html = response.content.decode()
    assert response.context["unit"] == filled.quan_ba
    # The villages' party cells and work teams, not the old communes' boards (Thuỷ, An).
    rows = [(p.person.full_name, p.organisation.unit.name) for p in response.context["page"]]
    assert sorted(rows) == [("Giàng Thị Mai", "Thôn Nà Mạ"), ("Giàng Thị Mai", "Thôn Nà Mạ")]
    assert (
        "Huyện Quản Bạ không còn từ 01/07/2025: danh sách dưới đây là các thôn, "
        "tổ dân phố từng thuộc đơn vị này"
    ) in html
    before = client.get(reverse("people:roster"), {"as_of": ON})
    assert "former-notice" not in before.content.decode()
    assert response_names(before) == {"Giàng Thị Mai", "Lý Văn Thuỷ", "Nguyễn Văn An"}


def test_the_export_link_gives_a_file_that_reimports_as_a_no_op(client, filled):
    client.force_login(user_with(filled.ha_giang, "clerk"))
    response = client.get(reverse("people:export"), {"unit": filled.ha_giang.pk, "as_of": ON})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    result = import_roster(response.content, filename="x.xlsx")
    assert (result.errors, result.created, result.unchanged) == ([], 0, 4)


def test_the_export_masks_ids_for_users_who_may_not_see_them(client, filled):
    client.force_login(user_with(filled.ha_giang, "commission"))
    response = client.get(reverse("people:export"), {"unit": filled.ha_giang.pk, "as_of": ON})
    sheet = load_workbook(io.BytesIO(response.content)).active
    ids = {sheet.cell(row=r, column=12).value for r in range(3, sheet.max_row + 1)}
    assert MAI_ID not in ids and "002*******34" in ids


def test_the_export_of_a_unit_outside_the_users_grants_is_refused(client, filled):
    client.force_login(user_with(filled.can_ty, "clerk"))
    response = client.get(reverse("people:export"), {"unit": filled.thanh_van.pk})
    assert response.status_code == 404


def test_a_history_export_includes_ended_positions(client, filled):
    import_roster(xlsx([mai(**{"Đến ngày": date(2024, 12, 31)})]), filename="b.xlsx")
    client.force_login(user_with(filled.ha_giang, "clerk"))
    today = client.get(
        reverse("people:export"), {"unit": filled.ha_giang.pk, "as_of": "01/01/2025"}
    )
    history = client.get(reverse("people:export"), {"unit": filled.ha_giang.pk, "history": "1"})
    count = lambda r: load_workbook(io.BytesIO(r.content)).active.max_row - 2  # noqa: E731
    assert (count(today), count(history)) == (3, 4)


def exported_rows(response) -> list[tuple[str, str, str]]:
    """(full name, role, organisation) of every data row of an exported roster."""
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = sheet.iter_rows(min_row=3, values_only=True)
    return [(r[4], r[2], r[3]) for r in rows]


def export_link(response) -> str:
    """The href of the page's «Xuất Excel (ngày đang xem)» button."""
    found = re.search(r'id="export-link" href="([^"]+)"', response.content.decode())
    assert found, "no export link"
    return html.unescape(found.group(1))


def screen_rows(response) -> list[tuple[str, str, str]]:
    page = response.context["page"]
    return [(p.person.full_name, p.role.label, p.organisation.name) for p in page]


@pytest.mark.parametrize("as_of", ["02/12/2026", ON])
def test_the_export_of_a_former_district_has_exactly_the_rows_on_screen(client, filled, as_of):
    client.force_login(user_with(filled.quan_ba, "clerk"))
    shown = client.get(reverse("people:roster"), {"unit": filled.quan_ba.pk, "as_of": as_of})
    exported = client.get(export_link(shown))
    assert exported.status_code == 200
    assert screen_rows(shown) and exported_rows(exported) == screen_rows(shown)


def test_the_export_keeps_the_role_and_name_filters_on_screen(client, filled):
    client.force_login(user_with(filled.ha_giang, "clerk"))
    filters = {"unit": filled.ha_giang.pk, "as_of": ON, "role": "inspection_board_head"}
    shown = client.get(reverse("people:roster"), filters)
    exported = client.get(export_link(shown))
    assert [name for name, _, _ in exported_rows(exported)] == ["Nguyễn Văn An", "Lý Văn Thuỷ"]
    named = client.get(reverse("people:roster"), {**filters, "role": "", "q": "giang thi"})
    exported = client.get(export_link(named))
    assert exported_rows(exported) == screen_rows(named) and len(screen_rows(named)) == 2
