"""Two communes' worth of everything, for tests that try the access policy as an attacker.

Old Xã Cán Tỷ ("ours") and old Xã Thanh Vân ("theirs", merged into Xã Nghĩa Thuận on
1/7/2025) each get a village, a party cell with its secretary, a commune-level organiser body,
a course held there with a session, an invitation, attendance, a training record and a
certificate, an indicator value and a frozen report. Everything of theirs carries marker text
(names, citizen IDs, birth dates) that must never reach a user of ours."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from audit.models import ImportBatch
from certificates.models import Certificate, Issuer
from coverage.models import FrozenReport, Indicator, IndicatorValue
from people import services as people
from people.models import Grant, Organisation, OrgKind, Person, Position, Unit
from people.text import fold
from tests.certificates.conftest import make_front_issuer
from tests.factories import UserFactory, grant, role
from training import services as training
from training.models import Attendance, Course, Enrollment, Programme, Session, TrainingRecord


@dataclass
class Side:
    """One commune's rows."""

    commune: Unit
    village: Unit
    cell: Organisation
    body: Organisation
    person: Person
    position: Position
    course: Course
    session: Session
    enrollment: Enrollment
    attendance: Attendance
    record: TrainingRecord
    certificate: Certificate
    issuer: Issuer
    value: IndicatorValue
    frozen: FrozenReport
    user: object
    grant: Grant
    batch: ImportBatch
    markers: list[str] = field(default_factory=list)


@dataclass
class World:
    ours: Side
    theirs: Side
    mixed: Course  # held in our commune, with their person among the trainees


def _side(tree, commune: Unit, *, tag: str, given: str, citizen_id: str, born: date) -> Side:  # type: ignore[no-untyped-def]
    slug = fold(tag).replace(" ", "")
    village = people.create_village(commune=commune, name=f"Thôn {tag}")
    cell = Organisation.objects.create(
        kind=OrgKind.PARTY_CELL, name=f"Chi bộ thôn {tag}", unit=village
    )
    body = Organisation.objects.create(
        kind=OrgKind.PARTY_COMMITTEE, name=f"Đảng ủy xã {tag}", unit=commune
    )
    person = people.save_person(
        people.PersonData(
            family_name="Vàng",
            middle_name="Thị",
            given_name=given,
            birth_date=born,
            sex="F",
            ethnicity="Mông",
            citizen_id=citizen_id,
            phone="0912000" + citizen_id[-3:],
        ),
        home_unit=village,
    )
    position = people.appoint(
        person=person, role=role("party_cell_secretary"), organisation=cell, start=date(2024, 1, 1)
    )
    programme = Programme.objects.get(code="xdd-kndv")
    programme.has_certificate = True
    programme.save(update_fields=["has_certificate"])
    course = Course.objects.create(
        programme=programme,
        organiser=body,
        title=f"Lớp bồi dưỡng thôn {tag}",
        venue=f"Hội trường xã {tag}",
        venue_unit=commune,
        capacity=30,
        status=Course.Status.OPEN,
    )
    course.audience_units.set([commune])
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=3), datetime.min.time())
    ) + timedelta(hours=8)
    session = training.add_session(
        course=course, starts_at=start, ends_at=start + timedelta(hours=4)
    ).sessions[0]
    enrollment = training.invite(course=course, person=person)
    training.record_attendance(session=session, marks={enrollment.pk: "present"})
    issuer = make_front_issuer()
    issuer.code, issuer.organisation = f"ubmttq-{slug}", body
    issuer.number_suffix = f"MT{slug.upper()}"
    issuer.save(update_fields=["code", "organisation", "number_suffix"])
    with TestCase.captureOnCommitCallbacks(execute=True):
        training.close_course(course=course)
    record = TrainingRecord.objects.get(person=person)
    certificate = Certificate.objects.get(person=person)
    value = IndicatorValue.objects.create(
        indicator=Indicator.objects.order_by("pk").first(),
        unit=commune,
        year=2025,
        value=Decimal("97.5"),
        source=f"Báo cáo xã {tag}",
    )
    user = UserFactory(username=f"canbo_{slug}", is_staff=True)
    frozen = FrozenReport.objects.create(
        target_code="nq33-village",
        unit=commune,
        as_of=date(2025, 6, 30),
        figures={"unit": {"name": commune.name}, "note": f"Báo cáo {tag}"},
        note=f"Số 12-BC/{tag}",
        frozen_by=user,
    )
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.ROSTER,
        user=user,
        source="page",
        file_name=f"danh-sach-{slug}.xlsx",
        sha256=ImportBatch.digest(slug.encode()),
        content=slug.encode(),
        rows_read=1,
    )
    batch.units.set([commune, village])
    return Side(
        commune=commune,
        village=village,
        cell=cell,
        body=body,
        person=person,
        position=position,
        course=course,
        session=session,
        enrollment=enrollment,
        attendance=Attendance.objects.get(enrollment=enrollment),
        record=record,
        certificate=certificate,
        issuer=issuer,
        value=value,
        frozen=frozen,
        user=user,
        grant=grant(user, commune, Grant.Role.CLERK),
        batch=batch,
        markers=[
            person.full_name,
            given,
            citizen_id,
            born.strftime("%d/%m/%Y"),
            born.isoformat(),
            f"Thôn {tag}",
            f"Chi bộ thôn {tag}",
            f"Lớp bồi dưỡng thôn {tag}",
            f"Báo cáo xã {tag}",
            f"Số 12-BC/{tag}",
            certificate.number,
            certificate.code,
            user.username,
            f"danh-sach-{slug}.xlsx",
        ],
    )


@pytest.fixture
def world(tree, settings, tmp_path) -> World:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    ours = _side(
        tree, tree.can_ty, tag="Phìn", given="Dếnhà", citizen_id="002185001234",
        born=date(1985, 3, 14),
    )  # fmt: skip
    theirs = _side(
        tree, tree.thanh_van, tag="Xuôi", given="Súaxuôi", citizen_id="002177009876",
        born=date(1977, 9, 17),
    )  # fmt: skip
    return World(ours, theirs, _mixed_course(ours, theirs))


def _mixed_course(ours: Side, theirs: Side) -> Course:
    """A course of our commune that one of their people attended too (a neighbour invited):
    our clerk sees the course, never their trainee's invitation, record or certificate."""
    course = Course.objects.create(
        programme=ours.course.programme,
        organiser=ours.body,
        title="Lớp ghép hai xã",
        venue_unit=ours.commune,
        capacity=30,
        status=Course.Status.OPEN,
    )
    course.audience_units.set([ours.commune])
    start = ours.session.starts_at + timedelta(days=1)
    session = training.add_session(
        course=course, starts_at=start, ends_at=start + timedelta(hours=4)
    ).sessions[0]
    marks = {
        training.invite(course=course, person=p).pk: "present" for p in (ours.person, theirs.person)
    }
    training.record_attendance(session=session, marks=marks)
    with TestCase.captureOnCommitCallbacks(execute=True):
        training.close_course(course=course)
    theirs.markers.extend(
        c.number for c in Certificate.objects.filter(course=course, person=theirs.person)
    )
    return course


def staff(user) -> object:  # type: ignore[no-untyped-def]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def new_commune_organiser(tree) -> object:  # type: ignore[no-untyped-def]
    """An organiser of new Xã Cán Tỷ (after 1/7/2025), staff: the second attacker."""
    user = get_user_model().objects.create_user("tochuc_canty", password="matkhau123")
    grant(user, tree.can_ty_new, Grant.Role.ORGANISER)
    return staff(user)
