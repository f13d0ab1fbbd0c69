"""Coverage files in and out: the indicator upload refuses hostile files; every export writes
formula-like names as text (.xlsx) or with a leading apostrophe (.csv)."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from coverage.models import IndicatorValue
from people.models import Person, Unit
from tests.coverage.conftest_ui import ui  # noqa: F401
from tests.spreadsheet_files import PNG, small_bomb

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://x","bấm vào")'
PARAMS = {"as_of": "31/03/2025"}


def indicator_sheet(*rows: list[object]) -> bytes:
    book = Workbook()
    book.active.append(["Mã xã", "Đơn vị", "Chỉ tiêu", "Năm", "Quý", "Giá trị", "Nguồn"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NUL_ROW = ["00889", "", "nq33-dossiers", 2024, None, 97.5, "A_x0000_"]  # Excel's NUL
HOSTILE = [
    ("nul", "ct.xlsx", indicator_sheet(NUL_ROW),
     "Dòng 2, cột «Nguồn»: ô chứa ký tự không hợp lệ (NUL)"),
    ("csv", "ct.csv", b"a,b\n", "Chỉ nhận tệp Excel .xlsx"),
    ("renamed", "ct.xlsx", PNG, "không phải là bảng tính Excel .xlsx thật"),
    ("bomb", "ct.xlsx", small_bomb(), "«bom nén» (zip bomb)"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "name", "content", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_indicator_upload_refuses_a_hostile_file_and_writes_nothing(
    client,
    ui,  # noqa: F811
    case,
    name,
    content,
    says,  # noqa: F811
):
    client.force_login(ui.admin)
    response = client.post(
        reverse("coverage:indicator_import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not IndicatorValue.objects.exists()


def formulas_in(content: bytes) -> list[str]:
    """Sheets of an .xlsx that hold a formula element."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            n
            for n in archive.namelist()
            if n.startswith("xl/worksheets/") and b"<f" in archive.read(n)
        ]


def texts(content: bytes) -> dict[str, str]:
    book = load_workbook(io.BytesIO(content))
    return {
        c.value: c.data_type
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }


@pytest.fixture
def hostile_names(ui):  # type: ignore[no-untyped-def]  # noqa: F811
    """An untrained holder and a commune whose names would run as formulas."""
    Person.objects.filter(given_name="Bình").update(full_name=FORMULA)
    Unit.objects.filter(pk=ui.tree.can_ty.pk).update(name="=1+2")
    return ui


def test_the_report_workbook_writes_formula_like_names_as_text(client, hostile_names):
    client.force_login(hostile_names.admin)
    response = client.get(
        reverse("coverage:report_xlsx"), {"unit": hostile_names.tree.quan_ba.pk, **PARAMS}
    )
    assert formulas_in(response.content) == []
    found = texts(response.content)
    assert found[FORMULA] == "s" and found["=1+2"] == "s"


def test_the_report_csv_puts_an_apostrophe_before_formula_like_text(client, hostile_names):
    client.force_login(hostile_names.admin)
    params = {"unit": hostile_names.tree.quan_ba.pk, "target": "nq33-village", **PARAMS}
    response = client.get(reverse("coverage:report_csv"), params)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["Đơn vị"] for r in rows] == ["Huyện Quản Bạ", "'=1+2", "Xã Thanh Vân"]
    assert rows[1]["Số người giữ chức danh"] == "1"  # numbers stay numbers


def test_the_gaps_command_neutralises_names_in_csv_and_xlsx(hostile_names, tmp_path):
    common = ["gaps", "--target", "nq33-village", "--unit", "027", "--as-of", "31/03/2025"]
    call_command(*common, "--format", "csv", "--output", str(tmp_path / "ds.csv"))
    rows = list(csv.reader(io.StringIO((tmp_path / "ds.csv").read_text("utf-8-sig"))))
    assert "'" + FORMULA in [r[2] for r in rows]
    call_command(*common, "--format", "xlsx", "--output", str(tmp_path / "ds.xlsx"))
    content = (tmp_path / "ds.xlsx").read_bytes()
    assert formulas_in(content) == [] and texts(content)[FORMULA] == "s"


def test_the_coverage_command_workbook_writes_a_formula_like_unit_as_text(hostile_names, tmp_path):
    path = tmp_path / "bc.xlsx"
    call_command(
        "coverage", "--target", "nq33-village", "--unit", "027", "--as-of", "31/03/2025",
        "--format", "xlsx", "--output", str(path),
    )  # fmt: skip
    assert formulas_in(path.read_bytes()) == [] and texts(path.read_bytes())["=1+2"] == "s"
