"""The access policy: the role table, questions by unit and date, trainees, grant_access."""

from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from access.policy import POLICY, TRAINEE, Cap, can, capabilities, roles_of, unit_ids_for
from access.scopes import RULES, visible, writable
from people.models import Grant
from tests.access.conftest import World
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def test_it_gives_each_role_its_capabilities():
    assert Cap.REGISTRY_WRITE in POLICY["clerk"] and Cap.IDS_READ in POLICY["clerk"]
    assert Cap.TRAINING_WRITE in POLICY["organiser"]
    assert Cap.TRAINING_WRITE not in POLICY["commission"]
    assert Cap.COVERAGE_FREEZE in POLICY["commission"]
    assert Cap.ETHNICITY_READ not in POLICY["clerk"]
    assert Cap.GRANTS_WRITE in POLICY["administrator"]
    assert POLICY[TRAINEE] == {Cap.SELF_READ}


def test_a_capability_holds_below_the_granted_unit_on_any_date_or_on_a_given_day(tree):
    user = UserFactory()
    grant(user, tree.quan_ba, Grant.Role.CLERK)
    assert can(user, Cap.REGISTRY_WRITE, tree.thanh_van)
    assert not can(user, Cap.REGISTRY_WRITE, tree.nghia_thuan)
    assert not can(user, Cap.TRAINING_WRITE, tree.thanh_van)  # not a clerk's

    def ids(on: date | None = None) -> set[int]:
        rows = unit_ids_for(user, Cap.REGISTRY_READ, on=on)
        return {row["descendant_id"] for row in rows}

    assert {tree.quan_ba.pk, tree.thanh_van.pk, tree.can_ty.pk} == ids()
    assert ids(date(2024, 1, 1)) == ids()
    assert ids(date(2026, 1, 1)) == set()  # the district and its communes ended on 30/06/2025


def test_every_admin_model_and_scoped_model_has_a_rule():
    from django.contrib import admin

    from access.admin import PolicyAdmin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, PolicyAdmin):
            assert model in RULES, model


def test_a_trainee_sees_their_own_person_courses_and_certificates_only(world: World):
    account = get_user_model().objects.create_user("hocvien", password="matkhau123")
    world.ours.person.user = account
    world.ours.person.save(update_fields=["user"])
    assert roles_of(account) == {TRAINEE}
    assert capabilities(account) == {Cap.SELF_READ}
    from certificates.models import Certificate
    from people.models import Person
    from training.models import Course

    assert list(visible(account, Person)) == [world.ours.person]
    assert set(visible(account, Course)) == {world.ours.course, world.mixed}
    assert set(visible(account, Certificate)) == set(
        Certificate.objects.filter(person=world.ours.person)
    )
    assert not writable(account, Course).exists()
    client = Client()
    client.force_login(account)
    home = client.get("/").content.decode()
    assert "/cua-toi/" in home and "/danh-ba/" not in home and "/ty-le/" not in home


def test_grant_access_creates_the_user_and_reads_the_code_on_the_date(tree):
    out = StringIO()
    call_command(
        "grant_access", "canbo_tv", "--unit", "00889", "--as-of", "01/03/2025",
        "--role", "clerk", "--password", "matkhau12345", stdout=out,
    )  # fmt: skip
    user = get_user_model().objects.get(username="canbo_tv")
    assert user.check_password("matkhau12345") and user.is_staff
    assert Grant.objects.get(user=user).unit == tree.thanh_van  # 00889 before 1/7/2025
    call_command(
        "grant_access", "canbo_tv", "--unit", "00889", "--as-of", "2025-08-01",
        "--role", "organiser", stdout=out,
    )  # fmt: skip
    assert Grant.objects.get(user=user, role="organiser").unit == tree.nghia_thuan
    assert "Đã tạo tài khoản canbo_tv" in out.getvalue()


def test_grant_access_links_a_trainee_to_a_person(tree):
    person = PersonFactory(citizen_id="002185001111", birth_date=date(1985, 1, 1), sex="M")
    call_command("grant_access", "hv1", "--role", "trainee", "--person", "002185001111")
    assert person.__class__.objects.get(pk=person.pk).user.username == "hv1"
    with pytest.raises(CommandError, match="đã có tài khoản học viên"):
        call_command("grant_access", "hv2", "--role", "trainee", "--person", str(person.pk))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--unit", "99999", "--role", "clerk"], "Không có đơn vị nào mang mã 99999"),
        (["--role", "clerk"], "Cần --unit"),
        (["--unit", "02", "--as-of", "31/02/2025", "--role", "clerk"], "--as-of"),
        (["--role", "trainee"], "cần --person"),
    ],
)
def test_grant_access_refuses_bad_input_in_vietnamese(tree, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("grant_access", "ai_do", *args)
    assert not Grant.objects.filter(user__username="ai_do").exists()


def test_the_readme_shows_the_role_table_of_the_policy():
    from pathlib import Path

    from access.policy import role_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("<!-- roles:start -->\n")[1].split("\n<!-- roles:end -->")[0]
    assert block == role_table()
