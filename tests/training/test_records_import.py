import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tests.factories import PersonFactory
from training.models import TrainingRecord
from training.services import import_training_records

pytestmark = pytest.mark.django_db
HEADER = ["Số CCCD", "Họ và tên", "Ngày sinh", "Mã chương trình", "Ngày hoàn thành",
          "Đơn vị tổ chức", "Số giấy chứng nhận", "Ghi chú"]  # fmt: skip


def xlsx(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH CÁN BỘ ĐÃ ĐƯỢC TẬP HUẤN"])  # a title row, as clerks make them
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def people(db):  # type: ignore[no-untyped-def]
    blank = {"given_name": "", "family_name": "", "middle_name": ""}
    lan = PersonFactory(
        citizen_id="002180001234", full_name="Vàng Thị Lan", birth_date=date(1980, 3, 5), **blank
    )
    chu = PersonFactory(full_name="Hoàng Văn Chu", birth_date=date(1975, 6, 1), **blank)
    return lan, chu


def test_it_imports_records_by_citizen_id_or_name_and_birth_date(people, tmp_path):
    lan, chu = people
    content = xlsx([
        ["002180001234", "", "", "xdd-kndv", datetime(2023, 10, 12), "Ban Dân vận Tỉnh ủy",
         "12-GCN/BDV", "Lớp khóa I"],
        ["", "HOÀNG VĂN CHU", "01/06/1975", "NV-MTTQ", "15/11/2023", "Ủy ban MTTQ tỉnh", "", ""],
    ])  # fmt: skip
    path = tmp_path / "lich-su.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    call_command("import_training_records", str(path), stdout=out)
    assert "2 thêm mới" in out.getvalue()
    records = {r.person_id: r for r in TrainingRecord.objects.all()}
    assert records[lan.pk].programme.code == "xdd-kndv"
    assert records[lan.pk].completed_on == date(2023, 10, 12)
    assert records[lan.pk].certificate_number == "12-GCN/BDV"
    assert records[lan.pk].source == TrainingRecord.Source.IMPORT
    assert records[chu.pk].programme.code == "nv-mttq"
    assert records[chu.pk].organiser_name == "Ủy ban MTTQ tỉnh"


def test_it_does_not_duplicate_when_the_same_file_is_imported_twice(people):
    content = xlsx([["002180001234", "", "", "xdd-kndv", "12/10/2023", "Ban Dân vận", "", ""]])
    assert import_training_records(content, filename="a.xlsx").created == 1
    again = import_training_records(content, filename="a.xlsx")
    assert (again.created, again.unchanged, again.errors) == (0, 1, [])
    assert TrainingRecord.objects.count() == 1


def test_it_writes_nothing_on_a_dry_run(people):
    content = xlsx([["002180001234", "", "", "xdd-kndv", "12/10/2023", "Ban Dân vận", "", ""]])
    result = import_training_records(content, filename="a.xlsx", dry_run=True)
    assert result.created == 1 and not result.written
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["002180009999", "", "", "xdd-kndv", "12/10/2023", "BDV", "", ""], "Số CCCD",
         "không tìm thấy người"),
        (["12345", "", "", "xdd-kndv", "12/10/2023", "BDV", "", ""], "Số CCCD", "12 chữ số"),
        (["", "Hoàng Văn Chu", "", "xdd-kndv", "12/10/2023", "BDV", "", ""], "Số CCCD",
         "thiếu Số CCCD"),
        (["", "Hoàng Văn Chư", "01/06/1975", "xdd-kndv", "12/10/2023", "BDV", "", ""], "Họ và tên",
         "không tìm thấy Hoàng Văn Chư"),
        (["002180001234", "", "", "abc", "12/10/2023", "BDV", "", ""], "Mã chương trình",
         "không có chương trình mã «abc»"),
        (["002180001234", "", "", "", "12/10/2023", "BDV", "", ""], "Mã chương trình",
         "thiếu mã chương trình"),
        (["002180001234", "", "", "xdd-kndv", "31/02/2023", "BDV", "", ""], "Ngày hoàn thành",
         "không phải là ngày hợp lệ"),
        (["002180001234", "", "", "xdd-kndv", "", "BDV", "", ""], "Ngày hoàn thành",
         "thiếu ngày hoàn thành"),
        (["002180001234", "", "", "xdd-kndv", "12/10/2099", "BDV", "", ""], "Ngày hoàn thành",
         "ở tương lai"),
        (["002180001234", "", "", "xdd-kndv", "12/10/2023", "", "", ""], "Đơn vị tổ chức",
         "thiếu đơn vị tổ chức"),
    ],
)  # fmt: skip
def test_it_names_row_column_and_reason_and_writes_nothing(people, row, column, reason):
    good = ["002180001234", "", "", "nv-mttq", "01/09/2023", "BDV", "", ""]
    result = import_training_records(xlsx([good, row]), filename="a.xlsx")
    assert len(result.errors) == 1, [str(e) for e in result.errors]
    problem = result.errors[0]
    assert (problem.row, problem.column) == (5, column)  # title, blank, header, good, bad
    assert reason in problem.reason
    assert str(problem).startswith(f"Dòng 5, cột «{column}»")
    assert not result.written and not TrainingRecord.objects.exists()


