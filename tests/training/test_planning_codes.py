"""Unit codes on the planning page and command are read in the edition of the as-of date;
a legacy code used after the reorganisation says what it was and what to use instead."""

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from tests.training import test_planning_support as support
from tests.training.test_planning_support import World
from training.planning import resolve_unit
from training.planning_views import PlanForm
from training.services import TrainingError

world = support.world
catalogue = support.catalogue
planner = support.planner
NEW_DAY = date(2026, 11, 26)
URL = "/lop/lap-ke-hoach/"


def test_it_says_a_legacy_province_code_ended_and_names_its_successor(world: World) -> None:
    with pytest.raises(TrainingError) as err:
        resolve_unit("02", on=NEW_DAY)
    assert str(err.value) == (
        "Mã 02 là Tỉnh Hà Giang (đến 30/06/2025); sau ngày đó hãy dùng mã đơn vị mới, "
        "ví dụ 08 (Tỉnh Tuyên Quang)"
    )


def test_it_suggests_a_new_commune_for_a_legacy_district_or_commune(world: World) -> None:
    with pytest.raises(TrainingError, match=r"^Mã 027 là Huyện Quản Bạ \(đến 30/06/2025\);"):
        resolve_unit("027", on=NEW_DAY)
    with pytest.raises(TrainingError) as err:
        resolve_unit("00880", on=NEW_DAY)
    assert str(err.value).startswith("Mã 00880 là Xã Cán Tỷ (đến 30/06/2025)")
    assert str(err.value).endswith("ví dụ 00883 (Xã Cán Tỷ)")


def test_it_keeps_the_plain_message_for_a_code_that_never_existed(world: World) -> None:
    with pytest.raises(TrainingError, match="Không có tỉnh, huyện hoặc xã mã «99» vào ngày"):
        resolve_unit("99", on=NEW_DAY)
    with pytest.raises(TrainingError, match="Không có tỉnh, huyện hoặc xã mã «08» vào ngày"):
        resolve_unit("08", on=date(2025, 3, 3))


def test_it_gives_the_same_message_from_the_command(world: World) -> None:
    with pytest.raises(CommandError, match=r"Mã 02 là Tỉnh Hà Giang \(đến 30/06/2025\)"):
        call_command(
            "plan_courses", "--target", "nq33-village", "--unit", "02",
            "--as-of", "26/11/2026", "--start", "07/12/2026", "--capacity", "30", "--days", "1",
        )  # fmt: skip


def test_it_hints_codes_by_the_as_of_date_and_explains_a_legacy_code(
    client, planner, world: World
) -> None:  # type: ignore[no-untyped-def]
    hint = str(PlanForm.base_fields["unit"].help_text)
    assert "08 (Tỉnh Tuyên Quang), 00889 (Xã Nghĩa Thuận)" in hint
    assert "trước 01/07/2025: 02 (Tỉnh Hà Giang cũ), 027, 00889 (Xã Thanh Vân)" in hint
    assert "ví dụ 02," not in hint
    client.force_login(planner)
    page = client.get(
        URL,
        {
            "target": "nq33-village", "unit": "02", "as_of": "26/11/2026",
            "start": "07/12/2026", "capacity": "10", "days": "1",
        },
    ).content.decode()  # fmt: skip
    assert "08 (Tỉnh Tuyên Quang)" in page
    assert "Mã 02 là Tỉnh Hà Giang (đến 30/06/2025)" in page
