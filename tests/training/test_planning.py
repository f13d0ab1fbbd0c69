"""Planning courses from the gaps: who, grouping, days, JSON, --commit."""

import json
from datetime import date, time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from people.models import Person
from tests.training import test_planning_support as support
from tests.training.test_planning_support import World, fill_village, hold, person
from training import calendar
from training.models import Course, Enrollment, Programme, Session, Target, TrainingRecord
from training.planning import plan_courses, resolve_unit
from training.services import TrainingError, add_sessions, create_course

world = support.world
catalogue = support.catalogue
LEGACY_DAY = date(2025, 3, 3)
NEW_DAY = date(2025, 9, 1)
# A Monday in March 2026 with no holiday that week.
START = date(2026, 3, 9)
# A Monday before the reorganisation: courses sit in the old communes.
LEGACY_START = date(2025, 3, 10)


def plan(
    world: World,
    *,
    unit: str = "02",
    on: date = LEGACY_DAY,
    capacity: int = 30,
    days=2,
    start=START,
):  # type: ignore[no-untyped-def]
    target = Target.objects.current("nq33-village", on=on)
    return plan_courses(
        target=target,
        unit=resolve_unit(unit, on=on),
        as_of=on,
        start=start,
        capacity=capacity,
        days=days,
    )


def names(course) -> list[str]:  # type: ignore[no-untyped-def]
    return [i.full_name for i in course.invitees]


def test_it_invites_a_person_with_several_uncovered_roles_once(world: World) -> None:
    both = person("Lò Văn Sáng")
    hold(both, "party_cell_secretary", world.na_ma)
    hold(both, "mobilization_team_head", world.na_ma)
    hold(person("Vàng Thị Mai"), "front_committee_head", world.na_ma)

    proposal = plan(world)

    invitees = [i for c in proposal.courses for i in c.invitees]
    assert [i.full_name for i in invitees] == ["Vàng Thị Mai", "Lò Văn Sáng"]
    assert invitees[1].role == "Bí thư chi bộ; Tổ trưởng tổ dân vận"
    # Counted on the old tree, invited in 2026 from the village's commune of then.
    assert invitees[1].unit == "Thôn Nà Mạ, Xã Nghĩa Thuận"


def test_it_leaves_out_people_already_trained(world: World) -> None:
    trained = person("Hoàng Văn Đức")
    hold(trained, "party_cell_secretary", world.na_ma)
    hold(person("Lù Thị Dung"), "party_cell_secretary", world.khau_lan)
    TrainingRecord.objects.create(
        person=trained, programme=Programme.objects.get(code="xdd-kndv"), completed_on=SINCE_DAY
    )

    proposal = plan(world)

    assert [names(c) for c in proposal.courses] == [["Lù Thị Dung"]]


SINCE_DAY = date(2024, 6, 1)


