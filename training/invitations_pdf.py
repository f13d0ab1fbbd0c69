"""Printable giấy mời (invitations), one A4 page per invitee, in the layout of an official
letter: the organiser's header and number on the left, the national (or Party) heading and the
place and date on the right, the addressee, the course's programme, sessions and venue, and the
signature block «TM. <organiser>».

Most village cadres have no e-mail: the organiser prints these for everyone (or one commune at
a time) and sends them down through the commune. Text is drawn in DejaVu Sans (training.signin).
"""

import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from people.models import Level, OrgKind, Position, UnitAncestry
from people.text import clean, fold, unit_name_key
from training.calendar import local_date
from training.models import Course, Enrollment
from training.signin import a4_document, escape_text, register_fonts, session_time_text

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 30 * mm, 15 * mm, 20 * mm
# Invitees who hold a seat get a giấy mời; the waitlisted and cancelled do not.
INVITED = (Enrollment.Status.INVITED, Enrollment.Status.CONFIRMED)
PARTY_KINDS = (OrgKind.PARTY_CELL, OrgKind.PARTY_COMMITTEE)
PARTY_WORDS = re.compile(r"\b(dang|dan van|tuyen giao|tinh uy|huyen uy|thanh uy|dang uy)\b")
NO_COMMUNE = "Chưa rõ xã"


def invitees(course: Course) -> QuerySet[Enrollment]:
    return (
        course.enrollments.filter(status__in=INVITED)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )


def course_day(course: Course) -> date:
    """The day the invitees are placed on: the first session's, else today."""
    first = course.sessions.order_by("starts_at").first()
    return local_date(first.starts_at) if first else timezone.localdate()


def by_commune(course: Course, enrollments: list[Enrollment]) -> dict[int | None, list]:
    """Commune id (None when unknown) → the enrollments of the people who sit in it on the
    course's first day: by their first position, else their home unit (three queries)."""
    day = course_day(course)
    people = [e.person_id for e in enrollments]
    unit_of: dict[int, int] = {}
    positions = (
        Position.objects.active_on(day)
        .filter(person_id__in=people)
        .order_by("role__order", "pk")
        .values_list("person_id", "organisation__unit_id")
    )
    for person_id, unit_id in positions:
        unit_of.setdefault(person_id, unit_id)
    for e in enrollments:
        if e.person_id not in unit_of and e.person.home_unit_id:
            unit_of[e.person_id] = e.person.home_unit_id
    communes = dict(
        UnitAncestry.objects.filter(
            descendant_id__in=set(unit_of.values()),
            ancestor__level=Level.COMMUNE,
            valid_from__lte=day,
            valid_to__gte=day,
        ).values_list("descendant_id", "ancestor_id")
    )
    grouped: dict[int | None, list[Enrollment]] = defaultdict(list)
    for e in enrollments:
        grouped[communes.get(unit_of.get(e.person_id, 0))].append(e)
    return grouped


@dataclass(frozen=True)
class Letterhead:
    superior: str  # the unit above the organiser, upper case
    organiser: str
    party: bool
    number: str
    place: str
    signer_title: str
    signer_name: str


def letterhead(course: Course) -> Letterhead:
    organiser = course.organiser
    name = clean(course.organiser_name or (organiser.name if organiser else "")) or "Ban tổ chức"
    party = (organiser is not None and organiser.kind in PARTY_KINDS) or bool(
        PARTY_WORDS.search(fold(name))
    )
    unit = organiser.unit if organiser else course.venue_unit
    superior = ""
    if unit is not None:
        superior = ("Đảng bộ " if party else "") + unit.name
    place = _place(unit) if unit is not None else ""
    return Letterhead(
        superior=superior.upper(),
        organiser=name,
        party=party,
        number=course.invitation_number.strip(),
        place=place,
        signer_title=course.signer_title.strip(),
        signer_name=course.signer_name.strip(),
    )


def _place(unit: Any) -> str:
    """«Nghĩa Thuận» for Xã Nghĩa Thuận: the name without its kind word, as letters date."""
    if unit.short_name:
        return str(unit.short_name)
    words = clean(unit.name).split()
    bare = unit_name_key(unit.name, village=unit.level == Level.VILLAGE)
    # Drop as many leading words as the kind word had, keeping the diacritics of the rest.
    return " ".join(words[len(words) - len(bare.split()) :]) or clean(unit.name)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    centre = {"alignment": TA_CENTER}
    return {
        "head": ParagraphStyle("head", fontName=regular, fontSize=11, leading=14, **centre),
        "head_bold": ParagraphStyle("hb", fontName=bold, fontSize=11, leading=14, **centre),
        "date": ParagraphStyle("date", fontName=regular, fontSize=11, leading=14, **centre),
        "title": ParagraphStyle("title", fontName=bold, fontSize=15, leading=20, **centre),
        "subtitle": ParagraphStyle("sub", fontName=bold, fontSize=12, leading=16, **centre),
        "body": ParagraphStyle(
            "body", fontName=regular, fontSize=12, leading=17, alignment=TA_LEFT, spaceAfter=2
        ),
        "small": ParagraphStyle("small", fontName=regular, fontSize=10, leading=13),
    }


