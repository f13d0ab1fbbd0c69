import io
import unicodedata
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from people.models import Level, Organisation, OrgKind, Person, Position, Unit
from people.roster import COLUMNS, export_roster, import_roster, template_workbook
from people.services import appoint, create_village, parent_on
from tests.factories import PersonFactory, UserFactory, grant, role

pytestmark = pytest.mark.django_db

MAI_ID = "002185001234"  # Hà Giang, female born 1985
THUY_ID = "002070004321"  # Hà Giang, male born 1970


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx(rows: list[dict], headers: list[str] | None = None, title: bool = True) -> bytes:
    """A workbook as clerks make them: a merged title row above the header row."""
    headers = headers or COLUMNS
    book = Workbook()
    sheet = book.active
    if title:
        sheet["A1"] = "DANH SÁCH BÍ THƯ CHI BỘ, TRƯỞNG THÔN"
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], headers: list[str], sep: str = ",", bom: bool = True) -> bytes:
    def cell(value: object) -> str:
        text = "" if value is None else str(value)
        return f'"{text}"' if sep in text else text

    lines = [sep.join(cell(h) for h in headers)]
    lines += [sep.join(cell(r.get(h)) for h in headers) for r in rows]
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode("utf-8")


def mai(**changes: object) -> dict:
    row = {
        "Mã xã": "00889",
        "Thôn, tổ dân phố": "Nà Mạ",
        "Chức danh": "Bí thư chi bộ",
        "Họ và tên": "Giàng Thị Mai",
        "Ngày sinh": date(1985, 3, 12),
        "Giới tính": "Nữ",
        "Dân tộc": "Mông",
        "Số CCCD": MAI_ID,
        "Từ ngày": date(2024, 1, 1),
    }
    return row | changes


def thuy(**changes: object) -> dict:
    row = {
        "Mã xã": "00889",
        "Chức danh": "Trưởng ban thanh tra nhân dân",
        "Họ": "Lý",
        "Chữ đệm": "Văn",
        "Tên": "Thuỷ",
        "Ngày sinh": "12/05/1970",
        "Giới tính": "Nam",
        "Dân tộc": "Dao",
        "Số CCCD": THUY_ID,
        "Từ ngày": "01/03/2024",
    }
    return row | changes


def run(content: bytes, name: str = "ds.xlsx", **kwargs: object):
    return import_roster(content, filename=name, **kwargs)


def problems(result) -> set[tuple[int, str]]:
    return {(p.row, p.column) for p in result.errors}


def test_it_imports_a_real_workbook_with_title_row_dates_nfd_and_number_ids(tree):
    existing = create_village(commune=tree.thanh_van, name="Bản Lùng Hoà")
    rows = [
        mai(**{"Họ và tên": nfd("  Giàng  Thị Mai "), "Số CCCD": int(MAI_ID)}),
        mai(**{"Chức danh": "mobilization_team_head", "Thôn, tổ dân phố": nfd("thôn Nà Mạ")}),
        thuy(),
        thuy(
            **{
                "Chức danh": "TRƯỞNG BAN CÔNG TÁC MẶT TRẬN",
                "Thôn, tổ dân phố": "bản Lùng Hòa",
                "Tên": nfd("Thủy"),
                "Số CCCD": None,
            }
        ),
    ]
    result = run(xlsx(rows))
    assert result.errors == []
    assert (result.created, result.people_created, result.written) == (4, 2, True)
    assert result.villages == [("Thôn Nà Mạ", "Xã Thanh Vân")]
    village = Unit.objects.get(level=Level.VILLAGE, name="Thôn Nà Mạ")
    assert parent_on(village, date(2024, 1, 1)) == tree.thanh_van
    person = Person.objects.get(citizen_id=MAI_ID)
    assert person.full_name == "Giàng Thị Mai"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert person.birth_date == date(1985, 3, 12)
    assert person.positions.count() == 2
    thuy_person = Person.objects.get(citizen_id=THUY_ID)
    assert thuy_person.given_name == "Thuỷ"
    assert set(thuy_person.positions.values_list("organisation__unit", flat=True)) == {
        tree.thanh_van.pk,
        existing.pk,
    }
    board = Organisation.objects.get(kind=OrgKind.PEOPLE_INSPECTION_BOARD)
    assert board.unit == tree.thanh_van


