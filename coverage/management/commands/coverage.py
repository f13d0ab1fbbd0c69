"""manage.py coverage --target nq33-village --unit 00889 --as-of 31/03/2026 --format json"""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.dates import show
from config.spreadsheets import save_workbook, xlsx_value
from coverage.report import coverage_report
from coverage.services import CoverageError
from coverage.units import resolve_request
from coverage.xlsx import Section, build_workbook
from training.models import Target

FORMATS = ("table", "json", "xlsx")
# (key, header) per counting: the columns of the table and of the simple sheet.
COLUMNS = {
    "holders": [
        ("holders", "Số người giữ CD"),
        ("trained", "Đã tập huấn"),
        ("percent", "Tỷ lệ %"),
        ("persons", "Số người"),
        ("persons_trained", "Người đã TH"),
        ("persons_percent", "Tỷ lệ người %"),
        ("due", "Trong hạn"),
        ("overdue", "Quá hạn"),
        ("vacant", "Còn trống"),
    ],
    "boards": [
        ("boards", "Số ban"),
        ("boards_covered", "Số ban đạt"),
        ("percent", "Tỷ lệ %"),
        ("vacant", "Xã chưa có Ban TTND"),
    ],
    "villages": [
        ("villages", "Số thôn"),
        ("villages_covered", "Thôn có tổ trưởng TDV"),
        ("percent", "Tỷ lệ %"),
    ],
}


def columns_of(report: dict) -> list[tuple[str, str]]:
    return next(cols for key, cols in COLUMNS.items() if key in report)


def cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def report_lines(report: dict) -> list[list[str]]:
    """Header row, one row per child, then the unit's own total."""
    columns = columns_of(report)
    lines = [["Đơn vị"] + [title for _, title in columns]]
    for child in report["children"]:
        lines.append([child["unit"]["name"]] + [cell(child[k]) for k, _ in columns])
    lines.append([f"Tổng: {report['unit']['name']}"] + [cell(report[k]) for k, _ in columns])
    return lines


def render_table(report: dict) -> str:
    lines = report_lines(report)
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    on = date.fromisoformat(report["as_of"])
    out = [f"Chỉ tiêu {report['target']} — {report['unit']['name']} — đến ngày {show(on)}"]
    for line in lines:
        first = line[0].ljust(widths[0])
        out.append(
            "  ".join([first] + [v.rjust(w) for v, w in zip(line[1:], widths[1:], strict=True)])
        )
    return "\n".join(out) + "\n"


def simple_workbook(report: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = report["target"][:31]
    on = date.fromisoformat(report["as_of"])
    title = f"Chỉ tiêu {report['target']} — {report['unit']['name']} — {show(on)}"
    sheet.append([xlsx_value(title)])
    for line in report_lines(report):
        sheet.append([xlsx_value(v) for v in line])
    return save_workbook(book)


def render_xlsx(report: dict) -> bytes:
    """The official workbook of coverage.xlsx when it is there, else one plain sheet."""
    try:
        target = Target.objects.current(report["target"], on=date.fromisoformat(report["as_of"]))
        section = Section(
            code=target.code,
            short=target.code,
            title=target.title,
            deadline=target.deadline,
            report=report,
        )
        on = date.fromisoformat(report["as_of"])
        return build_workbook(sections=[section], unit_name=report["unit"]["name"], on=on)
    except (ImportError, TypeError):
        return simple_workbook(report)


class Command(BaseCommand):
    help = "Tỷ lệ tập huấn của một chỉ tiêu theo đơn vị, tính đến một ngày."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", required=True, help="mã chỉ tiêu, vd. nq33-village")
        parser.add_argument("--unit", help="mã GSO của đơn vị (mặc định: mọi tỉnh)")
        parser.add_argument("--as-of", help="dd/mm/yyyy hoặc YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--area-of", help="mã đơn vị cũ (trước 01/07/2025): xem theo địa bàn")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", help="ghi ra tệp thay vì màn hình")

    def handle(self, *args: object, **options: object) -> None:
        try:
            on, unit, area_of = resolve_request(
                unit_code=options["unit"],  # type: ignore[arg-type]
                as_of=options["as_of"],  # type: ignore[arg-type]
                area_of_code=options["area_of"],  # type: ignore[arg-type]
            )
            report = coverage_report(
                target_code=options["target"],  # type: ignore[arg-type]
                unit=unit,
                on=on,
                area_of=area_of,
            )
        except CoverageError as e:
            raise CommandError(str(e)) from e
        write(self, report, options["format"], options["output"])  # type: ignore[arg-type]


def write(command: BaseCommand, report: dict, fmt: str, output: str | None) -> None:
    if fmt == "xlsx":
        if not output:
            raise CommandError("Định dạng xlsx cần --output TỆP")
        with open(output, "wb") as f:
            f.write(render_xlsx(report))
        return
    text = (
        json.dumps(report, ensure_ascii=False, indent=2) + "\n"
        if fmt == "json"
        else render_table(report)
    )
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        command.stdout.write(text, ending="")
