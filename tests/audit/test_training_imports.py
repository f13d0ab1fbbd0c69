"""Attendance files and invitation lists are import batches too."""

import hashlib

import pytest
from auditlog.models import LogEntry

from tests.factories import PersonFactory
from tests.training.conftest import make_course
from tests.training.test_attendance_import import filled, session  # noqa: F401
from tests.training.test_invitations_import import xlsx
from training.attendance_import import import_attendance
from training.invitations_import import invite_from_file
from training.models import Attendance, Enrollment, Session
from training.services import invite

pytestmark = pytest.mark.django_db


def test_an_attendance_file_is_a_batch_of_marks(session: Session):  # noqa: F811
    content = filled(session, ["Có mặt", "Vắng", "Muộn"])
    batch = import_attendance(session=session, file=content).batch
    assert batch.kind == "attendance" and batch.sha256 == hashlib.sha256(content).hexdigest()
    assert (batch.rows_read, batch.rows_created, batch.rows_changed) == (3, 3, 0)
    marks = set(Attendance.objects.values_list("pk", flat=True))
    logged = LogEntry.objects.filter(cid=batch.cid, content_type__model="attendance")
    assert set(logged.values_list("object_id", flat=True)) == marks
    again = import_attendance(session=session, file=filled(session, ["Có mặt", "Có mặt", "Muộn"]))
    assert (again.batch.rows_created, again.batch.rows_changed, again.batch.rows_unchanged) == (
        0, 1, 2,
    )  # fmt: skip
    assert set(again.batch.units.values_list("pk", flat=True)) == {session.course.venue_unit_id}


def test_an_invitation_list_is_a_batch_of_invitations(place, programme):  # type: ignore[no-untyped-def]
    listed = PersonFactory(citizen_id="002180001234", home_unit=place.village)
    course = make_course(place, programme, capacity=5)
    invite(course=course, person=place.holders[0])
    content = xlsx(
        [["002180001234", "", ""], [place.holders[0].citizen_id or "", place.holders[0].full_name,
                                    "01/01/1980"]],
        ["Số CCCD", "Họ và tên", "Ngày sinh"],
    )  # fmt: skip
    result = invite_from_file(course=course, file=content, filename="moi.xlsx")
    batch = result.batch
    assert (batch.kind, batch.file_name, batch.rows_read) == ("invitations", "moi.xlsx", 2)
    assert (batch.rows_created, batch.rows_unchanged) == (1, 1)
    new = Enrollment.objects.get(course=course, person=listed)
    (entry,) = LogEntry.objects.get_for_object(new)
    assert entry.cid == batch.cid and entry.additional_data["source"] == "import"
