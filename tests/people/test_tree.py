from datetime import date

import pytest
from django.db import IntegrityError, transaction

from people.models import Level, Organisation, OrgKind, Position, Unit
from people.services import (
    PeopleError,
    appoint,
    create_village,
    find_village,
    parent_on,
    resolve_commune,
)
from tests.factories import PersonFactory, role

pytestmark = pytest.mark.django_db
BEFORE, AFTER = date(2024, 5, 1), date(2026, 1, 15)


def test_it_resolves_a_reused_code_against_the_date(tree):
    assert resolve_commune("00889", BEFORE) == tree.thanh_van
    assert resolve_commune("00889", AFTER) == tree.nghia_thuan
    assert resolve_commune("889", AFTER) == tree.nghia_thuan


def test_it_moves_a_village_with_its_commune_on_the_reform_date(tree):
    village = create_village(commune=tree.thanh_van, name="thôn Nà Mạ")
    assert village.name == "Thôn Nà Mạ"
    assert parent_on(village, BEFORE) == tree.thanh_van
    assert parent_on(village, date(2025, 6, 30)) == tree.thanh_van
    assert parent_on(village, date(2025, 7, 1)) == tree.nghia_thuan
    assert set(Unit.objects.within(tree.ha_giang, on=BEFORE).filter(level=Level.VILLAGE)) == {
        village
    }
    assert not Unit.objects.within(tree.ha_giang, on=AFTER).exists()
    assert list(Unit.objects.within(tree.tuyen_quang, on=AFTER).filter(level=Level.VILLAGE)) == [
        village
    ]
    assert not Unit.objects.within(tree.tuyen_quang, on=BEFORE).filter(level=Level.VILLAGE)


def test_it_finds_a_village_however_its_name_is_typed(tree):
    village = create_village(commune=tree.thanh_van, name="Bản Lùng Hoà")
    assert find_village(commune=tree.thanh_van, name="Lùng Hòa", on=BEFORE) == village
    assert find_village(commune=tree.nghia_thuan, name="bản lùng hoà", on=AFTER) == village
    assert find_village(commune=tree.can_ty, name="Lùng Hòa", on=BEFORE) is None


def test_a_subtree_on_a_date_is_one_query(tree, django_assert_num_queries):
    create_village(commune=tree.thanh_van, name="Thôn A")
    with django_assert_num_queries(1):
        assert len(list(Unit.objects.within(tree.ha_giang, on=BEFORE))) == 5


def _board_and_person(tree):
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ A", unit=tree.can_ty)
    return cell, PersonFactory(), PersonFactory()


def test_it_refuses_a_second_holder_of_a_single_seat(tree):
    cell, first, second = _board_and_person(tree)
    secretary = role("party_cell_secretary")
    appoint(person=first, role=secretary, organisation=cell, start=date(2023, 1, 1))
    with pytest.raises(PeopleError, match="chỉ có một người"):
        appoint(person=second, role=secretary, organisation=cell, start=date(2024, 1, 1))


def test_it_allows_a_successor_after_the_seat_is_freed(tree):
    cell, first, second = _board_and_person(tree)
    secretary = role("party_cell_secretary")
    appoint(
        person=first,
        role=secretary,
        organisation=cell,
        start=date(2023, 1, 1),
        end=date(2024, 6, 30),
    )
    appoint(person=second, role=secretary, organisation=cell, start=date(2024, 7, 1))
    assert Position.objects.active_on(date(2024, 7, 1)).get().person == second


def test_the_database_refuses_overlapping_seats_even_without_the_service(tree):
    cell, first, second = _board_and_person(tree)
    secretary = role("party_cell_secretary")
    Position.objects.create(person=first, role=secretary, organisation=cell, start=date(2023, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=second, role=secretary, organisation=cell, start=date(2023, 5, 1)
        )


def test_the_database_refuses_an_end_before_the_start(tree):
    cell, first, _ = _board_and_person(tree)
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=first,
            role=role("party_cell_secretary"),
            organisation=cell,
            start=date(2023, 1, 1),
            end=date(2022, 1, 1),
        )


def test_the_database_refuses_a_duplicate_overlapping_position_of_one_person(tree):
    front = Organisation.objects.create(kind=OrgKind.FRONT_COMMITTEE, name="MTTQ", unit=tree.can_ty)
    person = PersonFactory()
    cadre = role("front_key_cadre")
    appoint(person=person, role=cadre, organisation=front, start=date(2023, 1, 1))
    appoint(person=PersonFactory(), role=cadre, organisation=front, start=date(2023, 1, 1))
    with pytest.raises(PeopleError):
        appoint(person=person, role=cadre, organisation=front, start=date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            person=person, role=cadre, organisation=front, start=date(2024, 1, 1)
        )
