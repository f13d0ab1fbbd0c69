"""Certificate PDFs: a layout is data (positions in mm from the top-left corner, fonts, sizes)
drawn by the small renderer below. Text is NFC and drawn in DejaVu (full Vietnamese coverage)."""

import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

FONT_DIR = Path(settings.BASE_DIR) / "config" / "fonts"
FONTS = {
    "DejaVuSerif": "DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "DejaVuSerif-Bold.ttf",
    "DejaVuSerif-Italic": "DejaVuSerif-Italic.ttf",
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
}

# One A4-landscape design. Every "text" item is a template over the certificate's fields;
# "if" skips the item when that field is empty; "width" wraps and centres within it.
DEFAULT_LAYOUT: dict[str, Any] = {
    "page": {"width": 297, "height": 210},
    "fonts": {
        "regular": "DejaVuSerif",
        "bold": "DejaVuSerif-Bold",
        "italic": "DejaVuSerif-Italic",
    },
    "colors": {"ink": "#1b1b1b", "accent": "#9b1c1c", "muted": "#555555"},
    "items": [
        {"type": "frame", "inset": 7, "line": 2.0, "color": "accent"},
        {"type": "frame", "inset": 9.5, "line": 0.6, "color": "accent"},
        {
            "type": "text",
            "text": "{header}",
            "x": 72,
            "y": 24,
            "font": "bold",
            "size": 11.5,
            "leading": 5.6,
            "align": "center",
        },
        {
            "type": "text",
            "text": "{number_line}",
            "x": 72,
            "y": 44,
            "font": "regular",
            "size": 11.5,
            "align": "center",
        },
        {
            "type": "text",
            "text": "{national_1}",
            "x": 208,
            "y": 24,
            "font": "bold",
            "size": 11.5,
            "align": "center",
            "underline_if_last": True,
        },
        {
            "type": "text",
            "text": "{national_2}",
            "x": 208,
            "y": 30,
            "font": "bold",
            "size": 12.5,
            "align": "center",
            "underline": True,
            "if": "national_2",
        },
        {
            "type": "text",
            "text": "GIẤY CHỨNG NHẬN",
            "x": 148.5,
            "y": 68,
            "font": "bold",
            "size": 30,
            "align": "center",
            "color": "accent",
        },
        {
            "type": "text",
            "text": "{issuer_name} chứng nhận",
            "max_lines": 1,
            "min_size": 10,
            "x": 148.5,
            "y": 79,
            "font": "italic",
            "size": 13.5,
            "align": "center",
            "width": 240,
        },
        {
            "type": "text",
            "text": "{holder_title} {holder_name}",
            "max_lines": 1,
            "min_size": 14,
            "width": 250,
            "x": 148.5,
            "y": 93,
            "font": "bold",
            "size": 21,
            "align": "center",
        },
        {
            "type": "text",
            "text": "Sinh ngày: {birth_date}",
            "x": 148.5,
            "y": 102,
            "font": "regular",
            "size": 13,
            "align": "center",
            "if": "birth_date",
        },
        {
            "type": "text",
            "text": "{role_unit}",
            "max_lines": 1,
            "min_size": 10,
            "x": 148.5,
            "y": 110,
            "font": "regular",
            "size": 13,
            "align": "center",
            "width": 240,
            "if": "role_unit",
        },
        {
            "type": "text",
            "text": "Đã hoàn thành chương trình",
            "x": 148.5,
            "y": 120,
            "font": "regular",
            "size": 13,
            "align": "center",
        },
        {
            "type": "text",
            "text": "{programme_title}",
            "max_lines": 2,
            "min_size": 11,
            "x": 148.5,
            "y": 129,
            "font": "bold",
            "size": 15,
            "align": "center",
            "width": 240,
            "leading": 6.5,
        },
        {
            "type": "text",
            "text": "{course_line}",
            "max_lines": 1,
            "min_size": 9,
            "x": 148.5,
            "y": 143,
            "font": "regular",
            "size": 12,
            "align": "center",
            "width": 240,
            "if": "course_line",
        },
        {"type": "qr", "x": 24, "y": 150, "size": 34},
        {
            "type": "text",
            "text": "Mã xác minh: {code}",
            "x": 41,
            "y": 189,
            "font": "bold",
            "size": 9,
            "align": "center",
        },
        {
            "type": "text",
            "text": "Quét mã QR hoặc tra cứu tại {verify_url}",
            "x": 24,
            "y": 194,
            "font": "regular",
            "size": 6.5,
            "align": "left",
            "color": "muted",
        },
        {
            "type": "text",
            "text": "{date_line}",
            "x": 215,
            "y": 156,
            "font": "italic",
            "size": 12.5,
            "align": "center",
        },
        {
            "type": "text",
            "text": "{signatory_title}",
            "x": 215,
            "y": 163,
            "font": "bold",
            "size": 12.5,
            "align": "center",
            "leading": 5.5,
        },
        {"type": "image", "field": "seal", "x": 193, "y": 168, "width": 44, "height": 24},
        {
            "type": "text",
            "text": "{signatory_name}",
            "x": 215,
            "y": 196,
            "font": "bold",
            "size": 13.5,
            "align": "center",
        },
    ],
}