def test_it_lists_every_problem_with_its_row_and_column_and_writes_nothing(tree):
    other = "002185009999"
    rows = [
        mai(**{"Số CCCD": "12345"}),  # 3: wrong length
        mai(**{"Số CCCD": "999185001234", "Thôn, tổ dân phố": "A"}),  # 4: province code
        mai(**{"Giới tính": "Nam", "Thôn, tổ dân phố": "B"}),  # 5: sex vs ID
        mai(**{"Ngày sinh": date(1986, 3, 12), "Số CCCD": "002185005555", "Thôn, tổ dân phố": "C"}),
        mai(**{"Số CCCD": other, "Thôn, tổ dân phố": "D"}),  # 7
        mai(**{"Số CCCD": other, "Họ và tên": "Vàng Thị Dợ", "Thôn, tổ dân phố": "E"}),  # 8
        mai(**{"Từ ngày": "31/02/2024", "Thôn, tổ dân phố": "F"}),  # 9: impossible date
        mai(**{"Mã xã": "99999"}),  # 10: unknown commune
        mai(**{"Chức danh": "Chủ tịch"}),  # 11: unknown role
        mai(**{"Thôn, tổ dân phố": "G"}),  # 12
        thuy(**{"Chức danh": "Bí thư chi bộ", "Thôn, tổ dân phố": "G"}),  # 13: second holder
        mai(**{"Thôn, tổ dân phố": "H", "Đến ngày": "01/01/2023"}),  # 14: end before start
        mai(**{"Thôn, tổ dân phố": "G"}),  # 15: duplicate of 12
        mai(**{"Họ và tên": "", "Số CCCD": "", "Thôn, tổ dân phố": "I"}),  # 16: no name
        thuy(**{"Thôn, tổ dân phố": "K"}),  # 17: village for a commune-level role
        mai(**{"Thôn, tổ dân phố": ""}),  # 18: no village for a village role
        mai(**{"Mã xã": "00883"}),  # 19: that code did not exist in 2024
    ]
    result = run(xlsx(rows))
    assert problems(result) == {
        (3, "Số CCCD"),
        (4, "Số CCCD"),
        (5, "Số CCCD"),
        (6, "Số CCCD"),
        (8, "Số CCCD"),
        (9, "Từ ngày"),
        (10, "Mã xã"),
        (11, "Chức danh"),
        (13, "Chức danh"),
        (14, "Đến ngày"),
        (15, "Chức danh"),
        (16, "Họ và tên"),
        (17, "Thôn, tổ dân phố"),
        (18, "Thôn, tổ dân phố"),
        (19, "Mã xã"),
    }
    reasons = {(p.row, p.column): p.reason for p in result.errors}
    assert "12 chữ số" in reasons[(3, "Số CCCD")]
    assert "mã tỉnh" in reasons[(4, "Số CCCD")]
    assert "giới tính" in reasons[(5, "Số CCCD")]
    assert "năm sinh" in reasons[(6, "Số CCCD")]
    assert "dòng 7" in reasons[(8, "Số CCCD")]
    assert "31/02/2024" in reasons[(9, "Từ ngày")]
    assert "99999" in reasons[(10, "Mã xã")]
    assert "Chủ tịch" in reasons[(11, "Chức danh")]
    assert (
        "chỉ có một người" in reasons[(13, "Chức danh")] and "dòng 12" in reasons[(13, "Chức danh")]
    )
    assert "trùng với dòng 12" in reasons[(15, "Chức danh")]
    assert str(result.errors[0]).startswith("Dòng 3, cột «Số CCCD»: ")
    assert not result.written
    assert not Person.objects.exists()
    assert not Position.objects.exists()
    assert not Unit.objects.filter(level=Level.VILLAGE).exists()
    assert not Organisation.objects.exists()


def test_it_refuses_a_second_holder_of_a_seat_held_in_the_database(tree):
    assert run(xlsx([mai()])).written
    result = run(xlsx([thuy(**{"Chức danh": "Bí thư chi bộ", "Thôn, tổ dân phố": "Nà Mạ"})]))
    assert problems(result) == {(3, "Chức danh")}
    assert "Giàng Thị Mai đang giữ từ 01/01/2024" in result.errors[0].reason
    assert Position.objects.count() == 1