def test_it_merges_small_neighbouring_communes_of_one_district(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B", "Thào Mí C"])
    fill_village(world.lung_thang, ["Sùng Mí D", "Sùng Mí E"])
    fill_village(world.sung_che, ["Giàng Mí F"])

    proposal = plan(world, capacity=10, start=LEGACY_START)

    # Thanh Vân and Cán Tỷ (Quản Bạ) share a course; Lao Và Chải is in another district.
    assert [len(c.invitees) for c in proposal.courses] == [5, 1]
    first, second = proposal.courses
    assert first.venue_unit == world.tree.thanh_van
    assert first.communes == [world.tree.can_ty, world.tree.thanh_van]
    assert "Xã Thanh Vân, Xã Cán Tỷ" in first.title
    assert second.venue_unit == world.lao_va_chai


def test_it_does_not_merge_groups_beyond_capacity(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B", "Thào Mí C"])
    fill_village(world.lung_thang, ["Sùng Mí D", "Sùng Mí E"])

    proposal = plan(world, capacity=4)

    assert sorted(len(c.invitees) for c in proposal.courses) == [2, 3]


def test_it_splits_a_large_commune_into_balanced_courses_one_after_another(world: World) -> None:
    fill_village(world.na_ma, [f"Lò Văn Na{i}" for i in range(4)])
    fill_village(world.khau_lan, [f"Lò Văn Kh{i}" for i in range(3)])

    proposal = plan(world, unit="00889", capacity=3, days=1)

    assert [len(c.invitees) for c in proposal.courses] == [3, 2, 2]
    assert {c.venue_unit for c in proposal.courses} == {world.tree.nghia_thuan}
    assert [c.title[-10:] for c in proposal.courses] == [" (lớp 1/3)", " (lớp 2/3)", " (lớp 3/3)"]
    # Villages stay together as far as the split allows.
    assert {i.village for i in proposal.courses[0].invitees} == {"Thôn Khâu Làn"}
    assert {i.village for i in proposal.courses[2].invitees} == {"Thôn Nà Mạ"}
    # One venue, three courses: three different days.
    assert [c.days for c in proposal.courses] == [
        [date(2026, 3, 9)],
        [date(2026, 3, 10)],
        [date(2026, 3, 11)],
    ]


def test_it_groups_by_new_commune_on_the_2025_tree(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])
    fill_village(world.lung_thang, ["Sùng Mí D"])

    proposal = plan(world, unit="08", on=NEW_DAY, capacity=1)

    assert {c.venue_unit for c in proposal.courses} == {
        world.tree.nghia_thuan,
        world.tree.can_ty_new,
    }
    assert proposal.courses[0].invitees[0].unit.endswith(", Xã Nghĩa Thuận") or proposal.courses[
        1
    ].invitees[0].unit.endswith(", Xã Nghĩa Thuận")


def test_it_reads_unit_codes_in_the_edition_of_the_as_of_date(world: World) -> None:
    assert resolve_unit("02", on=LEGACY_DAY) == world.tree.ha_giang
    assert resolve_unit("00889", on=LEGACY_DAY) == world.tree.thanh_van
    assert resolve_unit("00889", on=NEW_DAY) == world.tree.nghia_thuan
    with pytest.raises(TrainingError, match=r"Mã 02 là Tỉnh Hà Giang \(đến 30/06/2025\)"):
        resolve_unit("02", on=NEW_DAY)


def test_it_schedules_working_days_skipping_a_weekend_and_tet(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])
    target = Target.objects.current("nq33-village", on=LEGACY_DAY)

    proposal = plan_courses(
        target=target,
        unit=world.tree.ha_giang,
        as_of=LEGACY_DAY,
        start=date(2026, 2, 12),  # Thursday before Tết Bính Ngọ (17/02/2026)
        capacity=30,
        days=3,
    )

    course = proposal.courses[0]
    # Thu 12, Fri 13, (weekend, Tết holidays 16–20/02, weekend) Mon 23.
    assert course.days == [date(2026, 2, 12), date(2026, 2, 13), date(2026, 2, 23)]
    first, second = course.sessions()[:2]
    assert first[0] == calendar.at(date(2026, 2, 12), time(7, 30))
    assert first[1] == calendar.at(date(2026, 2, 12), time(11, 30))
    assert second[0] == calendar.at(date(2026, 2, 12), time(13, 30))
    assert len(course.sessions()) == 6


def test_it_shifts_to_the_next_free_days_when_the_venue_is_busy(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])
    other = create_course(
        programme=Programme.objects.get(code="dv-cq"),
        title="Lớp khác",
        venue_unit=world.tree.nghia_thuan,
        capacity=10,
    )
    # Busy on Tuesday 10/03: a 2-day course from Monday 09/03 cannot sit there.
    busy = date(2026, 3, 10)
    add_sessions(
        course=other,
        times=[(calendar.at(busy, time(8)), calendar.at(busy, time(11)))],
    )

    proposal = plan(world, unit="00889", days=2)

    assert proposal.courses[0].days == [date(2026, 3, 11), date(2026, 3, 12)]


