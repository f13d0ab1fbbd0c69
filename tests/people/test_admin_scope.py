"""Admin lists of every app show a non-superuser only what lies inside their units."""

from datetime import date

import pytest

from coverage.models import Indicator, IndicatorValue
from tests.factories import PersonFactory, UserFactory, grant
from training.models import Programme, TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, tree):  # type: ignore[no-untyped-def]
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*_view_permissions())
    grant(user, tree.can_ty)
    client.force_login(user)
    return client


def _view_permissions():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(codename__startswith="view_")


def test_it_limits_training_records_in_the_admin_to_the_users_units(staff_client, tree):
    programme = Programme.objects.get(code="xdd-kndv")
    inside = PersonFactory(full_name="Lò Thị Trong", home_unit=tree.can_ty)
    outside = PersonFactory(full_name="Lò Văn Ngoài", home_unit=tree.thanh_van)
    for person in (inside, outside):
        TrainingRecord.objects.create(
            person=person, programme=programme, completed_on=date(2024, 1, 5)
        )
    page = staff_client.get("/admin/training/trainingrecord/").content.decode()
    assert "Lò Thị Trong" in page
    assert "Lò Văn Ngoài" not in page


def test_it_limits_indicator_values_in_the_admin_to_the_users_units(staff_client, tree):
    indicator = Indicator.objects.first()
    IndicatorValue.objects.create(indicator=indicator, unit=tree.can_ty, year=2024, value=99)
    IndicatorValue.objects.create(indicator=indicator, unit=tree.thanh_van, year=2024, value=42)
    page = staff_client.get("/admin/coverage/indicatorvalue/").content.decode()
    assert "Xã Cán Tỷ" in page
    assert "Xã Thanh Vân" not in page


def test_it_does_not_let_staff_who_may_not_read_ids_search_records_by_citizen_id(
    staff_client, tree
):
    programme = Programme.objects.get(code="xdd-kndv")
    person = PersonFactory(
        full_name="Lò Thị Trong", home_unit=tree.can_ty, citizen_id="002185001234"
    )
    person.birth_date = date(1985, 1, 1)
    TrainingRecord.objects.create(person=person, programme=programme, completed_on=date(2024, 1, 5))
    page = staff_client.get("/admin/training/trainingrecord/", {"q": "002185001234"})
    assert "Lò Thị Trong" not in page.content.decode()


def test_the_api_schema_needs_a_login(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
