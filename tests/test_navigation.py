import pytest

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _nav(client, role, unit):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, unit, role)
    client.force_login(user)
    return client.get("/").content.decode()


def test_it_offers_the_roster_import_only_to_those_who_may_import(client, tree):
    assert "/danh-ba/nhap/" not in _nav(client, "commission", tree.ha_giang)
    assert "/danh-ba/nhap/" in _nav(client, "clerk", tree.ha_giang)


def test_it_offers_course_planning_only_to_organisers_and_administrators(client, tree):
    assert "/lop/lap-ke-hoach/" not in _nav(client, "clerk", tree.ha_giang)
    assert "/lop/lap-ke-hoach/" in _nav(client, "organiser", tree.ha_giang)
