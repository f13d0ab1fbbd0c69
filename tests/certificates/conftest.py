"""Fixtures for certificates: two issuers and a course closed through the training services."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from certificates.models import Issuer, IssuerName
from people.models import Organisation, OrgKind, Person, Unit
from tests.factories import PersonFactory
from training import services as training
from training.models import Course, Programme


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://taphuan.example.vn"
    cache.clear()
    yield
    cache.clear()


def make_party_issuer(*, default: bool = True) -> Issuer:
    issuer = Issuer.objects.create(
        code="btgdv-tq",
        kind=Issuer.Kind.PARTY,
        number_suffix="BTGDV",
        place_name="Tuyên Quang",
        signatory_title="KT. TRƯỞNG BAN\nPHÓ TRƯỞNG BAN",
        signatory_name="Hoàng Văn Minh",
        is_default=default,
    )
    IssuerName.objects.create(
        issuer=issuer,
        name="Ban Dân vận Tỉnh ủy Hà Giang",
        header="TỈNH ỦY HÀ GIANG\nBAN DÂN VẬN",
        valid_to=date(2025, 6, 30),
    )
    IssuerName.objects.create(
        issuer=issuer,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy Tuyên Quang",
        header="TỈNH ỦY TUYÊN QUANG\nBAN TUYÊN GIÁO VÀ DÂN VẬN",
        valid_from=date(2025, 7, 1),
    )
    return issuer


def make_front_issuer(*, organisation: Organisation | None = None) -> Issuer:
    issuer = Issuer.objects.create(
        code="ubmttq-tq",
        kind=Issuer.Kind.FRONT,
        number_suffix="UBMTTQ",
        place_name="Tuyên Quang",
        signatory_title="CHỦ TỊCH",
        signatory_name="Lý Thị Hoa",
        organisation=organisation,
    )
    IssuerName.objects.create(
        issuer=issuer,
        name="Ủy ban MTTQ Việt Nam tỉnh Tuyên Quang",
        header="ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM\nTỈNH TUYÊN QUANG",
    )
    return issuer


def link_issuer(issuer: Issuer, unit: Unit) -> Issuer:
    """Link `issuer` to a body at `unit`: organisers of that unit may then use its numbers."""
    issuer.organisation = Organisation.objects.create(
        unit=unit, kind=OrgKind.AGENCY, name=f"Ban Tuyên giáo và Dân vận {unit.name}"
    )
    issuer.save(update_fields=["organisation"])
    return issuer


@pytest.fixture
def party_issuer(db) -> Issuer:  # type: ignore[no-untyped-def]
    return make_party_issuer()


@pytest.fixture
def front_issuer(db) -> Issuer:  # type: ignore[no-untyped-def]
    return make_front_issuer()


@dataclass
class ClosedCourse:
    course: Course
    people: list[Person]
    absent: Person


def close_a_course(
    *,
    unit=None,
    organiser: Organisation | None = None,
    n: int = 3,
    certifying: bool = True,
    code: str = "nv-dv",
    close: bool = True,
) -> ClosedCourse:  # type: ignore[no-untyped-def]
    """A course with one past session: `n` people attend and complete, one is absent (closed
    unless `close` is false: attendance taken, ready to close)."""
    programme, _ = Programme.objects.get_or_create(
        code=code,
        defaults={"title": "Bồi dưỡng nghiệp vụ công tác dân vận", "has_certificate": certifying},
    )
    course = Course.objects.create(
        programme=programme,
        organiser=organiser,
        title=f"Lớp bồi dưỡng {code} {Course.objects.count() + 1}",
        venue="Hội trường Ủy ban nhân dân xã Nghĩa Thuận",
        venue_unit=unit,
        capacity=100,
        status=Course.Status.OPEN,
    )
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=2), datetime.min.time())
    ) + timedelta(hours=8)
    session = training.add_session(
        course=course, starts_at=start, ends_at=start + timedelta(hours=4)
    ).sessions[0]
    people = [PersonFactory(home_unit=unit) for _ in range(n)]
    absent = PersonFactory(home_unit=unit)
    marks = {}
    for person in people:
        marks[training.invite(course=course, person=person).pk] = "present"
    marks[training.invite(course=course, person=absent).pk] = "absent"
    training.record_attendance(session=session, marks=marks)
    if not close:
        return ClosedCourse(course, people, absent)
    # Certificates are issued on commit: run those callbacks inside the test's transaction.
    with TestCase.captureOnCommitCallbacks(execute=True):
        training.close_course(course=course)
    return ClosedCourse(course, people, absent)