def test_it_ignores_cancelled_courses_at_the_venue(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])
    other = create_course(
        programme=Programme.objects.get(code="dv-cq"),
        title="Lớp đã hủy",
        venue_unit=world.tree.nghia_thuan,
        capacity=10,
        status=Course.Status.CANCELLED,
    )
    Session.objects.create(
        course=other,
        starts_at=calendar.at(START, time(8)),
        ends_at=calendar.at(START, time(11)),
    )

    proposal = plan(world, unit="00889", days=1)

    assert proposal.courses[0].days == [START]


def run(*args: str) -> str:
    out = StringIO()
    call_command("plan_courses", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_prints_json_with_exactly_the_documented_keys(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])

    data = json.loads(
        run(
            "--target", "nq33-village", "--unit", "02", "--as-of", "03/03/2025",
            "--start", "09/03/2026", "--capacity", "30", "--days", "1", "--format", "json",
        )
    )  # fmt: skip

    assert set(data) == {"target", "unit", "as_of", "courses"}
    assert (data["target"], data["unit"], data["as_of"]) == ("nq33-village", "02", "2025-03-03")
    course = data["courses"][0]
    assert set(course) == {"title", "venue_unit", "capacity", "sessions", "invitees"}
    assert course["venue_unit"] == {"code": "00889", "name": "Xã Nghĩa Thuận"}
    assert course["sessions"] == [
        {"starts_at": "2026-03-09T07:30:00+07:00", "ends_at": "2026-03-09T11:30:00+07:00"},
        {"starts_at": "2026-03-09T13:30:00+07:00", "ends_at": "2026-03-09T17:00:00+07:00"},
    ]
    invitee = course["invitees"][0]
    assert set(invitee) == {"person_id", "full_name", "role", "unit"}
    assert invitee["full_name"] == "Thào Mí A"
    assert invitee["person_id"] == Person.objects.get(full_name="Thào Mí A").pk
    assert invitee["role"] == "Bí thư chi bộ"
    assert invitee["unit"] == "Thôn Nà Mạ, Xã Nghĩa Thuận"
    assert Course.objects.count() == 0


