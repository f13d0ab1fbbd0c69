"""generate_synthetic and bench --scale on a small slice of the real units (--scale commune)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from people import official, synthetic
from people.benchmarks import rolled_back
from people.models import Level, Person, Position, Unit, UnitLineage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ON = date(2026, 1, 15)


def digest_of(seed: int) -> str:
    with rolled_back():
        _, digest, _ = synthetic.generate(scale="commune", seed=seed)
    return digest


def test_it_is_deterministic_for_a_seed():
    first = digest_of(1)
    assert digest_of(1) == first
    assert digest_of(2) != first


def test_it_fills_every_village_seat_but_a_few_and_gives_people_several_roles():
    counts, _, _ = synthetic.generate(scale="commune", seed=5)
    villages = Unit.objects.filter(level=Level.VILLAGE)
    assert counts["villages"] == villages.count() > 20
    active = Position.objects.filter(start__lte=ON).exclude(end__lt=ON)
    for role, _kind, _programme in synthetic.VILLAGE_SEATS:
        seats = active.filter(role__code=role).values("organisation__unit").distinct().count()
        assert 0.7 * villages.count() < seats < villages.count()  # held, some vacant
    assert Position.objects.filter(end__isnull=False).exists()  # turnover
    several = Person.objects.annotate(n=Count("positions")).filter(n__gt=1)
    assert several.exists()
    for code in ("inspection_board_head", "investment_board_member", "front_key_cadre"):
        assert Position.objects.filter(role__code=code).exists()


def test_it_refuses_a_database_that_already_holds_people():
    call_command("generate_synthetic", "--scale=commune", "--seed=3", stdout=StringIO())
    out = StringIO()
    call_command("generate_synthetic", "--scale=commune", "--seed=3", stdout=out)
    assert "dùng lại" in out.getvalue()
    with pytest.raises(CommandError, match="đã có người"):
        call_command("generate_synthetic", "--scale=commune", "--seed=4", stdout=StringIO())


def test_it_benches_with_floors_equal_to_the_reports():
    out = StringIO()
    call_command("bench", "--scale=commune", "--format=json", stdout=out, stderr=StringIO())
    results = json.loads(out.getvalue())
    for name in ("coverage_nation", "coverage_province", "coverage_commune"):
        assert set(results[name]) == {"seconds", "queries", "floor_seconds", "ratio"}
        assert results[name]["queries"] > 0
    for name in ("boards_commune", "gaps_page", "dashboard", "api_list"):
        assert results[name]["queries"] > 0
    assert results["import"]["rows_per_second"] > 0 and results["import"]["peak_mb"] > 0
    assert results["certificates"]["per_second"] > 0
    # 24 monthly points of each seeded target, all computed (a cold trend, no budget).
    assert results["trend"]["queries"] > 0 and results["trend"]["points"] == 24 * 5


def test_it_lists_the_scaled_cases_and_prints_a_table():
    out = StringIO()
    call_command("bench", "--list", stdout=out)
    assert "coverage_nation" in out.getvalue().split()
    out = StringIO()
    call_command(
        "bench",
        "--scale=commune",
        "--format=table",
        "coverage_commune",
        stdout=out,
        stderr=StringIO(),
    )
    assert out.getvalue().startswith("coverage_commune") and "ratio=" in out.getvalue()


def test_its_villages_move_with_their_commune_and_carry_their_keys():
    synthetic.generate(scale="commune", seed=6)
    village = Unit.objects.filter(level=Level.VILLAGE).order_by("pk").first()
    assert village is not None and village.search_text and village.name_key
    old, new = (
        p.parent
        for p in village.placements.order_by(F("valid_from").asc(nulls_first=True)).select_related(
            "parent"
        )
    )
    assert old.edition == official.LEGACY and old.level == Level.COMMUNE
    moved = UnitLineage.objects.get(old=old, new=new)  # its area's new commune, on the day
    assert village.placements.get(parent=new).valid_from == moved.effective
    assert village.placements.get(parent=old).valid_to == old.valid_to
    assert Unit.objects.within(new, on=date(2025, 9, 1)).filter(pk=village.pk).exists()
    person = Person.objects.order_by("pk").first()
    assert person is not None and person.sort_key and person.search_text
