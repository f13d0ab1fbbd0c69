"""factory_boy factories over the real models."""

from datetime import date

import factory
from django.contrib.auth import get_user_model

from people.models import Grant, Level, Organisation, OrgKind, Person, Role, Unit, UnitPlacement
from people.services import rebuild_ancestry


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = Level.COMMUNE
    kind = Unit.Kind.XA
    edition = Unit.Edition.LEGACY
    code = factory.Sequence(lambda n: f"{90000 + n:05d}")


def make_unit(
    *,
    name: str,
    level: str,
    kind: str,
    parent: Unit | None = None,
    edition: str = Unit.Edition.LEGACY,
    code: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Unit:
    """A unit placed under `parent` for its whole life, with its closure rows."""
    unit = Unit(
        name=name,
        level=level,
        kind=kind,
        edition=edition,
        code=code,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.save()
    if parent is not None:
        UnitPlacement.objects.create(
            unit=unit, parent=parent, valid_from=valid_from, valid_to=valid_to
        )
    rebuild_ancestry([unit])
    return unit


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    family_name = "Nguyễn"
    middle_name = "Văn"
    given_name = factory.Sequence(lambda n: f"An{n}")
    birth_date = date(1980, 1, 1)
    sex = "M"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrgKind.PARTY_CELL
    name = factory.Sequence(lambda n: f"Chi bộ {n}")
    unit = factory.SubFactory(UnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("matkhau123")


def grant(user, unit: Unit, role: str = Grant.Role.COMMISSION) -> Grant:  # type: ignore[no-untyped-def]
    return Grant.objects.create(user=user, unit=unit, role=role)


def role(code: str) -> Role:
    return Role.objects.get(code=code)
