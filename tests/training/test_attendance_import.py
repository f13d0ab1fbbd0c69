"""Attendance typed back from the .xlsx template: all or nothing, row-numbered, idempotent."""

import io
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, person
from training import calendar
from training.attendance_import import AttendanceImportError, import_attendance, template_workbook
from training.models import Attendance, Course, Programme, Session
from training.services import create_course, invite

world = support.world
catalogue = support.catalogue
DAY = date(2026, 3, 10)
FIRST_ROW = 7  # title rows 1–5, header on row 6


@pytest.fixture
def session(world: World) -> Session:
    course = create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Lớp Thanh Vân",
        venue_unit=world.tree.thanh_van,
        capacity=10,
        status=Course.Status.OPEN,
    )
    for name in ("Lò Văn Cường", "Vàng Thị Anh", "Sùng Mí Bình"):
        invite(course=course, person=person(name))
    return Session.objects.create(
        course=course,
        starts_at=calendar.at(DAY, time(7, 30)),
        ends_at=calendar.at(DAY, time(11, 30)),
    )


def filled(session: Session, marks: list[str], edit=None) -> bytes:  # type: ignore[no-untyped-def]
    wb = load_workbook(io.BytesIO(template_workbook(session)))
    ws = wb.active
    for n, mark in enumerate(marks):
        ws.cell(row=FIRST_ROW + n, column=6, value=mark)
    if edit:
        edit(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def statuses(session: Session) -> dict[str, str]:
    return {
        a.enrollment.person.full_name: a.status
        for a in session.attendances.select_related("enrollment__person")
    }


def test_it_writes_a_template_in_vietnamese_name_order(session: Session) -> None:
    ws = load_workbook(io.BytesIO(template_workbook(session))).active

    assert [c.value for c in ws[6]] == [
        "STT",
        "Mã học viên",
        "Họ và tên",
        "Chức danh",
        "Thôn/Xã",
        "Có mặt",
    ]
    assert [ws.cell(row=r, column=3).value for r in range(7, 10)] == [
        "Vàng Thị Anh",
        "Sùng Mí Bình",
        "Lò Văn Cường",
    ]
    assert ws.data_validations.dataValidation[0].formula1 == '"Có mặt,Muộn,Vắng,Vắng có phép"'


def test_it_records_every_mark_and_replays_without_changes(session: Session) -> None:
    data = filled(session, ["Có mặt", "muộn", "VẮNG CÓ PHÉP"])

    first = import_attendance(session=session, file=data)
    again = import_attendance(session=session, file=data)

    assert statuses(session) == {
        "Vàng Thị Anh": Attendance.Status.PRESENT,
        "Sùng Mí Bình": Attendance.Status.LATE,
        "Lò Văn Cường": Attendance.Status.EXCUSED,
    }
    assert (first.rows, first.changed) == (3, 3)
    assert (again.rows, again.changed) == (3, 0)
    assert Attendance.objects.count() == 3


def test_it_refuses_the_whole_file_naming_rows_and_columns(session: Session) -> None:
    def damage(ws) -> None:  # type: ignore[no-untyped-def]
        ws.cell(row=FIRST_ROW + 1, column=3, value="Người Khác")

    data = filled(session, ["Có mặt", "Vắng", "có mạt?"], edit=damage)

    with pytest.raises(AttendanceImportError) as refused:
        import_attendance(session=session, file=data)

    assert refused.value.errors == [
        "Dòng 8, cột «Họ và tên»: «Người Khác» không khớp với học viên mã "
        f"{session.course.enrollments.get(person__full_name='Sùng Mí Bình').pk} (Sùng Mí Bình)",
        "Dòng 9, cột «Có mặt»: «có mạt?» — cần ghi một trong Có mặt / Muộn / Vắng / Vắng có phép",
    ]
    assert Attendance.objects.count() == 0


def test_it_names_empty_cells_and_strangers(session: Session) -> None:
    def stranger(ws) -> None:  # type: ignore[no-untyped-def]
        ws.cell(row=FIRST_ROW + 2, column=2, value=99999)

    data = filled(session, ["Có mặt", ""], edit=stranger)

    with pytest.raises(AttendanceImportError) as refused:
        import_attendance(session=session, file=data)

    assert refused.value.errors[0].startswith("Dòng 8, cột «Có mặt»: ô trống")
    assert (
        refused.value.errors[1]
        == "Dòng 9, cột «Mã học viên»: «99999» không phải học viên của lớp này"
    )


def test_it_refuses_a_file_of_another_session(session: Session) -> None:
    other = Session.objects.create(
        course=session.course,
        starts_at=calendar.at(DAY, time(13, 30)),
        ends_at=calendar.at(DAY, time(17)),
    )

    with pytest.raises(AttendanceImportError) as refused:
        import_attendance(session=other, file=filled(session, ["Có mặt"] * 3))

    assert refused.value.errors == [
        f"Dòng 4: tệp này là của buổi học mã {session.pk}, không phải buổi {other.pk}"
    ]


def test_it_refuses_something_that_is_not_a_workbook(session: Session) -> None:
    with pytest.raises(AttendanceImportError, match="1 lỗi") as refused:
        import_attendance(session=session, file=b"STT;Ho va ten\n1;A\n")

    assert refused.value.errors == ["Chỉ nhận tệp Excel .xlsx"]


def test_it_imports_through_the_page(client, world, session) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory(username="tochuc")
    grant(organiser, world.tree.thanh_van, Grant.Role.ORGANISER)
    client.force_login(organiser)
    url = f"/lop/buoi/{session.pk}/nhap-diem-danh/"
    template = client.get(f"/lop/buoi/{session.pk}/diem-danh-mau.xlsx")
    assert template.status_code == 200
    assert load_workbook(io.BytesIO(template.content)).active["C7"].value == "Vàng Thị Anh"

    bad = client.post(url, {"file": SimpleUploadedFile("d.xlsx", filled(session, ["x"]))})
    good = client.post(url, {"file": SimpleUploadedFile("d.xlsx", filled(session, ["Có mặt"] * 3))})

    assert bad.status_code == 400
    assert "Dòng 7, cột «Có mặt»" in bad.content.decode()
    assert good.status_code == 302
    assert set(statuses(session).values()) == {Attendance.Status.PRESENT}
    # The downloaded template now shows the recorded marks.
    again = load_workbook(
        io.BytesIO(client.get(f"/lop/buoi/{session.pk}/diem-danh-mau.xlsx").content)
    )
    assert again.active["F7"].value == "Có mặt"
