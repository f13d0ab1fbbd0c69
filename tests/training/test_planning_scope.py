"""Planning and invite-gaps stay inside the user's units; far-off dates are refused politely."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village
from training.models import Course, Programme, Target
from training.services import create_course

world = support.world
catalogue = support.catalogue
planner = support.planner
QUERY = {
    "target": "nq33-village",
    "unit": "02",
    "as_of": "03/03/2025",
    "start": "09/03/2026",
    "capacity": "10",
    "days": "1",
}


@pytest.fixture
def shared_course(world: World) -> Course:
    """Held at Thanh Vân (no organiser body), addressed to Thanh Vân and Cán Tỷ."""
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B"])
    fill_village(world.lung_thang, ["Sùng Mí D"])  # Cán Tỷ
    return create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Lớp Thanh Vân và Cán Tỷ",
        venue_unit=world.tree.thanh_van,
        capacity=10,
        target=Target.objects.get(code="nq33-village"),
        audience_units=[world.tree.thanh_van, world.tree.can_ty],
        status=Course.Status.OPEN,
    )


def test_it_invites_only_the_gaps_the_user_may_see(client, world, shared_course) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory(username="tochuc_thanh_van")
    grant(organiser, world.tree.thanh_van, Grant.Role.ORGANISER)
    client.force_login(organiser)

    response = client.post(
        f"/api/v1/courses/{shared_course.pk}/invite-gaps/",
        {"as_of": "2025-03-03"},
        content_type="application/json",
    )

    assert response.status_code == 200
    names = sorted(e["full_name"] for e in response.json()["enrollments"])
    assert names == ["Thào Mí A", "Thào Mí B"]
    assert "Sùng Mí D" not in set(
        shared_course.enrollments.values_list("person__full_name", flat=True)
    )


def test_it_lets_a_district_organiser_invite_every_gap(client, world, shared_course) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory(username="tochuc_huyen")
    grant(organiser, world.tree.quan_ba, Grant.Role.ORGANISER)
    client.force_login(organiser)

    response = client.post(
        reverse("planning:invite_gaps", args=[shared_course.pk]), {"as_of": "03/03/2025"}
    )

    assert response.status_code == 302
    assert shared_course.enrollments.count() == 3


def test_it_refuses_invite_gaps_to_an_organiser_of_an_audience_unit_only(
    client, world, shared_course
) -> None:  # type: ignore[no-untyped-def]
    organiser = UserFactory(username="tochuc_can_ty")
    grant(organiser, world.tree.can_ty, Grant.Role.ORGANISER)
    client.force_login(organiser)

    api = client.post(f"/api/v1/courses/{shared_course.pk}/invite-gaps/")
    page = client.post(reverse("planning:invite_gaps", args=[shared_course.pk]))

    assert (api.status_code, page.status_code) == (403, 403)
    assert not shared_course.enrollments.exists()


def test_it_refuses_plans_starting_in_year_9999(client, planner, world) -> None:  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A"])
    client.force_login(planner)

    for field, value in (("start", "31/12/9999"), ("as_of", "31/12/9999"), ("start", "01/01/0001")):
        response = client.get(reverse("planning:plan"), QUERY | {field: value})
        assert response.status_code == 200, (field, value)
        assert "năm 1900–2100" in response.content.decode(), (field, value)
        assert "rows" not in response.context, (field, value)
    assert not Course.objects.exists()


def test_it_refuses_a_confirmed_plan_moved_to_year_9999(client, planner, world) -> None:  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A"])
    client.force_login(planner)
    proposal = client.get(reverse("planning:plan"), QUERY)
    body = QUERY | {"signature": proposal.context["signature"], "start-0": "31/12/9999"}

    response = client.post(reverse("planning:plan"), body)

    assert response.status_code == 200
    assert "năm 1900–2100" in response.content.decode()
    assert not Course.objects.exists()


def test_it_refuses_year_9999_on_the_command_line(world) -> None:  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A"])
    args = ["--target", "nq33-village", "--unit", "02", "--capacity", "10", "--days", "1"]
    for extra in (
        ["--start", "31/12/9999", "--as-of", "03/03/2025"],
        ["--start", "09/03/2026", "--as-of", "9999-12-31"],
    ):
        with pytest.raises(CommandError, match="năm 1900–2100"):
            call_command("plan_courses", *args, *extra, stdout=StringIO(), stderr=StringIO())
