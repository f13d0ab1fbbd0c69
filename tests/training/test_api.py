import io
from datetime import timedelta

import icalendar
import pytest
from django.utils import timezone
from openpyxl import Workbook
from rest_framework.test import APIClient

from people.models import Grant, Organisation, OrgKind
from tests.factories import PersonFactory, UserFactory, grant
from tests.training.conftest import make_course, past_sessions
from training.models import Attendance, Course, Enrollment, TrainingRecord
from training.services import invite

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_it_lists_only_courses_of_the_users_units(
    place, programme, organiser, outsider, django_assert_max_num_queries
):
    for i in range(5):
        course = make_course(place, programme, title=f"Lớp {i}")
        past_sessions(course)
        invite(course=course, person=place.holders[0])
    with django_assert_max_num_queries(8):
        mine = client_for(organiser).get("/api/v1/courses/").json()
    assert mine["count"] == 5
    assert mine["results"][0]["seats_taken"] == 1 and len(mine["results"][0]["sessions"]) == 2
    assert client_for(outsider).get("/api/v1/courses/").json()["count"] == 0
    assert client_for(outsider).get(f"/api/v1/courses/{course.pk}/").status_code == 404


def test_it_runs_a_course_through_the_api(place, programme, organiser):
    api = client_for(organiser)
    made = api.post(
        "/api/v1/courses/",
        {"programme": "xdd-kndv", "title": "Lớp thôn Nặm Đăm", "capacity": 1,
         "venue": "Nhà văn hóa", "audience_units": [place.commune.pk], "status": "open"},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    course_id = made.json()["id"]
    start = (timezone.localdate() - timedelta(days=20)).isoformat()
    sched = api.post(f"/api/v1/courses/{course_id}/schedule/", {"start": start, "days": 2})
    assert sched.status_code == 201 and len(sched.json()["sessions"]) == 2
    first = api.post("/api/v1/enrollments/", {"course": course_id, "person": place.holders[0].pk})
    second = api.post("/api/v1/enrollments/", {"course": course_id, "person": place.holders[1].pk})
    assert (first.json()["status"], second.json()["status"]) == ("invited", "waitlisted")
    enrollment = first.json()["id"]
    marks = [{"session": s["id"], "enrollment": enrollment, "status": "present"}
             for s in sched.json()["sessions"]]  # fmt: skip
    assert api.post("/api/v1/attendance/", marks, format="json").json()["changed"] == 2
    assert api.post("/api/v1/attendance/", marks, format="json").json()["changed"] == 0
    assert Attendance.objects.count() == 2
    closed = api.post(f"/api/v1/courses/{course_id}/close/")
    assert closed.status_code == 200 and len(closed.json()["records"]) == 1
    assert Course.objects.get(pk=course_id).status == Course.Status.COMPLETED
    refused = api.post(f"/api/v1/enrollments/{enrollment}/override/",
                       {"completed": False, "reason": ""}, format="json")  # fmt: skip
    assert refused.status_code == 400
    assert TrainingRecord.objects.filter(enrollment_id=enrollment).exists()


def test_it_cancels_and_promotes_through_the_api(place, programme, organiser):
    course = make_course(place, programme, capacity=1)
    first = invite(course=course, person=place.holders[0])
    second = invite(course=course, person=place.holders[1])
    body = client_for(organiser).post(f"/api/v1/enrollments/{first.pk}/cancel/").json()
    assert body["status"] == "cancelled" and body["promoted"] == second.pk
    assert Enrollment.objects.get(pk=second.pk).status == Enrollment.Status.INVITED


def test_it_refuses_writes_to_clerks_and_marks_outside_scope(place, programme, outsider):
    clerk = UserFactory()
    grant(clerk, place.commune, Grant.Role.CLERK)
    course = make_course(place, programme)
    (session,) = past_sessions(course, 1)
    e = invite(course=course, person=place.holders[0])
    mark = [{"session": session.pk, "enrollment": e.pk, "status": "present"}]
    assert client_for(clerk).post("/api/v1/attendance/", mark, format="json").status_code == 403
    assert client_for(outsider).post("/api/v1/attendance/", mark, format="json").status_code == 403
    assert not Attendance.objects.exists()


def test_it_serves_a_course_calendar_that_parses(place, programme, organiser, settings):
    settings.SITE_URL = "https://taphuan.example.vn"
    course = make_course(place, programme, title="Lớp bồi dưỡng nghiệp vụ, kỹ năng dân vận " * 3)
    sessions = past_sessions(course, 2)
    response = client_for(organiser).get(
        f"/api/v1/courses/{course.pk}/calendar.ics", HTTP_ACCEPT="text/calendar"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    # Unfold (RFC 5545 §3.1) and check the structure.
    lines = raw.decode().replace("\r\n ", "").split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    keys = {line.split(":", 1)[0].split(";", 1)[0] for line in lines}
    assert {
        "VERSION",
        "PRODID",
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
    } <= keys
    # Parsed back: local times with their VTIMEZONE, the title unescaped, a UID per session.
    feed = icalendar.Calendar.from_ical(raw)
    assert [tz.tz_name for tz in feed.timezones] == ["Asia/Ho_Chi_Minh"]
    events = sorted(feed.events, key=lambda e: e.start)
    assert [e.start for e in events] == [s.starts_at for s in sessions]
    assert all(e.start.utcoffset() == timedelta(hours=7) for e in events)
    assert {str(e["SUMMARY"]) for e in events} == {course.title}
    assert [str(e["UID"]) for e in events] == [
        f"session-{s.pk}@taphuan.example.vn" for s in sessions
    ]


def test_it_serves_an_organiser_calendar(place, programme, organiser, outsider):
    body = Organisation.objects.create(
        kind=OrgKind.PARTY_COMMITTEE, name="Đảng ủy xã Quản Bạ", unit=place.commune
    )
    past_sessions(make_course(place, programme, organiser=body), 3)
    past_sessions(make_course(place, programme), 1)
    url = f"/api/v1/organisers/{body.pk}/calendar.ics"
    text = client_for(organiser).get(url).content.decode()
    assert text.count("BEGIN:VEVENT") == 3
    assert client_for(outsider).get(url).status_code == 404


def test_it_imports_records_through_the_api_with_errors_per_row(place, organiser):
    person = PersonFactory(citizen_id="002080012345", home_unit=place.village)
    book = Workbook()
    book.active.append(["Số CCCD", "Mã chương trình", "Ngày hoàn thành", "Đơn vị tổ chức"])
    book.active.append([person.citizen_id, "xdd-kndv", "05/09/2023", "Ban Dân vận"])
    book.active.append([person.citizen_id, "khong-co", "05/09/2023", "Ban Dân vận"])
    out = io.BytesIO()
    book.save(out)
    upload = io.BytesIO(out.getvalue())
    upload.name = "ls.xlsx"
    response = client_for(organiser).post("/api/v1/training-records/import/", {"file": upload})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 3, "column": "Mã chương trình", "reason": "không có chương trình mã «khong-co»"}
    ]
    assert not TrainingRecord.objects.exists()


