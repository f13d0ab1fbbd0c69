"""A training record is a write about a person: only inside units where the user is an
administrator or organiser — seeing the person (e.g. as the Commission) is not enough."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from people.models import Grant
from tests.factories import PersonFactory, UserFactory, grant
from tests.training.test_records_import import xlsx
from training.models import TrainingRecord
from training.services import import_training_records

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser_here_reader_there(place):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, place.commune, Grant.Role.ORGANISER)
    grant(user, place.other_commune, Grant.Role.COMMISSION)
    return user


@pytest.fixture
def there(place):  # type: ignore[no-untyped-def]
    return PersonFactory(
        full_name="Lý Thị Bên Kia", home_unit=place.other_commune, citizen_id="002185001299",
        birth_date=date(1985, 2, 1), sex="F",
    )  # fmt: skip


def _row(person) -> list[object]:  # type: ignore[no-untyped-def]
    if person.citizen_id:
        return [person.citizen_id, "", "", "xdd-kndv", "05/03/2024", "Ban Dân vận", "", ""]
    born = person.birth_date.strftime("%d/%m/%Y")
    return ["", person.full_name, born, "xdd-kndv", "05/03/2024", "Ban Dân vận", "", ""]


def test_it_refuses_an_imported_record_for_someone_the_user_only_reads(
    place, organiser_here_reader_there, there, tmp_path
):
    path = tmp_path / "records.xlsx"
    path.write_bytes(xlsx([_row(place.holders[0]), _row(there)]))
    result = import_training_records(path, user=organiser_here_reader_there)
    assert [e.row for e in result.errors] == [5]
    assert not TrainingRecord.objects.exists()


def test_it_refuses_an_api_record_for_someone_the_user_only_reads(
    place, programme, organiser_here_reader_there, there
):
    client = APIClient()
    client.force_authenticate(organiser_here_reader_there)
    body = {"programme": programme.code, "completed_on": "2024-03-05"}
    refused = client.post("/api/v1/training-records/", {**body, "person": there.pk}, format="json")
    assert refused.status_code == 403
    allowed = client.post(
        "/api/v1/training-records/", {**body, "person": place.holders[0].pk}, format="json"
    )
    assert allowed.status_code == 201, allowed.content
