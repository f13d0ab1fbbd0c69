"""The named gaps behind the figures, in unit then Vietnamese name order."""

import pytest

from coverage.gaps import gaps, table_rows
from coverage.rules import untrained_holders
from tests.coverage.conftest import D1, D2

pytestmark = pytest.mark.django_db


def brief(rows: list[dict]) -> list[tuple]:
    return [(r["kind"], r["village"], r["full_name"] or r["role_code"], r["status"]) for r in rows]


def test_it_lists_untrained_holders_and_vacant_seats_by_village_then_name(tree, villages):
    rows = gaps(target_code="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert brief(rows) == [
        ("holder", "Thôn Lùng Hòa", "Sùng Thị Dua", "overdue"),
        ("vacant_seat", "Thôn Lùng Hòa", "village_cadre_in_charge", None),
        ("vacant_seat", "Thôn Lùng Hòa", "front_committee_head", None),
        ("holder", "Thôn Nà Mạ", "Nguyễn Văn Bình", "due"),  # Bình before Dình
        ("holder", "Thôn Nà Mạ", "Vàng Seo Dình", "overdue"),
    ]
    dua = rows[0]
    assert dua["commune"] == "Xã Nghĩa Thuận"
    assert dua["appointed_on"] == "2025-09-01"
    # Due until max(31/12/2025, 01/09/2025 + 180 days = 28/02/2026): 31 days late on 31/03.
    assert dua["days_overdue"] == 31
    assert rows[4]["days_overdue"] == 90  # due until the deadline 31/12/2025
    assert rows[3]["days_overdue"] == 0


def test_it_masks_citizen_ids_unless_asked(tree, villages):
    villages.people["P2"].citizen_id = "002085001299"
    villages.people["P2"].save()
    masked = gaps(target_code="nq33-village", unit=tree.thanh_van, on=D1)
    shown = gaps(target_code="nq33-village", unit=tree.thanh_van, on=D1, show_ids=True)
    assert [r["citizen_id"] for r in masked if r["full_name"] == "Vàng Seo Dình"] == [
        "002*******99"
    ]
    assert [r["citizen_id"] for r in shown if r["full_name"] == "Vàng Seo Dình"] == ["002085001299"]


def test_it_lists_uncovered_boards_with_their_untrained_members(tree, boards):
    rows = gaps(target_code="nq33-boards", unit=tree.quan_ba, on=D1)
    assert [(r["kind"], r["commune"], r["organisation"], r["full_name"]) for r in rows] == [
        ("board", "Xã Cán Tỷ", "Ban thanh tra nhân dân xã Cán Tỷ", None),
        ("board_member", "Xã Cán Tỷ", "Ban thanh tra nhân dân xã Cán Tỷ", "Ma Văn Ổn"),
        ("vacant_board", "Xã Thanh Vân", "Ban thanh tra nhân dân", None),
    ]
    assert rows[0]["note"] == "Mới có 4/5 thành viên được tập huấn"


def test_it_lists_villages_without_a_team_head(tree, villages):
    rows = gaps(target_code="nq33-teams", unit=tree.quan_ba, on=D1)
    assert [(r["kind"], r["village"], r["commune"]) for r in rows] == [
        ("village_without_team", "Thôn Cán Hạ", "Xã Cán Tỷ")
    ]


def test_it_gives_untrained_holders_to_course_planning(tree, villages):
    holders = untrained_holders(target="nq33-village", unit=tree.nghia_thuan, on=D2)
    assert [(h.full_name, h.role_code, h.status, h.village.name) for h in holders] == [
        ("Sùng Thị Dua", "party_cell_secretary", "overdue", "Thôn Lùng Hòa"),
        ("Nguyễn Văn Bình", "front_committee_head", "due", "Thôn Nà Mạ"),
        ("Vàng Seo Dình", "village_cadre_in_charge", "overdue", "Thôn Nà Mạ"),
    ]
    assert {h.commune for h in holders} == {tree.nghia_thuan}


def test_it_lists_gaps_in_a_few_queries(tree, villages, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        rows = gaps(target_code="nq33-village", unit=tree.ha_giang, on=D1)
    assert len(rows) == 2 + 7  # P2 and P6 untrained, 7 vacant seats


def test_it_shows_gap_rows_the_way_a_clerk_reads_them(tree, villages):
    rows = table_rows(gaps(target_code="nq33-village", unit=tree.nghia_thuan, on=D2))
    assert rows[0] == [
        "1",
        "Chưa được tập huấn",
        "Sùng Thị Dua",
        "01/01/1980",
        "",
        "Bí thư chi bộ",
        "Chi bộ Thôn Lùng Hòa",
        "Thôn Lùng Hòa",
        "Xã Nghĩa Thuận",
        "01/09/2025",
        "Quá hạn",
        "31",
        "",
    ]
