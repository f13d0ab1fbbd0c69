"""Which units a report covers: codes read on the date, grants side by side, lineage areas."""

import pytest

from coverage.rules import holders_queryset
from coverage.services import CoverageError
from coverage.units import resolve_old_unit, resolve_unit, units_scope
from tests.coverage.conftest import D1, D2

pytestmark = pytest.mark.django_db


def test_it_reads_codes_of_every_level_on_the_date(tree):
    assert resolve_unit("02", D1) == tree.ha_giang
    assert resolve_unit("2", D1) == tree.ha_giang
    assert resolve_unit("027", D1) == tree.quan_ba
    assert resolve_unit("00889", D1) == tree.thanh_van
    assert resolve_unit(" 889 ", D2) == tree.nghia_thuan
    assert resolve_unit("08", D2) == tree.tuyen_quang
    assert resolve_old_unit("00889") == tree.thanh_van


def test_it_refuses_codes_unknown_on_the_date(tree):
    with pytest.raises(CoverageError, match="02"):
        resolve_unit("02", D2)
    with pytest.raises(CoverageError, match="chữ số"):
        resolve_unit("Hà Giang", D1)


def test_it_does_not_count_a_granted_unit_inside_another_twice(tree, villages):
    scope = units_scope([tree.thanh_van, tree.quan_ba], D1, name="Các đơn vị")
    assert scope.roots == [tree.quan_ba.pk]
    scope = units_scope([tree.thanh_van, tree.can_ty], D1, name="Các đơn vị")
    assert sorted(scope.roots) == sorted([tree.thanh_van.pk, tree.can_ty.pk])
    assert scope.level == "units"


def test_it_annotates_holders_for_reuse(tree, villages):
    holders = holders_queryset(target="nq33-village", unit=tree.nghia_thuan, on=D2)
    flags = {(p.person.full_name, p.role.code): (p.is_trained, p.is_due) for p in holders}
    assert flags[("Lò Thị Mai", "party_cell_secretary")] == (1, 0)
    assert flags[("Nguyễn Văn Bình", "front_committee_head")] == (0, 1)
    assert flags[("Sùng Thị Dua", "party_cell_secretary")] == (0, 0)
    assert len(flags) == 6
