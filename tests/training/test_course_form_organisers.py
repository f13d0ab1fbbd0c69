"""«Đơn vị tổ chức» on the course form: labelled with the unit (and the end of an ended body),
bodies gone for over a year hidden unless already chosen, in Vietnamese name order."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from people.models import Grant, Level, Organisation, OrgKind, Unit
from tests.factories import UserFactory, grant, make_unit
from tests.training.conftest import make_course

pytestmark = pytest.mark.django_db
K = Unit.Kind


def labels(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        str(label) for value, label in response.context["form"].fields["organiser"].choices if value
    ]


@pytest.fixture
def bodies(place):  # type: ignore[no-untyped-def]
    """An old commune gone long ago, one gone two months ago, and their successor's bodies."""
    today = timezone.localdate()
    lately = today - timedelta(days=60)
    long_ago = today - relativedelta(years=1, days=1)
    gone = make_unit(
        name="Xã Thanh Vân", level=Level.COMMUNE, kind=K.XA, parent=place.province,
        valid_to=long_ago,
    )  # fmt: skip
    merged = make_unit(
        name="Xã Tùng Vài", level=Level.COMMUNE, kind=K.XA, parent=place.province, valid_to=lately
    )
    P = OrgKind.PEOPLE_COMMITTEE
    return {
        "today": today,
        "lately": lately,
        "gone": Organisation.objects.create(kind=P, name="Ủy ban nhân dân xã", unit=gone),
        "old": Organisation.objects.create(kind=P, name="Ủy ban nhân dân xã", unit=merged),
        "new": Organisation.objects.create(kind=P, name="Ủy ban nhân dân xã", unit=place.commune),
        "dissolved": Organisation.objects.create(
            kind=OrgKind.AGENCY,
            name="Ban Chỉ đạo cũ",
            unit=place.commune,
            end=long_ago - timedelta(days=30),
        ),  # fmt: skip
        "hoi": Organisation.objects.create(
            kind=OrgKind.FRONT_COMMITTEE, name="Hội Nông dân xã", unit=place.commune
        ),
        "doan": Organisation.objects.create(
            kind=OrgKind.PARTY_COMMITTEE, name="Đảng ủy xã", unit=place.commune
        ),
        "ending": Organisation.objects.create(
            kind=OrgKind.AGENCY,
            name="Ban Quản lý dự án",
            unit=place.commune,
            end=today + timedelta(days=90),
        ),  # fmt: skip
    }


@pytest.fixture
def provincial(place):  # type: ignore[no-untyped-def]
    user = UserFactory(username="tochuctinh")
    grant(user, place.province, Grant.Role.ORGANISER)
    return user


def test_it_labels_each_body_with_its_unit_and_the_end_of_an_ended_one(client, provincial, bodies):
    client.force_login(provincial)
    shown = labels(client.get(reverse("training:course_create")))
    lately = bodies["lately"].strftime("%d/%m/%Y")
    assert "Ủy ban nhân dân xã — Xã Quản Bạ" in shown
    assert f"Ủy ban nhân dân xã — Xã Tùng Vài (đến {lately})" in shown
    assert "Ban Quản lý dự án — Xã Quản Bạ" in shown  # ends later: not ended yet
    assert len(shown) == len(set(shown))


def test_it_hides_bodies_gone_for_over_a_year(client, provincial, bodies):
    client.force_login(provincial)
    shown = labels(client.get(reverse("training:course_create")))
    assert not [s for s in shown if "Thanh Vân" in s]
    assert not [s for s in shown if s.startswith("Ban Chỉ đạo cũ")]
    assert len(shown) == 5


def test_it_keeps_an_old_body_that_is_already_chosen(client, provincial, place, programme, bodies):
    course = make_course(place, programme, organiser=bodies["gone"])
    client.force_login(provincial)
    response = client.get(reverse("training:course_edit", args=[course.pk]))
    shown = labels(response)
    assert any(s.startswith("Ủy ban nhân dân xã — Xã Thanh Vân (đến ") for s in shown)
    assert f'<option value="{bodies["gone"].pk}" selected>' in response.content.decode()


def test_it_orders_bodies_by_name_the_vietnamese_way(client, provincial, bodies):
    client.force_login(provincial)
    shown = labels(client.get(reverse("training:course_create")))
    names = [s.split(" — ")[0] for s in shown]
    # Đ sorts right after D, before H (a byte order would put it after Ủ's base letters).
    assert names.index("Đảng ủy xã") < names.index("Hội Nông dân xã")
    assert names[0] == "Ban Quản lý dự án"
    assert names[-2:] == ["Ủy ban nhân dân xã", "Ủy ban nhân dân xã"]
    # Same name: by unit, the one still in office first when units tie.
    assert shown[-2:] == [
        "Ủy ban nhân dân xã — Xã Quản Bạ",
        f"Ủy ban nhân dân xã — Xã Tùng Vài (đến {bodies['lately']:%d/%m/%Y})",
    ]
