"""Sign-in sheet PDF: names in NFC and Vietnamese order, DejaVu fonts, header repeated, pages."""

import io
import unicodedata
from datetime import date, time

import pytest
from pypdf import PdfReader

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, person
from training import calendar
from training.models import Course, Enrollment, Programme, Session
from training.services import cancel_enrollment, create_course, invite

world = support.world
catalogue = support.catalogue
DAY = date(2026, 3, 10)
# Deliberately unsorted, some typed decomposed (NFD) the way some keyboards send them.
NAMES = [
    "Nguyễn Văn Bình",
    "Lò Thị Ánh",
    "Trần Đức Anh",
    "Vàng Thị Ân",
    "Hoàng Thị Thuỷ",
    "Đỗ Văn Ba",
]
ORDERED = [
    "Trần Đức Anh",
    "Lò Thị Ánh",
    "Vàng Thị Ân",
    "Đỗ Văn Ba",
    "Nguyễn Văn Bình",
    "Hoàng Thị Thuỷ",
]


@pytest.fixture
def session(world: World) -> Session:
    course = create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Hội nghị tập huấn công tác xây dựng Đảng — Xã Thanh Vân",
        venue="Hội trường UBND xã Thanh Vân",
        venue_unit=world.tree.thanh_van,
        capacity=100,
        status=Course.Status.OPEN,
    )
    for name in NAMES:
        invite(course=course, person=person(unicodedata.normalize("NFD", name)))
    return Session.objects.create(
        course=course,
        starts_at=calendar.at(DAY, time(7, 30)),
        ends_at=calendar.at(DAY, time(11, 30)),
        title="Buổi sáng",
    )


def text_of(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages), reader


def fonts_of(reader: PdfReader) -> set[str]:
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def listed_names(text: str) -> list[str]:
    wanted = set(ORDERED)
    return [line.strip() for line in text.splitlines() if line.strip() in wanted]


def test_it_lists_names_in_nfc_and_vietnamese_order(client, world, session) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(f"/lop/buoi/{session.pk}/so-diem-danh.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text, _ = text_of(response.content)
    assert unicodedata.is_normalized("NFC", text)
    assert listed_names(text) == ORDERED
    assert "Hội trường UBND xã Thanh Vân" in text
    assert "Thứ Ba, 10/03/2026, 07:30–11:30" in text
    for header in ("STT", "Họ và tên", "Chức danh", "Thôn/Xã", "Chữ ký"):
        assert header in text


def test_it_draws_in_dejavu_never_helvetica_or_vera(client, world, session) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_superuser=True))

    _, reader = text_of(client.get(f"/lop/buoi/{session.pk}/so-diem-danh.pdf").content)

    fonts = fonts_of(reader)
    assert fonts and all("DejaVuSans" in f for f in fonts), fonts
    assert not any("Helvetica" in f or "Vera" in f for f in fonts)


def test_it_repeats_the_table_header_and_numbers_pages(client, world, session) -> None:  # type: ignore[no-untyped-def]
    for n in range(40):
        invite(course=session.course, person=person(f"Sùng Mí Pao {n}"))
    client.force_login(UserFactory(is_superuser=True))

    _, reader = text_of(client.get(f"/api/v1/sessions/{session.pk}/sign-in-sheet.pdf").content)

    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Họ và tên" in text and "Chữ ký" in text
        assert f"Trang {number}/{len(reader.pages)}" in text


def test_it_leaves_out_waitlisted_and_cancelled_invitees(client, world, session) -> None:  # type: ignore[no-untyped-def]
    gone = session.course.enrollments.get(person__full_name="Đỗ Văn Ba")
    cancel_enrollment(enrollment=gone)
    Enrollment.objects.filter(person__full_name="Lò Thị Ánh").update(
        status=Enrollment.Status.WAITLISTED
    )
    client.force_login(UserFactory(is_superuser=True))

    text, _ = text_of(client.get(f"/lop/buoi/{session.pk}/so-diem-danh.pdf").content)

    assert listed_names(text) == [
        "Trần Đức Anh",
        "Vàng Thị Ân",
        "Nguyễn Văn Bình",
        "Hoàng Thị Thuỷ",
    ]


def test_it_hides_sheets_of_courses_the_user_cannot_see(client, world, session) -> None:  # type: ignore[no-untyped-def]
    stranger = UserFactory(username="la")
    grant(stranger, world.lao_va_chai, Grant.Role.ORGANISER)
    client.force_login(stranger)

    assert client.get(f"/lop/buoi/{session.pk}/so-diem-danh.pdf").status_code == 404
    assert client.get(f"/api/v1/sessions/{session.pk}/sign-in-sheet.pdf").status_code == 404


def test_it_serves_clients_that_ask_for_pdf_explicitly(client, world, session) -> None:  # type: ignore[no-untyped-def]
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(
        f"/api/v1/sessions/{session.pk}/sign-in-sheet.pdf", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
