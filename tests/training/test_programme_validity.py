from datetime import date

import pytest

from coverage.report import coverage_report
from tests.factories import PersonFactory, UserFactory
from training.models import Programme, TrainingRecord
from training.services import TrainingError, change_programme_validity

pytestmark = pytest.mark.django_db


def test_it_re_dates_the_records_when_a_programme_gets_a_validity():
    programme = Programme.objects.get(code="xdd-kndv")
    record = TrainingRecord.objects.create(
        person=PersonFactory(), programme=programme, completed_on=date(2023, 3, 31)
    )
    assert change_programme_validity(programme=programme, validity_months=24) == 1
    record.refresh_from_db()
    assert record.expires_on == date(2025, 3, 31)
    assert change_programme_validity(programme=programme, validity_months=None) == 1
    record.refresh_from_db()
    assert record.expires_on is None


def test_it_refuses_a_validity_below_one_month():
    with pytest.raises(TrainingError):
        change_programme_validity(programme=Programme.objects.get(code="dv-cq"), validity_months=0)


def test_the_admin_re_dates_records_so_coverage_sees_the_expiry(client, tree):
    from people.models import Organisation, OrgKind
    from people.services import appoint, create_village
    from tests.factories import role

    village = create_village(commune=tree.can_ty, name="Thôn Nà Khoang")
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ", unit=village)
    person = PersonFactory()
    appoint(
        person=person, role=role("party_cell_secretary"), organisation=cell, start=date(2022, 1, 1)
    )
    programme = Programme.objects.get(code="xdd-kndv")
    TrainingRecord.objects.create(person=person, programme=programme, completed_on=date(2022, 6, 1))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = {
        "code": programme.code,
        "title": programme.title,
        "kind": programme.kind,
        "days": programme.days,
        "topics": programme.topics,
        "min_attendance_share": programme.min_attendance_share,
        "passing_mark": "",
        "validity_months": "12",
        "has_certificate": "on" if programme.has_certificate else "",
    }
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(f"/admin/training/programme/{programme.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report = coverage_report(target_code="nq33-village", unit=tree.can_ty, on=date(2024, 1, 1))
    assert report["trained"] == 0
    assert report["holders"] == 1
