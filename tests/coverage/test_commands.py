"""manage.py coverage and manage.py gaps, through call_command."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_prints_the_json_report_for_a_code_read_on_the_date(tree, villages):
    report = json.loads(
        run(
            "coverage",
            "--target",
            "nq33-village",
            "--unit",
            "00889",
            "--as-of",
            "31/03/2026",
            "--format",
            "json",
        )
    )
    assert report["unit"]["name"] == "Xã Nghĩa Thuận"
    assert (report["holders"], report["trained"], report["percent"]) == (6, 3, 50.0)
    before = json.loads(
        run(
            "coverage",
            "--target",
            "nq33-village",
            "--unit",
            "889",
            "--as-of",
            "2024-12-31",
            "--format",
            "json",
        )
    )
    assert before["unit"]["name"] == "Xã Thanh Vân"
    assert before["vacant"] == 3


def test_it_defaults_to_every_province(tree, villages):
    report = json.loads(
        run("coverage", "--target", "nq33-teams", "--as-of", "31/12/2024", "--format", "json")
    )
    assert report["unit"]["name"] == "Toàn quốc"
    assert [c["unit"]["code"] for c in report["children"]] == ["02"]
    assert (report["villages"], report["villages_covered"]) == (3, 2)


def test_it_reports_the_area_of_a_former_unit(tree, villages):
    report = json.loads(
        run(
            "coverage",
            "--target",
            "nq33-village",
            "--area-of",
            "02",
            "--as-of",
            "31/03/2026",
            "--format",
            "json",
        )
    )
    assert report["area_of"]["name"] == "Tỉnh Hà Giang"
    assert (report["holders"], report["vacant"]) == (6, 6)


def test_it_prints_a_table(tree, villages):
    text = run("coverage", "--target", "nq33-village", "--unit", "00889", "--as-of", "31/03/2026")
    assert "Xã Nghĩa Thuận" in text
    assert "Thôn Nà Mạ" in text
    assert "33,3" in text  # Nà Mạ's persons percent, Vietnamese decimal comma


def test_it_writes_an_xlsx_file(tree, villages, tmp_path):
    path = tmp_path / "bao-cao.xlsx"
    run(
        "coverage",
        "--target",
        "nq33-village",
        "--unit",
        "00889",
        "--as-of",
        "31/03/2026",
        "--format",
        "xlsx",
        "--output",
        str(path),
    )
    book = load_workbook(path)
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Thôn Nà Mạ" in values


def test_it_refuses_a_code_unknown_on_the_date(tree):
    with pytest.raises(CommandError, match="02"):
        run("coverage", "--target", "nq33-village", "--unit", "02", "--as-of", "31/03/2026")
    with pytest.raises(CommandError, match="không phải là ngày"):
        run("coverage", "--target", "nq33-village", "--as-of", "31/13/2026")


def test_it_prints_gaps_as_json(tree, villages):
    rows = json.loads(
        run(
            "gaps",
            "--target",
            "nq33-village",
            "--unit",
            "00889",
            "--as-of",
            "31/03/2026",
            "--format",
            "json",
        )
    )
    assert [r["full_name"] for r in rows if r["kind"] == "holder"] == [
        "Sùng Thị Dua",
        "Nguyễn Văn Bình",
        "Vàng Seo Dình",
    ]
    assert sum(r["kind"] == "vacant_seat" for r in rows) == 2


def test_it_writes_gaps_as_csv_for_excel(tree, villages, tmp_path):
    path = tmp_path / "ds.csv"
    run(
        "gaps",
        "--target",
        "nq33-village",
        "--unit",
        "00889",
        "--as-of",
        "31/03/2026",
        "--format",
        "csv",
        "--output",
        str(path),
    )
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["STT", "Loại", "Họ và tên"]
    assert rows[1][2] == "Sùng Thị Dua"
    assert rows[1][9] == "01/09/2025"
    assert len(rows) == 1 + 5


def test_it_prints_gaps_as_a_table_and_xlsx(tree, villages, boards, tmp_path):
    text = run("gaps", "--target", "nq33-teams", "--unit", "027", "--as-of", "31/12/2024")
    assert "Thôn Cán Hạ" in text
    assert "1 dòng" in text
    path = tmp_path / "ds.xlsx"
    run(
        "gaps",
        "--target",
        "nq33-boards",
        "--unit",
        "027",
        "--as-of",
        "31/12/2024",
        "--format",
        "xlsx",
        "--output",
        str(path),
    )
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[2], r[6]) for r in rows] == [
        ("Ban chưa đạt", None, "Ban thanh tra nhân dân xã Cán Tỷ"),
        ("Thành viên chưa được tập huấn", "Ma Văn Ổn", "Ban thanh tra nhân dân xã Cán Tỷ"),
        ("Chưa có Ban thanh tra nhân dân", None, "Ban thanh tra nhân dân"),
    ]


def test_gaps_needs_a_unit(tree):
    with pytest.raises(CommandError, match="--unit"):
        run("gaps", "--target", "nq33-village")