def register_fonts() -> None:
    for name, filename in FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return ""


def nfc(text: object) -> str:
    return unicodedata.normalize("NFC", str(text or ""))


def qr_path(canvas: Canvas, url: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR symbol for `url` as one filled path of integer rectangles (one per run of
    dark modules) in a scaled coordinate system: many times faster than reportlab's widget.
    A fixed mask skips segno's evaluation of all eight (any mask is valid for readers)."""
    matrix = segno.make(url, error="m", micro=False, mask=4).matrix
    count = len(matrix)
    ops = []
    for row_index, row in enumerate(matrix):
        bottom = count - 1 - row_index
        col = 0
        while col < count:
            if not row[col]:
                col += 1
                continue
            start = col
            while col < count and row[col]:
                col += 1
            ops.append(f"{start} {bottom} {col - start} 1 re")
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(size / count, size / count)
    canvas.addLiteral("\n".join(ops) + "\nf")
    canvas.restoreState()


def render(
    fields: Mapping[str, str],
    *,
    qr_url: str,
    layout: Mapping[str, Any] | None = None,
    seal: str | None = None,
) -> bytes:
    """The certificate as PDF bytes. Deterministic: same fields, same bytes."""
    register_fonts()
    layout = layout or DEFAULT_LAYOUT
    page = layout["page"]
    height = page["height"] * mm
    buffer = io.BytesIO()
    # The initial font must be ours too, or reportlab puts a Helvetica reference in the page.
    canvas = Canvas(
        buffer,
        pagesize=(page["width"] * mm, height),
        invariant=True,
        initialFontName=layout["fonts"]["regular"],
        initialFontSize=12,
    )
    canvas.setTitle(nfc(fields.get("title", "Giấy chứng nhận")))
    canvas.setAuthor(nfc(fields.get("issuer_name", "")))
    values = _Fields({key: nfc(value) for key, value in fields.items()})
    for item in layout["items"]:
        if item.get("if") and not values[item["if"]]:
            continue
        DRAW[item["type"]](canvas, item, values, layout, height, qr_url=qr_url, seal=seal)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _color(layout: Mapping[str, Any], item: Mapping[str, Any]) -> HexColor:
    name = item.get("color", "ink")
    return HexColor(layout.get("colors", {}).get(name, name))


def _frame(
    canvas: Canvas, item: dict, values: dict, layout: Mapping, height: float, **_: Any
) -> None:
    inset = item["inset"] * mm
    width = layout["page"]["width"] * mm
    canvas.setStrokeColor(_color(layout, item))
    canvas.setLineWidth(item.get("line", 1))
    canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)


def _text(
    canvas: Canvas, item: dict, values: dict, layout: Mapping, height: float, **_: Any
) -> None:
    font = layout["fonts"].get(item.get("font", "regular"), item.get("font"))
    size, lines = _fit(item["text"].format_map(values), font, item)
    canvas.setFont(font, size)
    canvas.setFillColor(_color(layout, item))
    canvas.setStrokeColor(_color(layout, item))
    leading = item.get("leading", size * 0.45) * mm
    x = item["x"] * mm
    y = height - item["y"] * mm
    for index, line in enumerate(lines):
        _draw_line(canvas, line.strip(), x, y - index * leading, item.get("align", "left"))
    underline = item.get("underline") or (
        item.get("underline_if_last") and not values["national_2"]
    )
    if underline and lines:
        _underline(canvas, lines[-1], font, size, x, y - (len(lines) - 1) * leading)