def _date_line(head: Letterhead, today: date) -> str:
    place = f"{escape_text(head.place)}, " if head.place else ""
    return f"<i>{place}ngày {today:%d} tháng {today:%m} năm {today:%Y}</i>"


def _header(head: Letterhead, today: date, st: dict[str, ParagraphStyle]) -> Table:
    number = escape_text(head.number) if head.number else "&nbsp;" * 12 + "/GM"
    left = [
        Paragraph(escape_text(head.superior), st["head"]),
        Paragraph(escape_text(head.organiser.upper()), st["head_bold"]),
        Paragraph("*" if head.party else "———", st["head"]),
        Paragraph(f"Số: {number}", st["head"]),
    ]
    if head.party:
        right = [Paragraph("<u>ĐẢNG CỘNG SẢN VIỆT NAM</u>", st["head_bold"]), Spacer(1, 14)]
    else:
        right = [
            Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["head_bold"]),
            Paragraph("<u>Độc lập - Tự do - Hạnh phúc</u>", st["head_bold"]),
        ]
    right += [Spacer(1, 14), Paragraph(_date_line(head, today), st["date"])]
    table = Table([[left, right]], colWidths=[70 * mm, 95 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _signature(head: Letterhead, st: dict[str, ParagraphStyle]) -> Table:
    received = [
        Paragraph("<b><i>Nơi nhận:</i></b>", st["small"]),
        Paragraph("- Như trên;", st["small"]),
        Paragraph("- Lưu văn phòng.", st["small"]),
    ]
    block = [Paragraph(f"TM. {escape_text(head.organiser.upper())}", st["head_bold"])]
    if head.signer_title:
        block.append(Paragraph(escape_text(head.signer_title.upper()), st["head_bold"]))
    block.append(Spacer(1, 22 * mm))
    if head.signer_name:
        block.append(Paragraph(escape_text(head.signer_name), st["head_bold"]))
    table = Table([[received, block]], colWidths=[70 * mm, 95 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _letter(
    course: Course, e: Enrollment, head: Letterhead, today: date, st: dict[str, ParagraphStyle]
) -> list[Any]:
    sessions = list(course.sessions.all())
    venue = course.venue or (course.venue_unit.name if course.venue_unit else "")
    who = escape_text(e.person.full_name)
    where = ", ".join(escape_text(x) for x in (e.role_label, e.unit_name) if x)
    times = [
        Paragraph(
            "- "
            + escape_text(
                (s.title + ": " if s.title else "") + session_time_text(s.starts_at, s.ends_at)
            ),
            st["body"],
        )
        for s in sessions
    ] or [Paragraph("- Sẽ thông báo sau.", st["body"])]
    story: list[Any] = [
        _header(head, today, st),
        Spacer(1, 10 * mm),
        Paragraph("GIẤY MỜI", st["title"]),
        Paragraph(escape_text(f"Tham dự {course.title}"), st["subtitle"]),
        Spacer(1, 8 * mm),
        Paragraph(f"Kính gửi: <b>Đồng chí {who}</b>", st["body"]),
    ]
    if where:
        story.append(Paragraph(where, st["body"]))
    story += [
        Spacer(1, 4 * mm),
        Paragraph(
            escape_text(f"{head.organiser} trân trọng kính mời đồng chí tham dự {course.title}."),
            st["body"],
        ),
        Paragraph(f"<b>Chương trình:</b> {escape_text(course.programme.title)}", st["body"]),
        Paragraph("<b>Thời gian:</b>", st["body"]),
        *times,
        Paragraph(f"<b>Địa điểm:</b> {escape_text(venue) or 'sẽ thông báo sau'}", st["body"]),
    ]
    if course.trainer:
        story.append(Paragraph(f"<b>Báo cáo viên:</b> {escape_text(course.trainer)}", st["body"]))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(
            "Đề nghị đồng chí thu xếp công việc, tham dự đầy đủ, đúng giờ và mang theo giấy mời "
            "này.",
            st["body"],
        ),
        Spacer(1, 8 * mm),
        KeepTogether(_signature(head, st)),
    ]
    return story


def render(course: Course, enrollments: list[Enrollment], *, today: date | None = None) -> bytes:
    """One page per enrollment, in the order given; a course without invitees gives a page
    saying so (a PDF must have a page)."""
    today = today or timezone.localdate()
    st, head = _styles(), letterhead(course)
    buffer = io.BytesIO()
    doc = a4_document(
        buffer,
        title=f"Giấy mời — {course.title}",
        font_size=12,
        margins=(MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP),
    )
    story: list[Any] = []
    for i, e in enumerate(enrollments):
        if i:
            story.append(PageBreak())
        story += _letter(course, e, head, today, st)
    if not story:
        story = [Paragraph(escape_text(f"{course.title}: chưa mời ai."), st["body"])]
    doc.build(story)
    return buffer.getvalue()
