"""nq33-boards (counted per board) and nq33-teams (counted per village), hand-computed."""

from datetime import date

import pytest

from coverage.report import coverage_report
from people.models import Position
from tests.coverage.conftest import D1, D2, record
from training.models import Target

pytestmark = pytest.mark.django_db


def board_row(report: dict) -> tuple:
    return (report["boards"], report["boards_covered"], report["percent"], report["vacant"])


def test_it_counts_boards_covered_and_communes_without_an_inspection_board(tree, boards):
    report = coverage_report(target_code="nq33-boards", unit=tree.quan_ba, on=D1)
    # Inspection board: 4 of 5 trained → not covered; school board covered; road board ended.
    assert set(report) == {
        "target",
        "as_of",
        "unit",
        "boards",
        "boards_covered",
        "percent",
        "vacant",
        "children",
    }
    assert board_row(report) == (2, 1, 50.0, 1)
    assert [(c["unit"]["name"], *board_row(c)) for c in report["children"]] == [
        ("Xã Cán Tỷ", 2, 1, 50.0, 0),
        ("Xã Thanh Vân", 0, 0, None, 1),
    ]


def test_it_counts_an_investment_board_only_while_it_runs(tree, boards):
    report = coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=date(2024, 5, 1))
    # Inspection board (not covered) and the road board (covered, still running).
    assert board_row(report) == (2, 1, 50.0, 0)


def test_it_covers_a_board_when_the_trained_share_reaches_the_member_share(tree, boards):
    Target.objects.filter(code="nq33-boards").update(member_share="0.8")
    report = coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=D1)
    assert board_row(report) == (2, 2, 100.0, 0)
    Target.objects.filter(code="nq33-boards").update(member_share="0.81")
    report = coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=D1)
    assert board_row(report) == (2, 1, 50.0, 0)


def test_it_does_not_cover_a_board_whose_head_is_untrained(tree, boards):
    record(boards.people["M4"], "nv-ttnd", date(2024, 2, 1))
    assert board_row(coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=D1)) == (
        2,
        2,
        100.0,
        0,
    )
    boards.people["H1"].training_records.all().delete()
    assert board_row(coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=D1)) == (
        2,
        1,
        50.0,
        0,
    )


def test_it_counts_a_board_without_active_members_as_vacant(tree, boards):
    Position.objects.filter(organisation=boards.inspection).update(end=date(2024, 10, 31))
    report = coverage_report(target_code="nq33-boards", unit=tree.can_ty, on=D1)
    assert board_row(report) == (1, 1, 100.0, 1)


def test_it_counts_villages_with_a_team_head(tree, villages):
    report = coverage_report(target_code="nq33-teams", unit=tree.quan_ba, on=D1)
    assert set(report) == {
        "target",
        "as_of",
        "unit",
        "villages",
        "villages_covered",
        "percent",
        "children",
    }
    assert (report["villages"], report["villages_covered"], report["percent"]) == (3, 2, 66.7)
    assert [
        (c["unit"]["name"], c["villages"], c["villages_covered"], c["percent"])
        for c in report["children"]
    ] == [("Xã Cán Tỷ", 1, 0, 0.0), ("Xã Thanh Vân", 2, 2, 100.0)]


def test_it_counts_teams_on_the_new_tree(tree, villages):
    report = coverage_report(target_code="nq33-teams", unit=tree.tuyen_quang, on=D2)
    assert (report["villages"], report["villages_covered"], report["percent"]) == (3, 2, 66.7)
    assert [(c["unit"]["code"], c["villages_covered"]) for c in report["children"]] == [
        ("00883", 0),
        ("00889", 2),
    ]
