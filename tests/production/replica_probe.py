"""Run by tests/production/test_replica.py in its own process (`python -m
tests.production.replica_probe STEP`), so that the settings see DATABASE_REPLICA_URL.

- `primary`: the primary's data: a province and a commune, and an administrator;
- `replica`: run against the copy, renames both units there (as if the copy said otherwise);
- `read`: with both databases configured, prints as JSON which names each page showed."""

import json
import sys
from datetime import date

PRIMARY, COPY = "Xã Nghĩa Thuận", "Xã Bản Sao Chép"


def primary() -> None:
    from django.contrib.auth import get_user_model

    from people.models import Level, Unit
    from tests.factories import make_unit

    modern = {"edition": Unit.Edition.E2025, "valid_from": date(2025, 7, 1)}
    tq = make_unit(name="Tỉnh Tuyên Quang", level=Level.PROVINCE, kind="tinh", code="08", **modern)
    make_unit(name=PRIMARY, level=Level.COMMUNE, kind="xa", code="00889", parent=tq, **modern)
    get_user_model().objects.create_superuser("quantri", "q@x.vn", "mat-khau-ban-sao")


def replica() -> None:
    from people.models import Unit

    assert Unit.objects.filter(name=PRIMARY).update(name=COPY) == 1


def seen(body: str) -> list[str]:
    return [name for name in (PRIMARY, COPY) if name in body]


def read() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client

    from people.models import Unit

    client = Client()
    client.force_login(get_user_model().objects.get(username="quantri"))
    commune = Unit.objects.get(code="00889")
    report = client.get("/ty-le/", {"unit": commune.pk, "as_of": "01/12/2026"})
    api = client.get(
        "/api/v1/coverage/", {"target": "nq33-village", "unit": "00889", "as_of": "2026-12-01"}
    )
    admin = client.get(f"/admin/people/unit/{commune.pk}/change/")
    out = {
        "replica_configured": "replica" in connections.databases,
        "report": [report.status_code, *seen(report.content.decode())],
        "api": [api.status_code, *seen(api.content.decode())],
        "admin": [admin.status_code, *seen(admin.content.decode())],
        # Outside a report the models read from the primary.
        "orm": Unit.objects.get(pk=commune.pk).name,
    }
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    import django

    django.setup()
    {"primary": primary, "replica": replica, "read": read}[sys.argv[1]]()
