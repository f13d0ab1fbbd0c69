from datetime import date

import pytest

from certificates.models import Certificate, NumberCounter
from certificates.services import (
    CertificateError,
    issue_certificate,
    issue_for_course,
    reissue_certificate,
    revoke_certificate,
)
from tests.certificates.conftest import close_a_course, make_front_issuer
from tests.factories import OrganisationFactory, PersonFactory
from training.models import Enrollment, Programme, TrainingRecord

pytestmark = pytest.mark.django_db


def test_it_issues_on_closing_a_course_for_completed_enrolments_only(party_issuer):
    closed = close_a_course()
    issued = Certificate.objects.filter(course=closed.course)
    assert sorted(c.person_id for c in issued) == sorted(p.pk for p in closed.people)
    assert not issued.filter(person=closed.absent).exists()
    assert all(c.training_record_id and c.enrollment_id for c in issued)


def test_it_numbers_per_issuer_per_year_without_gaps(party_issuer):
    front = make_front_issuer()
    close_a_course(n=3)
    other = close_a_course(n=2, code="nv-mt")
    for certificate in Certificate.objects.filter(course=other.course):
        certificate.status = Certificate.Status.SUPERSEDED
        certificate.save()
        reissue = issue_certificate(record=certificate.training_record, issuer=front)
        assert reissue.issuer == front
    year = date.today().year
    party = list(Certificate.objects.filter(issuer=party_issuer).values_list("serial", "number"))
    assert sorted(party) == [(i, f"{i}-GCN/BTGDV") for i in range(1, 6)]
    fronts = sorted(Certificate.objects.filter(issuer=front).values_list("serial", "number"))
    assert fronts == [(1, "1/GCN-UBMTTQ"), (2, "2/GCN-UBMTTQ")]
    assert NumberCounter.objects.get(issuer=party_issuer, year=year).last_number == 5


def test_it_refuses_a_second_certificate_and_leaves_no_gap(party_issuer):
    closed = close_a_course(n=1)
    enrollment = Enrollment.objects.get(course=closed.course, person=closed.people[0])
    with pytest.raises(CertificateError, match="đã có giấy chứng nhận số 1-GCN/BTGDV"):
        issue_certificate(enrollment=enrollment, issuer=party_issuer)
    batch = issue_for_course(course=closed.course)
    assert batch.issued == [] and batch.refused == []
    assert NumberCounter.objects.get(issuer=party_issuer).last_number == 1


def test_it_refuses_programmes_without_certificate(party_issuer):
    closed = close_a_course(n=1, certifying=False, code="hn-th")
    assert not Certificate.objects.exists()
    record = TrainingRecord.objects.get(course=closed.course)
    with pytest.raises(CertificateError, match="không cấp giấy chứng nhận"):
        issue_certificate(record=record, issuer=party_issuer)


def test_it_issues_by_hand_for_an_imported_record(party_issuer):
    programme = Programme.objects.create(
        code="p-old", title="Chương trình cũ", has_certificate=True
    )
    person = PersonFactory()
    record = TrainingRecord.objects.create(
        person=person, programme=programme, completed_on=date(2024, 5, 3), source="import"
    )
    certificate = issue_certificate(record=record, issuer=party_issuer)
    assert certificate.course_dates == "ngày 03/05/2024"
    assert certificate.course is None and certificate.training_record == record
    assert certificate.issuer_name_printed == "Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang"


def test_it_prints_the_issuer_name_valid_on_the_day(party_issuer):
    assert party_issuer.name_on(date(2024, 1, 1)).name == "Ban Dân vận Tỉnh ủy Hà Giang"
    assert party_issuer.name_on(date(2025, 7, 1)).name.startswith("Ban Tuyên giáo và Dân vận")


def test_it_uses_the_organisers_issuer(party_issuer, tree):
    org = OrganisationFactory(unit=tree.tuyen_quang, name="Ủy ban MTTQ tỉnh")
    front = make_front_issuer(organisation=org)
    closed = close_a_course(n=1, organiser=org)
    assert Certificate.objects.get(course=closed.course).issuer == front


def test_it_keeps_the_snapshot_when_the_person_changes(party_issuer):
    closed = close_a_course(n=1)
    person = closed.people[0]
    certificate = Certificate.objects.get(person=person)
    before = certificate.holder_name
    stored = certificate.pdf.read()
    person.family_name, person.full_name = "Trần", ""
    person.birth_date = date(1990, 9, 9)
    person.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == before != person.full_name
    assert certificate.holder_birth_date == date(1980, 1, 1)
    assert certificate.pdf.open("rb").read() == stored


def test_it_revokes_with_a_reason_and_keeps_the_certificate(party_issuer, admin_user):
    closed = close_a_course(n=1)
    certificate = Certificate.objects.get(course=closed.course)
    with pytest.raises(CertificateError, match="lý do"):
        revoke_certificate(certificate=certificate, reason="  ", by=admin_user)
    revoke_certificate(certificate=certificate, reason="Cấp nhầm người", by=admin_user)
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == admin_user
    assert certificate.revocation_reason == "Cấp nhầm người"
    with pytest.raises(CertificateError):
        revoke_certificate(certificate=certificate, reason="lần hai", by=admin_user)


def test_it_reissues_with_a_new_number_and_current_data(party_issuer):
    closed = close_a_course(n=1)
    old = Certificate.objects.get(course=closed.course)
    person = closed.people[0]
    person.full_name, person.given_name = "", "Thủy"
    person.save()
    new = reissue_certificate(certificate=old)
    old.refresh_from_db()
    assert old.status == "superseded" and old.superseded_by == new
    assert new.status == "valid" and new.number == "2-GCN/BTGDV" != old.number
    assert new.holder_name == "Nguyễn Văn Thủy" != old.holder_name
    with pytest.raises(CertificateError):
        reissue_certificate(certificate=old)
    assert Certificate.objects.count() == 2


def test_it_restarts_numbering_each_year(party_issuer):
    programme = Programme.objects.create(code="p-years", title="Chương trình", has_certificate=True)

    def issue_on(day: date) -> Certificate:
        record = TrainingRecord.objects.create(
            person=PersonFactory(), programme=programme, completed_on=day
        )
        return issue_certificate(record=record, issuer=party_issuer, issued_on=day)

    numbers = [issue_on(d).number for d in (date(2024, 3, 1), date(2024, 9, 1), date(2025, 2, 1))]
    assert numbers == ["1-GCN/BTGDV", "2-GCN/BTGDV", "1-GCN/BTGDV"]
    counters = dict(NumberCounter.objects.values_list("year", "last_number"))
    assert counters == {2024: 2, 2025: 1}