def test_it_prints_a_vietnamese_table(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A"])

    text = run(
        "--target", "nq33-village", "--unit", "02", "--as-of", "03/03/2025",
        "--start", "09/03/2026", "--capacity", "30", "--days", "1",
    )  # fmt: skip

    assert "Lớp 1: Hội nghị tập huấn công tác xây dựng Đảng" in text
    assert "Ngày học: 09/03/2026" in text
    assert "Thào Mí A" in text


def test_it_commits_draft_courses_with_sessions_and_invitations(world: World) -> None:
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B"])
    fill_village(world.sung_che, ["Giàng Mí F"])

    run(
        "--target", "nq33-village", "--unit", "02", "--as-of", "03/03/2025",
        "--start", "09/03/2026", "--capacity", "30", "--days", "2", "--commit",
    )  # fmt: skip

    # Counted on the old tree, held in 2026: in the new communes, grouped by the new province.
    (course,) = Course.objects.all()
    assert course.status == Course.Status.DRAFT
    assert course.programme.code == "xdd-kndv"
    assert course.target.code == "nq33-village"
    assert course.venue_unit == world.tree.nghia_thuan
    assert set(course.audience_units.all()) == {world.tree.nghia_thuan, world.yen_minh_new}
    assert course.sessions.count() == 4
    enrolled = course.enrollments.order_by("person__sort_key")
    assert [e.person.full_name for e in enrolled] == ["Thào Mí A", "Thào Mí B", "Giàng Mí F"]
    assert {e.status for e in enrolled} == {Enrollment.Status.INVITED}


def test_a_plan_counted_before_the_reform_books_only_units_existing_at_the_start(
    world: World,
) -> None:
    from people.services import appoint, find_or_create_organisation
    from tests.factories import role

    fill_village(world.na_ma, ["Thào Mí A"])
    hold(person("Ly Thị Dua"), "inspection_board_head", world.tree.can_ty)  # a commune's board
    agency = find_or_create_organisation(unit=world.tree.quan_ba, kind="party_committee")
    adviser = role("mobilization_adviser")
    appoint(person=person("Phạm Văn Hải"), role=adviser, organisation=agency, start=SINCE_DAY)
    targets = ["nq33-village", "nq33-boards", "nq33-agency"]

    courses = [
        course
        for code in targets
        for course in plan_courses(
            target=Target.objects.current(code, on=LEGACY_DAY),
            unit=world.tree.ha_giang,
            as_of=LEGACY_DAY,
            start=START,
            capacity=30,
            days=1,
        ).courses
    ]

    places = {u for c in courses for u in [c.venue_unit, *c.communes]}
    assert places and all(u.is_active_on(START) for u in places), places
    venues = {names(c)[0]: c.venue_unit for c in courses}
    assert venues == {
        "Thào Mí A": world.tree.nghia_thuan,  # the village's commune in 2026
        "Ly Thị Dua": world.tree.can_ty_new,  # the old commune's successor
        "Phạm Văn Hải": world.tree.nghia_thuan,  # the old district's area
    }


def test_it_refuses_bad_numbers_and_unknown_targets(world: World) -> None:
    base = ["--unit", "02", "--as-of", "03/03/2025", "--start", "09/03/2026", "--days", "1"]
    with pytest.raises(CommandError, match="Số học viên"):
        run("--target", "nq33-village", "--capacity", "0", *base)
    with pytest.raises(CommandError, match="Không có chỉ tiêu «nq99»"):
        run("--target", "nq99", "--capacity", "5", *base)
    with pytest.raises(CommandError, match="không gắn với chương trình"):
        run("--target", "nq33-teams", "--capacity", "5", *base)


def test_it_plans_one_course_per_programme_for_board_targets(world: World) -> None:
    both = person("Mùa A Chử")
    hold(both, "inspection_board_member", world.tree.thanh_van)
    hold(both, "investment_board_member", world.tree.thanh_van)
    hold(person("Ly Thị Dua"), "inspection_board_head", world.tree.thanh_van)
    target = Target.objects.current("nq33-boards", on=LEGACY_DAY)

    proposal = plan_courses(
        target=target,
        unit=world.tree.thanh_van,
        as_of=LEGACY_DAY,
        start=START,
        capacity=30,
        days=1,
    )

    by_programme = {c.programme.code: names(c) for c in proposal.courses}
    assert by_programme == {"nv-gsdtcd": ["Mùa A Chử"], "nv-ttnd": ["Mùa A Chử", "Ly Thị Dua"]}
    # Same venue, two courses: not on the same day.
    assert proposal.courses[0].days != proposal.courses[1].days


def test_it_groups_holders_above_communes_at_their_own_unit(world: World) -> None:
    from people.services import appoint, find_or_create_organisation
    from tests.factories import role

    agency = find_or_create_organisation(unit=world.tree.quan_ba, kind="party_committee")
    appoint(
        person=person("Phạm Văn Hải"),
        role=role("mobilization_adviser"),
        organisation=agency,
        start=date(2024, 1, 1),
    )
    target = Target.objects.current("nq33-agency", on=LEGACY_DAY)

    proposal = plan_courses(
        target=target,
        unit=world.tree.ha_giang,
        as_of=LEGACY_DAY,
        start=LEGACY_START,
        capacity=30,
        days=1,
    )

    (course,) = proposal.courses
    assert course.venue_unit == world.tree.quan_ba
    assert course.invitees[0].unit == "Huyện Quản Bạ"
    assert course.programme.code == "dv-cq"


def test_a_course_moved_across_the_reform_on_the_planning_page_is_refused(world: World) -> None:
    from training.planning import Edits, apply_edits

    fill_village(world.na_ma, ["Thào Mí A"])
    proposal = plan(world, start=LEGACY_START)
    assert proposal.courses[0].venue_unit == world.tree.thanh_van

    with pytest.raises(TrainingError, match="Xã Thanh Vân, không tồn tại vào ngày 09/03/2026"):
        apply_edits(proposal, Edits(starts={0: START}))
