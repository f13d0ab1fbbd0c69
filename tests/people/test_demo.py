"""load_demo on the real Hà Giang units."""

from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from people.ids import check_citizen_id
from people.models import Grant, Level, Organisation, OrgKind, Person, Position, Unit
from people.services import parent_on
from tests.conftest import restore_catalogues

pytestmark = pytest.mark.django_db
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
BEFORE, AFTER = date(2025, 1, 15), date(2026, 1, 15)
VILLAGE_ROLES = [
    "party_cell_secretary",
    "village_cadre_in_charge",
    "front_committee_head",
    "mobilization_team_head",
]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """Loaded once for the module inside a transaction that is rolled back at its end; each
    test runs in a savepoint of it."""
    out = StringIO()
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            restore_catalogues()  # a transactional test before this module flushed them
            call_command("load_units", "--province", "02", "--province", "08", stdout=out)
            call_command("load_demo", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def unit(edition: str, key: str) -> Unit:
    return Unit.objects.get(edition=edition, source_key=key)


def villages_in(key: str, on: date):  # type: ignore[no-untyped-def]
    edition = "2025" if on >= date(2025, 7, 1) else "legacy"
    return Unit.objects.within(unit(edition, key), on=on).filter(level=Level.VILLAGE)


def test_it_puts_villages_in_two_districts_that_live_through_the_merger(demo):
    quan_ba = villages_in("tinhhagiang_huyenquanba", BEFORE).count()
    bac_me = villages_in("tinhhagiang_huyenbacme", BEFORE).count()
    assert quan_ba >= 60 and bac_me >= 60
    assert villages_in("tinhhagiang", BEFORE).count() == quan_ba + bac_me
    assert villages_in("tinhtuyenquang", AFTER).count() == quan_ba + bac_me
    village = villages_in("tinhhagiang_huyenquanba_xathanhvan", BEFORE).first()
    assert parent_on(village, AFTER).name == "Xã Nghĩa Thuận"


def test_it_fills_most_village_seats_and_leaves_some_vacant(demo):
    villages = list(villages_in("tinhhagiang", BEFORE))
    held = Position.objects.active_on(BEFORE).filter(
        organisation__unit__in=villages, role__code__in=VILLAGE_ROLES
    )
    seats = 4 * len(villages)
    vacant = seats - held.count()
    assert 0 < vacant < seats * 0.15
    for code in VILLAGE_ROLES:
        assert held.filter(role__code=code).count() > len(villages) * 0.8
    # The same seats are held after the merger: positions belong to the village's bodies.
    assert (
        Position.objects.active_on(AFTER)
        .filter(organisation__unit__in=villages, role__code__in=VILLAGE_ROLES)
        .count()
        == held.count()
    )


def test_it_replaces_some_party_cell_secretaries_in_mid_2024(demo):
    ended = Position.objects.filter(role__code="party_cell_secretary", end=date(2024, 6, 14))
    assert ended.count() >= 2
    for position in ended:
        successor = Position.objects.get(
            organisation=position.organisation, role=position.role, start=date(2024, 6, 15)
        )
        assert successor.person != position.person


def test_it_gives_every_old_commune_an_inspection_board_of_six_or_more(demo):
    communes = Unit.objects.within(unit("legacy", "tinhhagiang_huyenquanba"), on=BEFORE).filter(
        level=Level.COMMUNE
    )
    assert communes.count() == 13
    for commune in communes:
        board = Organisation.objects.get(unit=commune, kind=OrgKind.PEOPLE_INSPECTION_BOARD)
        active = board.positions.active_on(BEFORE)
        assert active.filter(role__code="inspection_board_head").count() == 1
        assert active.filter(role__code="inspection_board_member").count() >= 5


def test_it_sets_up_investment_boards_one_of_them_ended(demo):
    boards = Organisation.objects.filter(kind=OrgKind.INVESTMENT_SUPERVISION_BOARD)
    assert boards.count() >= 2
    assert boards.filter(end__lt=BEFORE).count() == 1
    assert boards.filter(end__isnull=True).exists()


def test_it_names_people_of_four_groups_with_consistent_citizen_ids(demo):
    names = set(Person.objects.values_list("full_name", flat=True))
    for name in ["Giàng A Páo", "Vàng Thị Mai", "Sùng Mí Chớ", "Triệu Văn Phin", "Bàn Thị Mẩy"]:
        assert name in names
    assert {"Nông Văn Hùng", "Hoàng Thị Lành"} <= names
    assert {"Kinh", "Tày", "Mông", "Dao"} <= set(Person.objects.values_list("ethnicity", flat=True))
    for person in Person.objects.all():
        assert person.citizen_id.startswith("002")
        assert (
            check_citizen_id(person.citizen_id, sex=person.sex, birth_date=person.birth_date) == []
        )


def test_it_has_key_cadres_and_mobilisation_staff_at_commune_and_district_level(demo):
    active = Position.objects.active_on(BEFORE)
    district = unit("legacy", "tinhhagiang_huyenbacme")
    assert active.filter(organisation__unit=district, role__code="front_key_cadre").count() >= 2
    assert active.filter(organisation__unit=district, role__code="mobilization_leader").exists()
    inside = active.within(district, on=BEFORE)
    for code in ["mass_org_key_cadre", "mobilization_leader", "mobilization_adviser"]:
        assert inside.filter(organisation__unit__level=Level.COMMUNE, role__code=code).count() >= 13
    assert (
        Position.objects.active_on(AFTER)
        .filter(organisation__unit=unit("2025", "tinhtuyenquang"), role__code="mobilization_leader")
        .exists()
    )


def test_it_creates_the_demo_logins_with_their_grants(demo):
    for username in ["admin", "bantuyengiao", "tochuc", "nhaplieu"]:
        assert authenticate(username=username, password="taphuan2026") is not None
        assert f"tài khoản {username} / mật khẩu taphuan2026" in demo
    assert get_user_model().objects.get(username="admin").is_superuser
    grants = set(Grant.objects.values_list("user__username", "role", "unit__source_key"))
    assert grants == {
        ("bantuyengiao", "commission", "tinhtuyenquang"),
        ("bantuyengiao", "commission", "tinhhagiang"),
        ("tochuc", "organiser", "tinhtuyenquang"),
        ("tochuc", "organiser", "tinhhagiang"),
        ("nhaplieu", "clerk", "tinhhagiang_huyenquanba"),
    }
    assert "Đăng nhập: http://127.0.0.1:" in demo


def test_it_links_trainee_logins_to_people_with_a_certificate_and_an_invitation(client, demo):
    from training.models import Course, Enrollment

    holder = Person.objects.get(user__username="hocvien")
    invited = Person.objects.get(user__username="hocvien2")
    for username, person in (("hocvien", holder), ("hocvien2", invited)):
        assert authenticate(username=username, password="taphuan2026") is not None
        assert f"tài khoản {username} / mật khẩu taphuan2026" in demo
        assert person.full_name in demo
    client.force_login(holder.user)
    page = client.get("/cua-toi/").content.decode()
    assert holder.certificates.filter(status="valid").exists()
    assert holder.certificates.first().number in page
    assert invited.email.endswith("@example.vn")
    assert Enrollment.objects.filter(person=invited, course__status="open").exists()
    # A draft with invitees shows the first step of the life-cycle; some invitees have e-mail.
    draft = Course.objects.get(status=Course.Status.DRAFT, title__contains="khóa 3")
    invitees = draft.enrollments.all()
    assert invitees.count() == 20 and invitees.exclude(person__email="").exists()
    assert invitees.filter(person__email="").exists()


def test_it_changes_nothing_when_run_again(demo):
    models = [Unit, Person, Position, Organisation, Grant, get_user_model()]
    before = [m.objects.count() for m in models]
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert [m.objects.count() for m in models] == before
    assert "đã có" in out.getvalue()
