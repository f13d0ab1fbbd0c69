"""Training fixtures: a commune with a village, its role holders, a programme and a course."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from people.models import Grant, Level, Organisation, OrgKind, Person, Unit
from people.services import appoint
from tests.factories import PersonFactory, UserFactory, grant, make_unit, role
from training import calendar
from training.models import Course, Programme, Session
from training.services import create_course


@dataclass
class Place:
    province: Unit
    commune: Unit
    village: Unit
    other_commune: Unit
    cell: Organisation
    holders: list[Person]


def at(day: date, hour: int = 8) -> datetime:
    return calendar.at(day, time(hour))


@pytest.fixture
def catalogue(db, seeded_catalogues) -> None:  # type: ignore[no-untyped-def]
    """The seeded roles and programmes (tests/conftest.py restores them after a flush)."""


@pytest.fixture
def place(catalogue) -> Place:  # type: ignore[no-untyped-def]
    K = Unit.Kind
    modern = {"edition": Unit.Edition.E2025, "valid_from": date(2025, 7, 1)}
    tq = make_unit(name="Tỉnh Tuyên Quang", level=Level.PROVINCE, kind=K.TINH, code="08", **modern)
    commune = make_unit(
        name="Xã Quản Bạ", level=Level.COMMUNE, kind=K.XA, code="00901", parent=tq, **modern
    )
    other = make_unit(
        name="Xã Đồng Văn", level=Level.COMMUNE, kind=K.XA, code="00902", parent=tq, **modern
    )
    village = make_unit(
        name="Thôn Nặm Đăm", level=Level.VILLAGE, kind=K.THON, parent=commune,
        edition=Unit.Edition.LOCAL,
    )  # fmt: skip
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ Nặm Đăm", unit=village)
    holders = []
    for code in ("party_cell_secretary", "village_cadre_in_charge"):
        person = PersonFactory(home_unit=village)
        appoint(person=person, role=role(code), organisation=cell, start=date(2024, 1, 1))
        holders.append(person)
    return Place(tq, commune, village, other, cell, holders)


@pytest.fixture
def programme(catalogue) -> Programme:  # type: ignore[no-untyped-def]
    return Programme.objects.get(code="xdd-kndv")


def make_course(place: Place, programme: Programme, *, capacity: int = 30, **fields) -> Course:  # type: ignore[no-untyped-def]
    course = create_course(
        programme=programme,
        title=fields.pop("title", "Lớp xây dựng Đảng xã Quản Bạ"),
        capacity=capacity,
        venue=fields.pop("venue", "Hội trường xã Quản Bạ"),
        venue_unit=place.commune,
        audience_units=[place.commune],
        status=Course.Status.OPEN,
        **fields,
    )
    return course


def past_sessions(course: Course, n: int = 2) -> list[Session]:
    first = timezone.localdate() - timedelta(days=10)
    return [
        Session.objects.create(
            course=course,
            starts_at=at(first + timedelta(days=i)),
            ends_at=at(first + timedelta(days=i), 16),
        )
        for i in range(n)
    ]


@pytest.fixture
def course(place, programme) -> Course:  # type: ignore[no-untyped-def]
    return make_course(place, programme)


@pytest.fixture
def organiser(place):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tochuc")
    grant(user, place.commune, Grant.Role.ORGANISER)
    return user


@pytest.fixture
def outsider(place):  # type: ignore[no-untyped-def]
    user = UserFactory(username="ngoai")
    grant(user, place.other_commune, Grant.Role.ORGANISER)
    return user