def _fit(text: str, font: str, item: Mapping[str, Any]) -> tuple[float, list[str]]:
    """Wrap within `width`; past `max_lines`, shrink the font (down to `min_size`), then cut
    the last line: long role lists must not run into the next item."""
    size = item.get("size", 12)
    width = item.get("width")
    max_lines = item.get("max_lines")
    while True:
        lines: list[str] = []
        for raw in text.splitlines() or [""]:
            lines.extend(simpleSplit(raw, font, size, width * mm) if width else [raw])
        if not max_lines or len(lines) <= max_lines or size <= item.get("min_size", 9):
            break
        size -= 0.5
    if max_lines and len(lines) > max_lines:
        lines = lines[: max_lines - 1] + [lines[max_lines - 1].rstrip(" ,;") + "…"]
    return size, lines


def _draw_line(canvas: Canvas, line: str, x: float, y: float, align: str) -> None:
    if align == "center":
        canvas.drawCentredString(x, y, line)
    elif align == "right":
        canvas.drawRightString(x, y, line)
    else:
        canvas.drawString(x, y, line)


def _underline(canvas: Canvas, line: str, font: str, size: float, x: float, y: float) -> None:
    half = pdfmetrics.stringWidth(line, font, size) * 0.35
    canvas.setLineWidth(0.6)
    canvas.line(x - half, y - 1.6 * mm, x + half, y - 1.6 * mm)


def _qr(
    canvas: Canvas, item: dict, values: dict, layout: Mapping, height: float, **kw: Any
) -> None:
    size = item["size"] * mm
    canvas.setFillColor(_color(layout, item))
    qr_path(canvas, kw["qr_url"], x=item["x"] * mm, y=height - item["y"] * mm - size, size=size)


def _image(
    canvas: Canvas, item: dict, values: dict, layout: Mapping, height: float, **kw: Any
) -> None:
    if not kw.get("seal"):
        return
    w, h = item["width"] * mm, item["height"] * mm
    x, y = item["x"] * mm, height - item["y"] * mm - h
    canvas.drawImage(kw["seal"], x, y, w, h, mask="auto", preserveAspectRatio=True)


DRAW = {"frame": _frame, "text": _text, "qr": _qr, "image": _image}


PARTY_NATIONAL = ("ĐẢNG CỘNG SẢN VIỆT NAM", "")
STATE_NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def header_fields(*, kind: str, header: str, number: str) -> dict[str, str]:
    """Header lines per kind of issuer: a Party body's document carries the Party's name and
    `Số 12-GCN/BTGDV`; a state or Front body's the national motto and `Số: 12/GCN-UBMTTQ`."""
    if kind == "party":
        national = PARTY_NATIONAL
        return {
            "national_1": national[0],
            "national_2": "",
            "header": f"{header}\n*",
            "number_line": f"Số {number}",
        }
    return {
        "national_1": STATE_NATIONAL[0],
        "national_2": STATE_NATIONAL[1],
        "header": header,
        "number_line": f"Số: {number}",
    }


def certificate_fields(certificate: Any) -> dict[str, str]:
    """What the layout prints, all from the certificate's snapshot (never from live data)."""
    from config.dates import formal, show

    issuer = certificate.issuer
    fields = header_fields(
        kind=issuer.kind,
        header=certificate.issuer_header_printed or certificate.issuer_name_printed.upper(),
        number=certificate.number,
    )
    role_unit = ", ".join(p for p in (certificate.role_label, certificate.unit_name) if p)
    course_line = " · ".join(
        p
        for p in (
            f"Thời gian: {certificate.course_dates}" if certificate.course_dates else "",
            f"Địa điểm: {certificate.course_place}" if certificate.course_place else "",
        )
        if p
    )
    fields.update(
        title=f"Giấy chứng nhận {certificate.number}",
        holder_title="Đồng chí" if issuer.kind == "party" else "",
        holder_name=certificate.holder_name,
        birth_date=show(certificate.holder_birth_date),
        role_unit=role_unit,
        programme_title=certificate.programme_title,
        course_line=course_line,
        issuer_name=certificate.issuer_name_printed,
        date_line=f"{certificate.place_printed or issuer.place_name}, "
        f"{formal(certificate.issued_on)}",
        signatory_title=certificate.signatory_title,
        signatory_name=certificate.signatory_name,
        code=certificate.code,
        verify_url=certificate.verify_url,
    )
    return fields


def render_certificate(certificate: Any) -> bytes:
    issuer = certificate.issuer
    layout = issuer.layout.data if issuer.layout_id else None
    seal = issuer.seal_image.path if issuer.seal_image else None
    return render(
        certificate_fields(certificate), qr_url=certificate.verify_url, layout=layout, seal=seal
    )
