"""Seeing a course is not changing it: writes need administrator or organiser on a unit that
contains the course's organiser (else venue) unit; the Commission only reads; roster lists of a
course one may only see show only one's own people."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from people.models import Grant, Organisation, OrgKind
from tests.factories import PersonFactory, UserFactory, grant
from tests.training.conftest import make_course, past_sessions
from training.models import Attendance, Course, Enrollment, Session
from training.services import create_course, invite

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def province_course(place, programme) -> Course:  # type: ignore[no-untyped-def]
    """Run by a provincial body, addressed to communes A (place.commune) and B."""
    body = Organisation.objects.create(
        kind=OrgKind.AGENCY, name="Ban Dân vận Tỉnh ủy", unit=place.province
    )
    course = create_course(
        programme=programme,
        title="Hội nghị tập huấn cấp tỉnh",
        organiser=body,
        venue_unit=place.province,
        audience_units=[place.commune, place.other_commune],
        capacity=30,
        status=Course.Status.OPEN,
    )
    past_sessions(course, 2)
    return course


@pytest.fixture
def commune_organiser(place):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tochuc_xa")
    grant(user, place.commune, Grant.Role.ORGANISER)
    return user


@pytest.fixture
def province_organiser(place):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tochuc_tinh")
    grant(user, place.province, Grant.Role.ORGANISER)
    return user


def test_it_refuses_an_api_patch_by_an_organiser_who_only_sees_the_course(
    province_course, commune_organiser, province_organiser
):
    url = f"/api/v1/courses/{province_course.pk}/"
    assert api(commune_organiser).get(url).status_code == 200

    refused = api(commune_organiser).patch(url, {"title": "Đổi tên", "status": "cancelled"})

    assert refused.status_code == 403
    province_course.refresh_from_db()
    assert (province_course.title, province_course.status) == ("Hội nghị tập huấn cấp tỉnh", "open")
    allowed = api(province_organiser).patch(url, {"title": "Đổi tên"})
    assert allowed.status_code == 200 and allowed.json()["title"] == "Đổi tên"


def test_it_refuses_every_api_write_on_a_course_the_user_only_sees(
    place, province_course, commune_organiser
):
    client = api(commune_organiser)
    pk = province_course.pk
    session = province_course.sessions.first()
    enrollment = invite(course=province_course, person=place.holders[0])
    start = (timezone.localdate() + timedelta(days=30)).isoformat()
    mark = [{"session": session.pk, "enrollment": enrollment.pk, "status": "present"}]
    answers = {
        "close": client.post(f"/api/v1/courses/{pk}/close/"),
        "schedule": client.post(f"/api/v1/courses/{pk}/schedule/", {"start": start, "days": 1}),
        "session": client.post(
            "/api/v1/sessions/",
            {"course": pk, "starts_at": f"{start}T08:00+07:00", "ends_at": f"{start}T11:00+07:00"},
        ),
        "move": client.patch(f"/api/v1/sessions/{session.pk}/", {"title": "Buổi khác"}),
        "delete": client.delete(f"/api/v1/sessions/{session.pk}/"),
        "invite": client.post(
            "/api/v1/enrollments/", {"course": pk, "person": place.holders[1].pk}
        ),
        "cancel": client.post(f"/api/v1/enrollments/{enrollment.pk}/cancel/"),
        "essay": client.patch(f"/api/v1/enrollments/{enrollment.pk}/", {"essay_mark": "9"}),
        "attendance": client.post("/api/v1/attendance/", mark, format="json"),
        "invite-gaps": client.post(f"/api/v1/courses/{pk}/invite-gaps/"),
        "sheet": client.get(f"/api/v1/sessions/{session.pk}/sign-in-sheet.pdf"),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)
    assert province_course.sessions.count() == 2
    assert list(province_course.enrollments.values_list("status", "essay_mark")) == [
        ("invited", None)
    ]
    assert not Attendance.objects.exists()
    province_course.refresh_from_db()
    assert province_course.status == Course.Status.OPEN


def test_it_refuses_every_page_write_on_a_course_the_user_only_sees(
    client, place, province_course, commune_organiser
):
    client.force_login(commune_organiser)
    pk = province_course.pk
    session = province_course.sessions.first()
    enrollment = invite(course=province_course, person=place.holders[0])
    answers = {
        "edit": client.post(reverse("training:course_edit", args=[pk]), {"title": "Khác"}),
        "invite": client.post(
            reverse("training:invite", args=[pk]), {"person": place.holders[1].pk}
        ),
        "cancel": client.post(
            reverse("training:enrollment_action", args=[pk, enrollment.pk, "cancel"])
        ),
        "delete": client.post(reverse("training:delete_session", args=[pk, session.pk])),
        "attendance": client.post(
            reverse("training:attendance", args=[pk, session.pk]), {f"m{enrollment.pk}": "present"}
        ),
        "results": client.post(reverse("training:results", args=[pk]), {"close": "1"}),
        "invite-gaps": client.post(reverse("planning:invite_gaps", args=[pk])),
        "upload": client.post(reverse("planning:attendance_upload", args=[session.pk])),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 403)
    assert province_course.sessions.count() == 2
    assert enrollment.__class__.objects.get(pk=enrollment.pk).status == "invited"
    assert not Attendance.objects.exists()
    province_course.refresh_from_db()
    assert province_course.status == Course.Status.OPEN
    page = client.get(reverse("training:course_detail", args=[pk]))
    assert page.status_code == 200 and not page.context["can_organise"]


def test_it_refuses_to_move_a_course_out_of_the_users_units(place, programme, commune_organiser):
    """A commune organiser who also reads the province cannot hand their course to a
    provincial body by editing it, nor create one there."""
    grant(commune_organiser, place.province, Grant.Role.COMMISSION)
    course = make_course(place, programme)  # venue: commune A, no organiser
    body = Organisation.objects.create(kind=OrgKind.AGENCY, name="Sở Nội vụ", unit=place.province)
    client = api(commune_organiser)

    moved = client.patch(f"/api/v1/courses/{course.pk}/", {"organiser": body.pk}, format="json")
    made = client.post(
        "/api/v1/courses/",
        {"programme": "xdd-kndv", "title": "Lớp tỉnh", "organiser": body.pk,
         "audience_units": [place.commune.pk]},
        format="json",
    )  # fmt: skip

    assert (moved.status_code, made.status_code) == (403, 403)
    course.refresh_from_db()
    assert course.organiser is None
    assert not Course.objects.filter(title="Lớp tỉnh").exists()


def test_it_lets_an_administrator_of_the_organising_unit_write(place, province_course):
    admin = UserFactory()
    grant(admin, place.province, Grant.Role.ADMINISTRATOR)
    patched = api(admin).patch(f"/api/v1/courses/{province_course.pk}/", {"capacity": 40})
    assert patched.status_code == 200 and patched.json()["capacity"] == 40


def test_it_keeps_the_commission_to_reading(place, programme, course, client):
    commission = UserFactory(username="bantuyengiao")
    grant(commission, place.province, Grant.Role.COMMISSION)
    session = past_sessions(course, 1)[0]
    enrollment = invite(course=course, person=place.holders[0])
    reader = api(commission)

    assert reader.get(f"/api/v1/courses/{course.pk}/").status_code == 200
    assert reader.patch(f"/api/v1/courses/{course.pk}/", {"title": "Khác"}).status_code == 403
    made = reader.post(
        "/api/v1/courses/",
        {"programme": "xdd-kndv", "title": "Lớp mới", "audience_units": [place.commune.pk]},
        format="json",
    )
    assert made.status_code == 403
    mark = [{"session": session.pk, "enrollment": enrollment.pk, "status": "present"}]
    assert reader.post("/api/v1/attendance/", mark, format="json").status_code == 403
    record = {"person": place.holders[0].pk, "programme": "dv-cq", "completed_on": "2024-05-02"}
    assert reader.post("/api/v1/training-records/", record).status_code == 403
    client.force_login(commission)
    page = client.post(
        reverse("training:invite", args=[course.pk]), {"person": place.holders[1].pk}
    )
    assert page.status_code == 403
    assert client.get(reverse("training:records_import")).status_code == 403
    assert not Attendance.objects.exists() and course.enrollments.count() == 1
    assert course.title != "Khác"


def test_it_lists_only_the_readers_own_people_on_a_course_they_only_see(
    client, place, province_course, province_organiser
):
    from_b = PersonFactory(full_name="Người Xã B", home_unit=place.other_commune)
    from_a = place.holders[0]
    invite(course=province_course, person=from_a)
    invite(course=province_course, person=from_b)
    reader_b = UserFactory(username="doc_xa_b")
    grant(reader_b, place.other_commune, Grant.Role.COMMISSION)

    listed = api(reader_b).get(f"/api/v1/enrollments/?course={province_course.pk}").json()
    client.force_login(reader_b)
    detail = client.get(reverse("training:course_detail", args=[province_course.pk]))
    results = client.get(reverse("training:results", args=[province_course.pk]))

    assert [e["person"] for e in listed["results"]] == [from_b.pk]
    assert [e.person_id for e in detail.context["roster"]] == [from_b.pk]
    assert [e.person_id for e in results.context["roster"]] == [from_b.pk]
    assert from_a.full_name not in detail.content.decode()
    # Who runs the course sees the whole list.
    everyone = api(province_organiser).get(f"/api/v1/enrollments/?course={province_course.pk}")
    assert everyone.json()["count"] == 2


def test_it_records_api_attendance_all_or_nothing(place, programme, organiser):
    course = make_course(place, programme)
    first, second = past_sessions(course, 2)
    enrollment = invite(course=course, person=place.holders[0])
    marks = [
        {"session": first.pk, "enrollment": enrollment.pk, "status": "present"},
        {"session": second.pk, "enrollment": 999999, "status": "present"},
    ]

    response = api(organiser).post("/api/v1/attendance/", marks, format="json")

    assert response.status_code == 400
    assert not Attendance.objects.exists()
    assert Course.objects.get(pk=course.pk).status == Course.Status.OPEN


def test_it_saves_essay_marks_all_or_nothing_on_the_results_page(
    client, place, programme, organiser
):
    course = make_course(place, programme)
    past_sessions(course, 1)
    good, bad = (invite(course=course, person=p) for p in place.holders)
    client.force_login(organiser)
    url = reverse("training:results", args=[course.pk])
    order = sorted([good, bad], key=lambda e: (e.person.sort_key, e.pk))

    for wrong in ("abc", "NaN", "Infinity", "-1", "1000"):
        response = client.post(
            url, {f"essay{order[0].pk}": "8,5", f"essay{order[1].pk}": wrong}, follow=True
        )
        assert response.status_code == 200, wrong
        assert set(Enrollment.objects.values_list("essay_mark", flat=True)) == {None}, wrong
        assert "Chưa lưu điểm nào" in response.content.decode(), wrong

    saved = client.post(url, {f"essay{order[0].pk}": "8,5", f"essay{order[1].pk}": "7"})
    assert saved.status_code == 302
    assert sorted(Enrollment.objects.values_list("essay_mark", flat=True)) == [7, 8.5]


def test_it_answers_an_invitation_without_a_person_with_a_message(client, place, course, organiser):
    client.force_login(organiser)
    url = reverse("training:invite", args=[course.pk])
    for body in ({}, {"person": "abc"}, {"person": ""}):
        response = client.post(url, body, follow=True)
        assert response.status_code == 200, body
        assert "Chưa chọn người để mời" in response.content.decode(), body
    assert not course.enrollments.exists()


def test_it_shows_this_month_for_months_out_of_range(client, organiser):
    client.force_login(organiser)
    today = timezone.localdate()
    for month in ("9999-12", "1-1", "0-5", "2101-01", "1899-12"):
        response = client.get(reverse("training:calendar"), {"thang": month})
        assert response.status_code == 200, month
        assert response.context["first"] == today.replace(day=1), month
    far = client.get(reverse("training:calendar"), {"thang": "2100-12"})
    assert far.status_code == 200 and far.context["first"].year == 2100


def test_it_refuses_to_schedule_sessions_in_year_9999(client, place, course, organiser):
    response = api(organiser).post(
        f"/api/v1/courses/{course.pk}/schedule/", {"start": "9999-12-31", "days": 2}
    )
    assert response.status_code == 400
    assert "năm 1900–2100" in str(response.json())
    client.force_login(organiser)
    page = client.post(
        reverse("training:add_session", args=[course.pk]),
        {"day": "31/12/9999", "starts": "07:30", "ends": "11:30"},
    )
    assert page.status_code == 302
    assert not Session.objects.filter(course=course).exists()
