from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.training.conftest import make_course, past_sessions
from training.models import Attendance, Course, Enrollment, TrainingRecord
from training.services import invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    return client


def test_it_lists_courses_with_a_bounded_number_of_queries(
    web, place, programme, django_assert_max_num_queries
):
    for i in range(8):
        course = make_course(place, programme, title=f"Lớp số {i}")
        past_sessions(course)
        invite(course=course, person=place.holders[0])
    with django_assert_max_num_queries(12):
        response = web.get(reverse("training:course_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Lớp số ") == 8
    filtered = web.get(reverse("training:course_list"), {"q": "Lớp số 3"}).content.decode()
    assert "Lớp số 3" in filtered and "Lớp số 4" not in filtered


def test_it_hides_courses_of_other_units(client, outsider, place, programme):
    course = make_course(place, programme, title="Lớp riêng")
    client.force_login(outsider)
    assert "Lớp riêng" not in client.get(reverse("training:course_list")).content.decode()
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 404


def test_it_creates_a_course_with_sessions_skipping_tet(web, place, programme):
    response = web.post(reverse("training:course_create"), {
        "programme": programme.pk, "title": "Lớp sau Tết", "capacity": 40, "status": "open",
        "audience_units": [place.commune.pk], "venue": "Hội trường",
        "lich-mode": "days", "lich-start": "12/02/2026", "lich-days": 3,
        "lich-starts": "07:30", "lich-ends": "11:30", "lich-skip_holidays": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    course = Course.objects.get(title="Lớp sau Tết")
    days = [timezone.localtime(s.starts_at).date() for s in course.sessions.all()]
    assert days == [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 23)]


def test_it_shows_the_roster_and_invites_from_a_search(
    web, place, programme, django_assert_max_num_queries
):
    course = make_course(place, programme, capacity=1)
    invite(course=course, person=place.holders[0])
    url = reverse("training:course_detail", args=[course.pk])
    with django_assert_max_num_queries(14):
        page = web.get(url, {"q": place.holders[1].full_name}).content.decode()
    assert place.holders[0].full_name in page and "Đã mời" in page
    web.post(reverse("training:invite", args=[course.pk]), {"person": place.holders[1].pk})
    assert Enrollment.objects.get(person=place.holders[1]).status == Enrollment.Status.WAITLISTED
    assert "Danh sách chờ" in web.get(url).content.decode()


def test_it_saves_the_attendance_grid_in_one_post(
    web, place, programme, django_assert_max_num_queries
):
    course = make_course(place, programme)
    (session,) = past_sessions(course, 1)
    a, b = (invite(course=course, person=p) for p in place.holders)
    url = reverse("training:attendance", args=[course.pk, session.pk])
    with django_assert_max_num_queries(12):
        assert web.get(url).status_code == 200
    web.post(url, {f"m{a.pk}": "present", f"m{b.pk}": "excused"})
    web.post(url, {f"m{a.pk}": "present", f"m{b.pk}": "excused"})
    marks = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert marks == {a.pk: "present", b.pk: "excused"}


def test_it_closes_from_the_results_page_and_overrides_with_a_reason(web, place, programme):
    course = make_course(place, programme)
    (session,) = past_sessions(course, 1)
    a, b = (invite(course=course, person=p) for p in place.holders)
    web.post(reverse("training:attendance", args=[course.pk, session.pk]),
             {f"m{a.pk}": "present", f"m{b.pk}": "absent"})  # fmt: skip
    results = reverse("training:results", args=[course.pk])
    web.post(results, {"close": "1"})
    assert list(TrainingRecord.objects.values_list("enrollment_id", flat=True)) == [a.pk]
    override = reverse("training:override", args=[course.pk, b.pk])
    web.post(override, {"completed": "1", "reason": ""})
    assert TrainingRecord.objects.count() == 1
    web.post(override, {"completed": "1", "reason": "Học bù ngày 20/03"})
    assert TrainingRecord.objects.count() == 2
    assert "Học bù ngày 20/03" in web.get(results).content.decode()


def test_it_shows_a_month_calendar_with_holidays(
    web, place, programme, django_assert_max_num_queries
):
    course = make_course(place, programme, title="Lớp tháng Hai")
    from training.services import Recurrence, schedule_sessions

    schedule_sessions(course=course, recurrence=Recurrence(start=date(2026, 2, 12), days=3))
    with django_assert_max_num_queries(6):
        page = web.get(reverse("training:calendar"), {"thang": "2026-02"}).content.decode()
    assert page.count("Lớp tháng Hai") == 3
    assert "Tết" in page


def test_it_refuses_organiser_pages_to_a_clerk(client, place, programme):
    from people.models import Grant
    from tests.factories import grant

    clerk = UserFactory()
    grant(clerk, place.commune, Grant.Role.CLERK)
    client.force_login(clerk)
    course = make_course(place, programme)
    assert client.get(reverse("training:course_create")).status_code == 403
    assert client.get(reverse("training:course_detail", args=[course.pk])).status_code == 200


def test_it_uploads_historical_records_and_lists_errors(web, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    person = place.holders[0]
    person.citizen_id = "002080012345"
    person.save()
    header = "Số CCCD;Mã chương trình;Ngày hoàn thành;Đơn vị tổ chức\n"
    bad = SimpleUploadedFile("a.csv", (header + "002080012345;sai-ma;01/02/2023;BDV\n").encode())
    page = web.post(reverse("training:records_import"), {"file": bad}).content.decode()
    assert "Dòng 2, cột «Mã chương trình»" in page
    assert not TrainingRecord.objects.exists()
    good = SimpleUploadedFile("a.csv", (header + "002080012345;xdd-kndv;01/02/2023;BDV\n").encode())
    assert web.post(reverse("training:records_import"), {"file": good}).status_code == 302
    assert TrainingRecord.objects.get().person == person


def test_it_shows_every_training_admin_page(client, course, place):
    from django.contrib.auth import get_user_model

    invite(course=course, person=place.holders[0])
    admin = get_user_model().objects.create_superuser("quantri", password="matkhau123")
    client.force_login(admin)
    for model in ("programme", "target", "course", "enrollment", "attendance", "trainingrecord"):
        assert client.get(f"/admin/training/{model}/").status_code == 200, model
    assert client.get(f"/admin/training/course/{course.pk}/change/").status_code == 200
    target = course.programme.rules.first().target
    assert client.get(f"/admin/training/target/{target.pk}/change/").status_code == 200


def test_it_deletes_a_session_of_an_open_course(web, course):
    (first, second) = past_sessions(course, 2)
    web.post(reverse("training:delete_session", args=[course.pk, first.pk]))
    assert list(course.sessions.values_list("pk", flat=True)) == [second.pk]


def test_the_course_page_counts_the_seats_as_the_list_does(web, place, programme):
    course = make_course(place, programme, title="Lớp đếm chỗ")
    (session,) = past_sessions(course, 1)
    a, b = (invite(course=course, person=p) for p in place.holders)
    web.post(reverse("training:attendance", args=[course.pk, session.pk]),
             {f"m{a.pk}": "present", f"m{b.pk}": "absent"})  # fmt: skip
    web.post(reverse("training:results", args=[course.pk]), {"close": "1"})

    listed = web.get(reverse("training:course_list")).context["page"]
    (row,) = [c for c in listed if c.pk == course.pk]
    page = web.get(reverse("training:course_detail", args=[course.pk]))

    assert row.seats_taken == 2  # one completed, one not: both held a seat
    assert page.context["seats_taken"] == row.seats_taken
    assert "Đã mời 2/30" in page.content.decode()
    api = web.get(f"/api/v1/courses/{course.pk}/")
    assert api.status_code == 200 and api.json()["seats_taken"] == row.seats_taken
