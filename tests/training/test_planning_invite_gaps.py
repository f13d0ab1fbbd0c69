"""POST /api/v1/courses/{id}/invite-gaps/ and the course page's form POST."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village, hold, person
from training.models import Course, Enrollment, Programme, Target, TrainingRecord
from training.services import create_course

world = support.world
catalogue = support.catalogue
AS_OF = "2025-03-03"


@pytest.fixture
def course(world: World) -> Course:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B"])
    fill_village(world.khau_lan, ["Lò Văn C"])
    fill_village(world.lung_thang, ["Sùng Mí D"])  # Cán Tỷ: not in the audience
    return create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Lớp Thanh Vân",
        venue_unit=world.tree.thanh_van,
        capacity=2,
        target=Target.objects.get(code="nq33-village"),
        audience_units=[world.tree.thanh_van],
        status=Course.Status.OPEN,
    )


@pytest.fixture
def organiser(world: World):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tochuc")
    grant(user, world.tree.quan_ba, Grant.Role.ORGANISER)
    return user


def post(client, course, **body):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/courses/{course.pk}/invite-gaps/", body, content_type="application/json"
    )


def test_it_invites_each_gap_once_and_waitlists_beyond_capacity(client, course, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)

    response = post(client, course, as_of=AS_OF)

    assert response.status_code == 200
    data = response.json()
    assert (data["invited"], data["waitlisted"], data["already"]) == (2, 1, 0)
    assert set(data) == {"invited", "waitlisted", "already", "enrollments"}
    assert sorted(e["full_name"] for e in data["enrollments"]) == [
        "Lò Văn C",
        "Thào Mí A",
        "Thào Mí B",
    ]
    assert set(data["enrollments"][0]) == {
        "id",
        "person_id",
        "full_name",
        "status",
        "role_label",
        "unit_name",
    }
    assert course.enrollments.filter(status=Enrollment.Status.WAITLISTED).count() == 1

    again = post(client, course, as_of=AS_OF).json()

    assert (again["invited"], again["waitlisted"], again["already"]) == (0, 0, 3)
    assert course.enrollments.count() == 3


def test_it_counts_a_multi_role_person_once_and_skips_the_trained(
    client, course, organiser, world
) -> None:  # type: ignore[no-untyped-def]
    both = person("Hầu Mí E", email="e@example.vn")
    hold(both, "front_committee_head", world.na_ma)
    hold(both, "mobilization_team_head", world.na_ma)
    TrainingRecord.objects.create(
        person=person_named("Thào Mí A"), programme=course.programme, completed_on=date(2024, 5, 1)
    )
    course.capacity = 10
    course.save()
    client.force_login(organiser)

    data = post(client, course, as_of=AS_OF).json()

    assert sorted(e["full_name"] for e in data["enrollments"]) == sorted(
        ["Lò Văn C", "Thào Mí B", "Hầu Mí E"]
    )


def person_named(name: str):  # type: ignore[no-untyped-def]
    from people.models import Person

    return Person.objects.get(full_name=name)


def test_it_puts_overdue_gaps_first_in_the_queue(client, course, organiser, world) -> None:  # type: ignore[no-untyped-def]
    # Appointed on 01/01/2026: still due on 02/03/2026; the others (2024) are overdue.
    hold(person("Vàng Văn Ai"), "front_committee_head", world.na_ma, start=date(2026, 1, 1))
    course.capacity = 3
    course.save()
    client.force_login(organiser)

    # The audience (old Xã Thanh Vân) is read as its successor, Xã Nghĩa Thuận, in 2026.
    data = post(client, course, as_of="2026-03-02").json()

    # By name alone Vàng Văn Ai would come second (Ai after A); overdue people go first.
    invited = [e["full_name"] for e in data["enrollments"] if e["status"] == "invited"]
    assert invited == ["Thào Mí A", "Thào Mí B", "Lò Văn C"]
    assert [e["full_name"] for e in data["enrollments"] if e["status"] == "waitlisted"] == [
        "Vàng Văn Ai"
    ]


def test_it_sends_invitation_emails_for_open_courses(
    client, course, organiser, world, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    hold(person("Hầu Mí E", email="e@example.vn"), "front_committee_head", world.khau_lan)
    client.force_login(organiser)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, course, as_of=AS_OF)

    assert [m.to for m in mail.outbox] == [["e@example.vn"]]


def test_it_refuses_a_course_without_target_and_hides_other_units(
    client, course, organiser, world
) -> None:  # type: ignore[no-untyped-def]
    course.target = None
    course.save()
    client.force_login(organiser)

    response = post(client, course)

    assert response.status_code == 400
    assert "chưa gắn với chỉ tiêu" in response.json()["detail"]
    stranger = UserFactory(username="la")
    grant(stranger, world.lao_va_chai, Grant.Role.ORGANISER)
    client.force_login(stranger)
    assert post(client, course).status_code == 404


def test_it_has_a_form_post_for_the_course_page(client, course, organiser) -> None:  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    url = reverse("planning:invite_gaps", args=[course.pk])

    response = client.post(url, {"as_of": "03/03/2025"})

    assert response.status_code == 302
    assert course.enrollments.count() == 3
    assert client.get(url).status_code == 405
