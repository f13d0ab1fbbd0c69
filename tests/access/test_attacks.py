"""What an attack by a clerk and an organiser found, each fixed (issue 8)."""

import pytest
from django.test import Client

from people.models import Grant, Person
from tests.access.conftest import World
from training.models import Programme, Target, TrainingRecord

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_a_clerk_cannot_make_themself_an_administrator_in_the_admin(world: World) -> None:
    clerk = world.ours.user
    client = signed_in(clerk)
    data = {"username": clerk.username, "unit": world.ours.commune.pk, "role": "administrator"}
    assert client.get("/admin/people/grant/add/").status_code == 403
    assert client.post("/admin/people/grant/add/", data).status_code == 403
    assert not Grant.objects.filter(user=clerk, role="administrator").exists()
    change = f"/admin/people/grant/{world.ours.grant.pk}/change/"
    assert client.post(change, data).status_code in (403, 404)
    assert Grant.objects.get(pk=world.ours.grant.pk).role == "clerk"


def test_an_administrator_grants_only_inside_their_own_units(world: World, tree) -> None:  # type: ignore[no-untyped-def]
    admin_user = world.ours.user
    Grant.objects.create(user=admin_user, unit=world.ours.commune, role="administrator")
    client = signed_in(admin_user)
    inside = {"username": "moi_canty", "password": "matkhau12345", "role": "clerk"}
    response = client.post("/admin/people/grant/add/", inside | {"unit": world.ours.commune.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    made = Grant.objects.get(user__username="moi_canty")
    assert made.unit == world.ours.commune and made.user.check_password("matkhau12345")
    outside = inside | {"username": "moi_thanhvan", "unit": world.theirs.commune.pk}
    assert client.post("/admin/people/grant/add/", outside).status_code == 200  # form error
    assert not Grant.objects.filter(user__username="moi_thanhvan").exists()


def test_the_admin_writes_no_training_record_for_a_foreign_person(world: World) -> None:
    organiser = world.ours.user
    Grant.objects.create(user=organiser, unit=world.ours.commune, role="organiser")
    client = signed_in(organiser)
    before = TrainingRecord.objects.count()
    data = {
        "person": world.theirs.person.pk,
        "programme": Programme.objects.get(code="xdd-kndv").pk,
        "completed_on": "01/03/2025",
        "source": "manual",
    }
    response = client.post("/admin/training/trainingrecord/add/", data)
    assert response.status_code == 200  # the form refuses the person: not among the choices
    assert "Vàng Thị Súaxuôi" not in response.content.decode()
    assert TrainingRecord.objects.count() == before


def test_an_add_page_does_not_name_a_foreign_person_given_in_the_query(world: World) -> None:
    client = signed_in(world.ours.user)
    for url in ("/admin/people/position/add/", "/admin/training/trainingrecord/add/"):
        page = client.get(url, {"person": world.theirs.person.pk}).content.decode()
        assert "Súaxuôi" not in page, url


def test_a_delete_page_reaching_foreign_rows_is_refused_without_naming_them(
    world: World,
) -> None:
    """Deleting our village would cascade to nothing of theirs; deleting a person who is also
    on their roster would: refused, and their rows are not listed."""
    clerk = world.ours.user
    theirs = world.theirs.person
    theirs.home_unit = world.ours.village  # now visible to our clerk by home unit
    theirs.save(update_fields=["home_unit"])
    client = signed_in(clerk)
    page = client.get(f"/admin/people/person/{theirs.pk}/delete/")
    text = page.content.decode()
    assert "Chi bộ thôn Xuôi" not in text and "Lớp bồi dưỡng thôn Xuôi" not in text
    client.post(f"/admin/people/person/{theirs.pk}/delete/", {"post": "yes"})
    assert Person.objects.filter(pk=theirs.pk).exists()


def test_catalogues_and_issuers_change_only_for_administrators(world: World) -> None:
    client = signed_in(world.ours.user)
    target = Target.objects.order_by("pk").first()
    assert target is not None
    for url in (
        f"/admin/training/target/{target.pk}/change/",
        f"/admin/training/programme/{world.ours.course.programme_id}/change/",
        f"/admin/certificates/issuer/{world.ours.issuer.pk}/change/",
        "/admin/certificates/layout/add/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ):
        response = client.post(url, {"code": "bi-sua", "title": "Bị sửa"})
        assert response.status_code == 403, url
    assert Target.objects.get(pk=target.pk).code != "bi-sua"


def test_certificates_are_shown_by_holder_not_by_course(world: World) -> None:
    """A course of our commune that one of their people attended: our clerk sees the course's
    certificates of our people only (API, list page, course ZIP)."""
    client = signed_in(world.ours.user)
    api = client.get("/api/v1/certificates/", {"course": world.mixed.pk}).json()
    assert [c["holder_name"] for c in api["results"]] == [world.ours.person.full_name]
    page = client.get("/giay-chung-nhan/", {"course": world.mixed.pk}).content.decode()
    assert world.ours.person.full_name in page and "Súaxuôi" not in page