def test_it_refuses_a_name_shared_by_two_people(people):
    PersonFactory(full_name="Hoàng Văn Chu", given_name="", family_name="", middle_name="",
                  birth_date=date(1975, 6, 1))  # fmt: skip
    row = ["", "Hoàng Văn Chu", "01/06/1975", "xdd-kndv", "12/10/2023", "BDV", "", ""]
    result = import_training_records(xlsx([row]), filename="a.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(4, "Họ và tên")]
    assert "2 người" in result.errors[0].reason


def test_it_reports_missing_columns_at_the_header_row(people):
    result = import_training_records(
        xlsx([], header=["Họ và tên", "Mã chương trình", "Ngày hoàn thành"]), filename="a.xlsx"
    )
    assert {(e.row, e.column) for e in result.errors} == {(3, "Đơn vị tổ chức"), (3, "Số CCCD")}


def test_it_reads_csv_and_the_command_fails_loudly(people, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "Số CCCD;Mã chương trình;Ngày hoàn thành;Đơn vị tổ chức\n"
        "002180001234;xdd-kndv;12/10/2023;BDV\n"
        "002180001234;xyz;12/10/2023;BDV\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_training_records", str(path), stderr=err)
    assert "Dòng 3, cột «Mã chương trình»" in err.getvalue()
    assert not TrainingRecord.objects.exists()


def test_the_template_has_the_header_a_programme_drop_down_and_imports_once_filled(client, people):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from people.models import Grant, Level, Unit
    from tests.factories import UserFactory, grant, make_unit
    from training.models import Programme

    organiser = UserFactory()
    province = make_unit(name="Tỉnh Thử", level=Level.PROVINCE, kind=Unit.Kind.TINH, code="99")
    grant(organiser, province, Grant.Role.ORGANISER)
    client.force_login(organiser)
    response = client.get("/ket-qua-tap-huan/mau.xlsx")
    assert response.status_code == 200
    assert "mau-ket-qua-tap-huan.xlsx" in response["Content-Disposition"]
    assert 'id="records-template"' in client.get("/ket-qua-tap-huan/nhap/").content.decode()
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Kết quả tập huấn"]
    assert [c.value for c in sheet[2]] == HEADER
    rule = sheet.data_validations.dataValidation[0]
    count = Programme.objects.count()
    assert (str(rule.sqref), rule.formula1) == ("D3:D5000", f"'Chương trình'!$A$2:$A${count + 1}")
    codes = [r[0] for r in book["Chương trình"].iter_rows(min_row=2, values_only=True)]
    assert "xdd-kndv" in codes and len(codes) == count
    assert sheet.column_dimensions["A"].number_format == "@"
    # Untouched it writes nothing; filled in, it imports like any file.
    assert import_training_records(response.content, filename="mau.xlsx").created == 0
    sheet.append(["002180001234", "", "", "xdd-kndv", "12/10/2023", "Ban Dân vận", "", ""])
    out = io.BytesIO()
    book.save(out)
    assert import_training_records(out.getvalue(), filename="mau.xlsx").created == 1
    clerk = UserFactory()
    client.force_login(clerk)
    assert client.get("/ket-qua-tap-huan/mau.xlsx").status_code == 403