def test_it_lists_records_of_visible_people_only(place, organiser, outsider):
    from training.models import Programme
    from training.services import create_record

    create_record(person=place.holders[0], programme=Programme.objects.get(code="dv-cq"),
                  completed_on=timezone.localdate())  # fmt: skip
    assert client_for(organiser).get("/api/v1/training-records/").json()["count"] == 1
    assert client_for(outsider).get("/api/v1/training-records/").json()["count"] == 0


def test_it_lists_targets_with_their_rules(organiser):
    body = client_for(organiser).get("/api/v1/targets/?code=nq33-boards").json()
    rules = {r["role"]: r["programmes"] for r in body["results"][0]["rules"]}
    assert rules["inspection_board_member"] == ["nv-ttnd"]
    assert rules["investment_board_head"] == ["nv-gsdtcd"]


def test_it_lists_enrollments_attendance_and_records_in_few_queries(
    place, programme, organiser, django_assert_max_num_queries
):
    from training.services import close_course, record_attendance

    course = make_course(place, programme)
    sessions = past_sessions(course, 3)
    people = [*place.holders, *(PersonFactory(home_unit=place.village) for _ in range(10))]
    enrollments = [invite(course=course, person=p) for p in people]
    for s in sessions:
        record_attendance(session=s, marks={e.pk: "present" for e in enrollments})
    close_course(course=course, by=None)
    api = client_for(organiser)
    for url, count in [
        (f"/api/v1/enrollments/?course={course.pk}", 12),
        (f"/api/v1/attendance/?session={sessions[0].pk}", 12),
        ("/api/v1/training-records/", 12),
    ]:
        with django_assert_max_num_queries(8):
            body = api.get(url).json()
        assert body["count"] == count, url
    assert {
        r["attended"] for r in api.get(f"/api/v1/enrollments/?course={course.pk}").json()["results"]
    } == {3}


def test_it_edits_a_course_and_keeps_it_inside_the_users_units(place, programme, organiser):
    course = make_course(place, programme, capacity=1)
    invite(course=course, person=place.holders[0])
    waiting = invite(course=course, person=place.holders[1])
    api = client_for(organiser)
    response = api.patch(f"/api/v1/courses/{course.pk}/", {"capacity": 2}, format="json")
    assert response.status_code == 200 and response.json()["seats_taken"] == 2
    assert Enrollment.objects.get(pk=waiting.pk).status == Enrollment.Status.INVITED
    outside = {"audience_units": [place.other_commune.pk]}
    refused = api.patch(f"/api/v1/courses/{course.pk}/", outside, format="json")
    assert refused.status_code == 400 and "phạm vi" in refused.json()["errors"]["audience_units"][0]
    assert list(course.audience_units.all()) == [place.commune]
    done = api.patch(f"/api/v1/courses/{course.pk}/", {"status": "completed"}, format="json")
    assert done.status_code == 400 and "Kết thúc lớp" in done.json()["detail"]