def test_it_refuses_an_id_that_belongs_to_someone_else_in_the_database(tree):
    PersonFactory(citizen_id=MAI_ID, birth_date=date(1985, 1, 1), sex="F")
    result = run(xlsx([mai()]))
    assert problems(result) == {(3, "Số CCCD")}
    assert "đã được dùng cho" in result.errors[0].reason


def test_it_counts_rows_as_excel_does_including_blank_rows(tree):
    book = load_workbook(io.BytesIO(xlsx([mai()])))
    sheet = book.active
    sheet.insert_rows(3, amount=2)  # two blank rows between the header and the data
    sheet.append([mai(**{"Mã xã": "12a"}).get(h) for h in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    result = run(out.getvalue())
    assert problems(result) == {(6, "Mã xã")}
    assert str(result.errors[0]).startswith("Dòng 6, cột «Mã xã»: ")


def test_it_changes_nothing_when_the_same_file_is_imported_again(tree):
    content = xlsx([mai(), mai(**{"Chức danh": "Tổ trưởng tổ dân vận"}), thuy()])
    first = run(content)
    assert first.created == 3
    again = run(content)
    assert again.errors == []
    assert (again.created, again.unchanged, again.closed, again.people_created) == (0, 3, 0, 0)
    assert again.villages == []
    assert Position.objects.count() == 3
    assert Person.objects.count() == 2
    assert Unit.objects.filter(level=Level.VILLAGE).count() == 1


def test_a_later_file_with_an_end_date_closes_the_position_and_seats_the_successor(tree):
    run(xlsx([mai()]))
    successor = thuy(
        **{"Chức danh": "Bí thư chi bộ", "Thôn, tổ dân phố": "Nà Mạ", "Từ ngày": "01/07/2024"}
    )
    result = run(xlsx([mai(**{"Đến ngày": "30/06/2024"}), successor]))
    assert result.errors == []
    assert (result.closed, result.created) == (1, 1)
    closed = Position.objects.get(person__citizen_id=MAI_ID)
    assert closed.end == date(2024, 6, 30)
    assert Position.objects.get(person__citizen_id=THUY_ID).start == date(2024, 7, 1)


def test_it_finds_a_village_under_its_new_commune_after_the_merger(tree):
    village = create_village(commune=tree.thanh_van, name="Thôn Nà Mạ")
    run(xlsx([mai()]))
    after = thuy(
        **{
            "Chức danh": "Tổ trưởng tổ dân vận",
            "Thôn, tổ dân phố": "nà mạ",
            "Từ ngày": date(2025, 9, 1),
        }
    )
    result = run(xlsx([after]))
    assert result.errors == [] and result.villages == []
    position = Position.objects.get(person__citizen_id=THUY_ID)
    assert position.organisation.unit == village
    assert parent_on(village, date(2025, 9, 1)) == tree.nghia_thuan


def test_a_new_village_named_on_rows_both_sides_of_the_merger_is_created_once(tree):
    after = mai(**{"Chức danh": "Tổ trưởng tổ dân vận", "Từ ngày": date(2025, 9, 1)})
    result = run(xlsx([mai(), after]))
    assert result.errors == []
    assert len(result.villages) == 1
    assert Unit.objects.filter(level=Level.VILLAGE).count() == 1


def test_it_reads_a_csv_with_bom_and_semicolons(tree):
    headers = ["Mã xã", "Thôn, tổ dân phố", "Chức danh", "Họ và tên", "Ngày sinh", "Số CCCD"]
    headers += ["Giới tính", "Từ ngày"]
    row = mai(**{"Ngày sinh": "12/03/1985", "Từ ngày": "01/01/2024", "Mã xã": "889"})
    for sep in (";", ","):
        Position.objects.all().delete()
        result = run(csv_bytes([row], headers, sep=sep), name="ds.csv")
        assert result.errors == [], sep
        assert result.created == 1
    assert Person.objects.get().full_name == "Giàng Thị Mai"


def test_a_csv_error_names_the_line(tree):
    headers = ["Mã xã", "Thôn, tổ dân phố", "Chức danh", "Họ và tên", "Ngày sinh", "Từ ngày"]
    content = csv_bytes([mai(), mai(**{"Ngày sinh": "30/13/1985"})], headers, sep=";")
    result = run(content, name="ds.csv")
    assert problems(result) == {(3, "Ngày sinh")}


def test_it_says_which_columns_are_missing(tree):
    result = run(xlsx([mai()], headers=["Mã xã", "Chức danh", "Họ và tên", "Ngày sinh"]))
    assert problems(result) == {(2, "Từ ngày")}


def test_an_exported_roster_imports_again_as_a_no_op(tree):
    run(xlsx([mai(), thuy(), mai(**{"Chức danh": "Tổ trưởng tổ dân vận"})]))
    content = export_roster(unit=tree.ha_giang, as_of=date(2024, 6, 1))
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[2]] == COLUMNS
    assert sheet.max_row == 5
    result = run(content)
    assert result.errors == []
    assert (result.created, result.unchanged, result.people_created) == (0, 3, 0)


def test_a_history_export_after_the_merger_uses_the_old_commune_code(tree):
    run(xlsx([mai(**{"Đến ngày": date(2025, 12, 31)})]))
    content = export_roster(unit=tree.tuyen_quang, as_of=None)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.cell(row=3, column=1).value == "00889"
    assert sheet.cell(row=3, column=2).value == "Thôn Nà Mạ"
    assert run(content).unchanged == 1


def test_the_template_imports_nothing_and_its_example_sheet_imports_cleanly(tree):
    untouched = run(template_workbook(), dry_run=True)
    assert (untouched.errors, untouched.created) == ([], 0)  # only the first sheet is read
    book = load_workbook(io.BytesIO(template_workbook()))
    book.move_sheet("Ví dụ", offset=-1)  # the example sheet first: its row is valid
    out = io.BytesIO()
    book.save(out)
    result = run(out.getvalue(), dry_run=True)
    assert result.errors == []
    assert result.created == 1 and not result.written
    assert not Position.objects.exists()


def test_a_user_may_import_only_inside_their_units(tree):
    clerk = UserFactory()
    grant(clerk, tree.can_ty, "clerk")
    rows = [mai(**{"Mã xã": "00880"}), mai(**{"Thôn, tổ dân phố": "Khác"})]
    result = run(xlsx(rows), user=clerk)
    assert problems(result) == {(4, "Mã xã")}
    assert "ngoài phạm vi" in result.errors[0].reason
    assert run(xlsx(rows[:1]), user=clerk).written


def test_a_dry_run_reports_without_writing(tree):
    result = run(xlsx([mai(), thuy()]), dry_run=True)
    assert (result.created, result.people_created, result.written) == (2, 2, False)
    assert not Person.objects.exists()


def test_the_command_prints_every_error_and_fails(tree, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([mai(), mai(**{"Số CCCD": "12345", "Thôn, tổ dân phố": "B"})]))
    with pytest.raises(CommandError):
        call_command("import_roster", str(path))
    assert "Dòng 4, cột «Số CCCD»: Số CCCD phải gồm đúng 12 chữ số" in capsys.readouterr().err
    assert not Person.objects.exists()


def test_the_command_imports_and_its_dry_run_does_not(tree, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([mai(), thuy()]))
    call_command("import_roster", str(path), "--dry-run")
    assert "chưa ghi" in capsys.readouterr().out
    assert not Position.objects.exists()
    call_command("import_roster", str(path))
    out = capsys.readouterr().out
    assert "Đã nhập" in out and "2 thêm mới" in out and "Nà Mạ (Xã Thanh Vân)" in out
    assert Position.objects.count() == 2


def test_the_export_command_writes_a_reimportable_file(tree, tmp_path):
    run(xlsx([mai(), thuy()]))
    out = tmp_path / "xuat.xlsx"
    call_command("export_roster", "--unit", "02", "--as-of", "01/06/2024", "--output", str(out))
    assert run(out.read_bytes()).unchanged == 2


def test_it_keeps_a_position_made_elsewhere_when_the_file_has_it_too(tree):
    village = create_village(commune=tree.thanh_van, name="Nà Mạ")
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ Nà Mạ", unit=village)
    person = PersonFactory(
        family_name="Giàng", middle_name="Thị", given_name="Mai", citizen_id=MAI_ID, sex="F",
        birth_date=date(1985, 3, 12),
    )  # fmt: skip
    appoint(
        person=person, role=role("party_cell_secretary"), organisation=cell, start=date(2024, 1, 1)
    )
    result = run(xlsx([mai(**{"Điện thoại": "912345678"})]))
    assert (result.unchanged, result.created, result.people_updated) == (1, 0, 1)
    person.refresh_from_db()
    assert person.phone == "0912345678"


def test_named_boards_are_separate_organisations_with_their_own_heads(tree):
    def head(name: str, cid: str, board: str) -> dict:
        return thuy(
            **{
                "Chức danh": "investment_board_head",
                "Tổ chức": board,
                "Họ và tên": name,
                "Số CCCD": cid,
                "Họ": None,
                "Chữ đệm": None,
                "Tên": None,
            }
        )

    rows = [
        head("Lý Văn A", "002070000001", "Ban giám sát đầu tư cộng đồng dự án đường thôn"),
        head("Lý Văn B", "002070000002", "Ban giám sát đầu tư cộng đồng dự án trường học"),
    ]
    result = run(xlsx(rows))
    assert result.errors == [] and result.created == 2
    boards = Organisation.objects.filter(kind=OrgKind.INVESTMENT_SUPERVISION_BOARD)
    assert sorted(b.name for b in boards) == [
        "Ban giám sát đầu tư cộng đồng dự án trường học",
        "Ban giám sát đầu tư cộng đồng dự án đường thôn",
    ]
    assert run(xlsx(rows)).unchanged == 2


def test_a_mass_organisation_kind_is_read_from_its_name(tree):
    row = thuy(**{"Chức danh": "mass_org_key_cadre", "Tổ chức": "Hội Nông dân xã Thanh Vân"})
    assert run(xlsx([row])).written
    assert Organisation.objects.get().kind == OrgKind.FARMERS_ASSOCIATION


def test_a_legacy_number_is_kept_and_needs_a_birth_date(tree):
    result = run(xlsx([mai(**{"Số CCCD": "073456789", "Ngày sinh": None})]))
    assert problems(result) == {(3, "Ngày sinh")}
    assert run(xlsx([mai(**{"Số CCCD": 73456789})])).written  # a number cell drops the 0
    person = Person.objects.get()
    assert (person.legacy_id, person.citizen_id) == ("073456789", None)


def test_a_closed_position_reimported_is_unchanged(tree):
    closed = xlsx([mai(**{"Đến ngày": "30/06/2024"})])
    assert run(xlsx([mai()])).created == 1
    assert run(closed).closed == 1
    again = run(closed)
    assert (again.closed, again.updated, again.unchanged) == (0, 0, 1)
    assert run(xlsx([mai(**{"Đến ngày": "31/07/2024"})])).updated == 1
    assert Position.objects.get().end == date(2024, 7, 31)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_cannot_both_fill_one_seat(tree):
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row and advisory locks need PostgreSQL")
    files = [
        xlsx([mai()]),
        xlsx([thuy(**{"Chức danh": "Bí thư chi bộ", "Thôn, tổ dân phố": "Nà Mạ"})]),
    ]
    results = []
    barrier = threading.Barrier(2)

    def work(content: bytes) -> None:
        barrier.wait()
        try:
            results.append(run(content))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(f,)) for f in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.written for r in results) == [False, True]
    assert "chỉ có một người" in next(r for r in results if not r.written).errors[0].reason
    assert Position.objects.count() == 1
    assert Unit.objects.filter(level=Level.VILLAGE).count() == 1


@pytest.mark.parametrize("typed", [MAI_ID[1:], MAI_ID[2:]])
def test_an_id_typed_short_says_excel_may_have_dropped_the_leading_zero(tree, typed):
    row = mai(**{"Số CCCD": typed})
    for content, name, line in (
        (xlsx([row]), "ds.xlsx", 3),
        (csv_bytes([row], list(row)), "ds.csv", 2),
    ):
        result = run(content, name=name)
        assert [str(p) for p in result.errors] == [
            f"Dòng {line}, cột «Số CCCD»: Số CCCD có {len(typed)} chữ số, phải có 12 chữ số — "
            "Excel có thể đã bỏ số 0 đầu (định dạng ô là Văn bản rồi gõ đủ 12 số)"
        ]
    assert not Person.objects.exists()
    # A number cell is Excel's own doing: the zeros it dropped are put back.
    assert run(xlsx([mai(**{"Số CCCD": int(typed)})])).written
    assert Person.objects.get().citizen_id == MAI_ID
