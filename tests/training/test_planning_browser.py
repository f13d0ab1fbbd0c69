"""The planning page in a real browser: propose, move someone, drop a course, confirm."""

import pytest

from people.models import Grant
from tests.factories import UserFactory, grant
from tests.training import test_planning_support as support
from tests.training.test_planning_support import fill_village
from training.models import Course

world = support.world
catalogue = support.catalogue
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_it_plans_edits_and_confirms_courses(page, login, world) -> None:  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A", "Thào Mí B"])
    fill_village(world.sung_che, ["Giàng Mí F"])
    user = UserFactory(username="kehoach")
    grant(user, world.tree.ha_giang, Grant.Role.ORGANISER)
    login(user)

    page.goto(page.base_url + "/lop/lap-ke-hoach/")
    page.select_option("#id_target", "nq33-village")
    page.fill("#id_unit", "02")
    page.fill("#id_as_of", "03/03/2025")
    page.fill("#id_start", "10/03/2025")
    page.fill("#id_capacity", "10")
    page.fill("#id_days", "2")
    page.click("#plan-query button[type=submit]")
    page.wait_for_load_state()

    assert page.locator(".course-card").count() == 2
    assert page.locator("#plan-total").inner_text() == "3"
    page.fill("#title-0", "Lớp Thanh Vân — đợt 1")
    row = page.locator("tr", has_text="Thào Mí B")
    row.locator("select").select_option(label="Lớp 2")
    page.click("#plan-confirm button[type=submit]")
    page.wait_for_load_state()

    assert "Đã tạo 2 lớp dự thảo" in page.content()
    titles = sorted(Course.objects.values_list("title", flat=True))
    assert "Lớp Thanh Vân — đợt 1" in titles
    moved = Course.objects.get(enrollments__person__full_name="Thào Mí B")
    assert moved.venue_unit == world.lao_va_chai
    assert moved.enrollments.count() == 2


def test_it_greys_out_a_dropped_course(page, login, world) -> None:  # type: ignore[no-untyped-def]
    fill_village(world.na_ma, ["Thào Mí A"])
    fill_village(world.sung_che, ["Giàng Mí F"])
    user = UserFactory(username="kehoach2")
    grant(user, world.tree.ha_giang, Grant.Role.ORGANISER)
    login(user)
    query = "target=nq33-village&unit=02&as_of=03/03/2025&start=10/03/2025&capacity=10&days=1"
    page.goto(page.base_url + "/lop/lap-ke-hoach/?" + query)

    page.check('input[name="drop-0"]')

    assert "dropped" in (page.locator(".course-card").first.get_attribute("class") or "")
    page.click("#plan-confirm button[type=submit]")
    page.wait_for_load_state()
    assert list(Course.objects.values_list("venue_unit", flat=True)) == [world.lao_va_chai.pk]


def test_the_unit_field_suggests_the_planners_units_as_they_type(page, login, world) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(username="kehoach3")
    grant(user, world.tree.ha_giang, Grant.Role.ORGANISER)
    login(user)
    page.goto(page.base_url + "/lop/lap-ke-hoach/")
    page.fill("#id_as_of", "03/03/2025")
    page.locator("#id_unit").press_sequentially("quan ba", delay=30)
    options = page.locator("#unit-matches option")
    options.first.wait_for(state="attached")
    assert options.evaluate_all("os => os.map(o => [o.value, o.label])") == [
        ["027", "Huyện Quản Bạ (cũ) (027) — Tỉnh Hà Giang, đến 30/06/2025"]
    ]
    # Picking the suggestion puts the code in the field; the form plans for that unit.
    page.fill("#id_unit", "027")
    page.fill("#id_start", "10/03/2025")
    page.fill("#id_capacity", "10")
    page.fill("#id_days", "1")
    page.click("#plan-query button[type=submit]")
    page.wait_for_load_state()
    assert "Huyện Quản Bạ" in page.locator("main").inner_text()
