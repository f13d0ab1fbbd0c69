"""manage.py gaps --target nq33-village --unit 00889 --as-of 31/03/2026 --format csv"""

import csv
import io
import json

from django.core.management.base import BaseCommand, CommandError, CommandParser

from config.spreadsheets import neutralised, save_workbook, xlsx_value
from coverage.gaps import TABLE_HEADERS, gaps, table_rows
from coverage.services import CoverageError
from coverage.units import resolve_request

FORMATS = ("table", "csv", "xlsx", "json")


def render_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 Vietnamese only with the BOM
    writer = csv.writer(out)
    writer.writerow(TABLE_HEADERS)
    writer.writerows(neutralised(line) for line in table_rows(rows))
    return out.getvalue()


def render_table(rows: list[dict]) -> str:
    lines = [TABLE_HEADERS] + table_rows(rows)
    widths = [max(len(line[i]) for line in lines) for i in range(len(TABLE_HEADERS))]
    text = "\n".join(
        "  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )
    return text + f"\n{len(rows)} dòng\n"


def render_xlsx(rows: list[dict], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([xlsx_value(title)])
    sheet.append(TABLE_HEADERS)
    for line in table_rows(rows):
        sheet.append([xlsx_value(v) for v in line])
    return save_workbook(book)


class Command(BaseCommand):
    help = "Danh sách chưa đạt: người chưa tập huấn, chức danh trống, ban chưa đạt, thôn thiếu tổ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--target", required=True, help="mã chỉ tiêu, vd. nq33-village")
        parser.add_argument("--unit", help="mã GSO của đơn vị")
        parser.add_argument("--as-of", help="dd/mm/yyyy hoặc YYYY-MM-DD (mặc định: hôm nay)")
        parser.add_argument("--area-of", help="mã đơn vị cũ (trước 01/07/2025): xem theo địa bàn")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", help="ghi ra tệp thay vì màn hình")
        parser.add_argument("--show-ids", action="store_true", help="hiện đầy đủ số CCCD")

    def handle(self, *args: object, **options: object) -> None:
        if not options["unit"] and not options["area_of"]:
            raise CommandError("Cần --unit MÃ (hoặc --area-of MÃ đơn vị cũ)")
        try:
            on, unit, area_of = resolve_request(
                unit_code=options["unit"],  # type: ignore[arg-type]
                as_of=options["as_of"],  # type: ignore[arg-type]
                area_of_code=options["area_of"],  # type: ignore[arg-type]
            )
            rows = gaps(
                target_code=options["target"],  # type: ignore[arg-type]
                unit=unit,
                on=on,
                area_of=area_of,
                show_ids=bool(options["show_ids"]),
            )
        except CoverageError as e:
            raise CommandError(str(e)) from e
        self.write(rows, options, title=f"{options['target']} — {on:%d/%m/%Y}")

    def write(self, rows: list[dict], options: dict, *, title: str) -> None:
        fmt, output = options["format"], options["output"]
        if fmt == "xlsx":
            if not output:
                raise CommandError("Định dạng xlsx cần --output TỆP")
            with open(output, "wb") as f:
                f.write(render_xlsx(rows, title))
            return
        renderers = {
            "json": lambda: json.dumps(rows, ensure_ascii=False, indent=2) + "\n",
            "csv": lambda: render_csv(rows),
            "table": lambda: render_table(rows),
        }
        text = renderers[fmt]()
        if output:
            with open(output, "w", encoding="utf-8", newline="") as f:
                f.write(text)
        else:
            self.stdout.write(text, ending="")
