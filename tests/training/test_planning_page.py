"""The planning page: propose, edit (move, rename, re-date, drop), confirm; access."""

from datetime import date

import pytest
from django.urls import reverse

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village
from training.models import Course, Enrollment

world = support.world
catalogue = support.catalogue
planner = support.planner
URL = "/lop/lap-ke-hoach/"
QUERY = {
    "target": "nq33-village",
    "unit": "02",
    "as_of": "03/03/2025",
    "start": "10/03/2025",  # before the reform: the old communes sit
    "capacity": "10",
    "days": "1",
}


@pytest.fixture
def gaps(world: World) -> World:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B", "Thào Mí C"])
    fill_village(world.lung_thang, ["Sùng Mí D"])
    fill_village(world.sung_che, ["Giàng Mí F"])
    return world


def propose(client, **extra):  # type: ignore[no-untyped-def]
    return client.get(URL, QUERY | extra)


def test_it_has_the_documented_url_name() -> None:
    assert reverse("planning:plan") == URL


def test_it_shows_the_form_then_a_proposal(
    client, planner, gaps, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    assert "Đề xuất" in client.get(URL).content.decode()

    with django_assert_max_num_queries(16):
        response = propose(client)

    assert response.status_code == 200
    rows = response.context["rows"]
    assert [len(r["course"].invitees) for r in rows] == [4, 1]
    page = response.content.decode()
    assert "Thào Mí A" in page and "Giàng Mí F" in page
    assert "10/03/2025" in page


def test_it_creates_the_edited_courses_on_confirm(client, planner, gaps) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    proposal = propose(client)
    moved = next(
        i for i in proposal.context["rows"][0]["course"].invitees if i.full_name == "Thào Mí A"
    )
    post = QUERY | {
        "signature": proposal.context["signature"],
        "title-1": "Lớp ghép Yên Minh",
        "start-1": "17/03/2025",
        f"move-0-{moved.person_id}": "1",
    }

    response = client.post(URL, post)

    assert response.status_code == 302
    first, second = Course.objects.order_by("pk")
    assert first.status == second.status == Course.Status.DRAFT
    assert second.title == "Lớp ghép Yên Minh"
    assert [e.person.full_name for e in second.enrollments.order_by("person__sort_key")] == [
        "Thào Mí A",
        "Giàng Mí F",
    ]
    assert first.enrollments.count() == 3
    assert {s.starts_at.date() for s in second.sessions.all()} == {date(2025, 3, 17)}
    assert set(second.audience_units.all()) == {gaps.tree.thanh_van, gaps.lao_va_chai}


def test_it_drops_a_course_on_request(client, planner, gaps) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    proposal = propose(client)

    client.post(URL, QUERY | {"signature": proposal.context["signature"], "drop-0": "1"})

    assert [c.venue_unit for c in Course.objects.all()] == [gaps.lao_va_chai]
    assert Enrollment.objects.count() == 1


def test_it_refuses_to_confirm_a_proposal_that_changed(client, planner, gaps) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    proposal = propose(client)
    fill_village(gaps.khau_lan, ["Lò Văn Mới"])

    response = client.post(URL, QUERY | {"signature": proposal.context["signature"]})

    assert response.status_code == 200
    assert "đã thay đổi" in response.content.decode()
    assert Course.objects.count() == 0
    assert "Lò Văn Mới" in response.content.decode()


def test_it_refuses_over_capacity_moves(client, planner, gaps) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    proposal = propose(client, capacity="4")
    lone = proposal.context["rows"][1]["course"].invitees[0]

    response = client.post(
        URL,
        QUERY
        | {
            "capacity": "4",
            "signature": proposal.context["signature"],
            f"move-1-{lone.person_id}": "0",
        },
    )

    assert Course.objects.count() == 0
    assert "vượt số học viên tối đa 4" in response.content.decode()


def test_it_keeps_planners_to_their_units(client, gaps) -> None:  # type: ignore[no-untyped-def]
    elsewhere = UserFactory(username="noi_khac")
    grant(elsewhere, gaps.lao_va_chai, Grant.Role.ORGANISER)
    client.force_login(elsewhere)

    response = propose(client)

    assert "Bạn không có quyền tổ chức lớp tại Tỉnh Hà Giang" in response.content.decode()
    assert "plan" not in response.context or not response.context.get("plan")


def test_it_is_for_organisers_and_administrators_only(client, gaps) -> None:  # type: ignore[no-untyped-def]
    clerk = UserFactory(username="nhaplieu")
    grant(clerk, gaps.tree.ha_giang, Grant.Role.CLERK)
    client.force_login(clerk)

    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_the_planners_organisation_organises_the_courses_and_the_venue_is_editable(
    client, planner, gaps
) -> None:  # type: ignore[no-untyped-def]
    from people.models import Organisation, OrgKind

    old = Organisation.objects.create(
        kind=OrgKind.AGENCY, name="Ban Dân vận Tỉnh ủy Hà Giang", unit=gaps.tree.ha_giang
    )
    new = Organisation.objects.create(
        kind=OrgKind.AGENCY,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang",
        unit=gaps.tree.tuyen_quang,
    )
    client.force_login(planner)
    assert client.get(URL).context["form"]["organiser"].value() == new.pk  # today's body
    proposal = propose(client)
    first = proposal.context["rows"][0]["course"]
    assert first.venue_unit == gaps.tree.thanh_van
    assert 'name="venue_unit-0"' in proposal.content.decode()

    post = QUERY | {
        "signature": proposal.context["signature"],
        "venue_unit-0": str(gaps.tree.can_ty.pk),
        "venue-0": "Nhà văn hóa xã Cán Tỷ",
    }
    assert client.post(URL, post).status_code == 302

    first, second = Course.objects.order_by("pk")
    # The courses sit on 10/03/2025: organised by the planner's body of that day.
    assert first.organiser == second.organiser == old
    assert (first.venue_unit, first.venue) == (gaps.tree.can_ty, "Nhà văn hóa xã Cán Tỷ")
    assert (second.venue_unit, second.venue) == (gaps.lao_va_chai, "Xã Lao Và Chải")


def test_a_venue_outside_the_courses_communes_is_refused(client, planner, gaps) -> None:  # type: ignore[no-untyped-def]
    client.force_login(planner)
    proposal = propose(client)
    post = QUERY | {
        "signature": proposal.context["signature"],
        "venue_unit-0": str(gaps.lao_va_chai.pk),
    }

    response = client.post(URL, post)

    assert "địa điểm phải là một xã có người được mời" in response.content.decode()
    assert not Course.objects.exists()
