"""GET /api/v1/audit/?object=<app>.<model>:<id>: paginated, scoped, IDs masked."""

import pytest
from rest_framework.test import APIClient

from people.models import Grant, Person
from tests.api.conftest import (  # noqa: F401
    ID_WOMAN_1985,
    Registry,
    administrator,
    clerk,
    commission,
    registry,
)
from tests.factories import PersonFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
AUDIT = "/api/v1/audit/"


def history(client: APIClient, obj: object, **params: object):  # type: ignore[no-untyped-def]
    label = f"{obj._meta.app_label}.{obj._meta.model_name}:{obj.pk}"  # type: ignore[attr-defined]
    return client.get(AUDIT, {"object": label, **params})


def _touch(person: Person) -> None:
    person.phone = "0912345678"
    person.ethnicity = "Dao"
    person.save()


def test_it_returns_the_documented_shape_newest_first(registry: Registry, clerk):  # noqa: F811
    _touch(registry.secretary)
    body = history(clerk, registry.secretary).json()
    assert set(body) == {"count", "next", "previous", "results"}
    newest, created = body["results"]
    assert set(newest) == {"at", "user", "source", "action", "changes"}
    assert newest["action"] == "update" and created["action"] == "create"
    assert newest["changes"]["phone"] == ["", "0912345678"]
    assert newest["source"] == "system" and newest["at"].endswith("+07:00")
    # A clerk reads IDs in full, not ethnicity (sensitive: administrators only).
    assert created["changes"]["citizen_id"] == [None, ID_WOMAN_1985]
    assert "ethnicity" not in newest["changes"] and "ethnicity" not in created["changes"]


def test_it_masks_ids_for_the_commission(registry: Registry, commission):  # noqa: F811
    body = history(commission, registry.secretary).json()
    (created,) = body["results"]
    assert created["changes"]["citizen_id"] == [None, "002*******21"]
    assert ID_WOMAN_1985 not in str(body)


def test_administrators_see_ethnicity(registry: Registry, administrator):  # noqa: F811
    _touch(registry.secretary)
    newest = history(administrator, registry.secretary).json()["results"][0]
    assert newest["changes"]["ethnicity"] == ["Mông", "Dao"]


def test_a_clerk_of_another_unit_gets_404(registry: Registry, tree):  # type: ignore[no-untyped-def]  # noqa: F811
    outsider = UserFactory()
    grant(outsider, registry.lao_va_chai, Grant.Role.CLERK)
    client = APIClient()
    client.force_login(outsider)
    assert history(client, registry.secretary).status_code == 404
    assert history(client, registry.far_secretary).status_code == 200
    missing = client.get(AUDIT, {"object": "people.person:999999"})
    assert missing.status_code == 404


def test_a_deleted_objects_history_is_for_superusers_only(registry: Registry, administrator):  # noqa: F811
    gone = PersonFactory(home_unit=registry.village)
    label = f"people.person:{gone.pk}"
    assert administrator.get(AUDIT, {"object": label}).status_code == 200
    gone.delete()
    assert administrator.get(AUDIT, {"object": label}).status_code == 404
    root = APIClient()
    root.force_login(UserFactory(is_superuser=True))
    actions = [e["action"] for e in root.get(AUDIT, {"object": label}).json()["results"]]
    assert actions == ["delete", "create"]


def test_it_refuses_a_malformed_or_unaudited_object(registry, clerk):  # type: ignore[no-untyped-def]  # noqa: F811
    for bad in ("", "people.person", "people.person:abc", "auth.user:1", "x.y:1"):
        response = clerk.get(AUDIT, {"object": bad})
        assert response.status_code == 400, bad
        assert "object" in response.json()["errors"]


def test_it_pages_like_the_rest_of_the_api(registry: Registry, clerk):  # noqa: F811
    for n in range(4):
        registry.secretary.phone = f"09000000{n}"
        registry.secretary.save()
    first = history(clerk, registry.secretary, page_size=2).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]


def test_a_trainee_may_not_read_the_audit_trail(registry: Registry):  # noqa: F811
    user = UserFactory()
    registry.secretary.user = user
    registry.secretary.save()
    client = APIClient()
    client.force_login(user)
    assert history(client, registry.secretary).status_code == 403
