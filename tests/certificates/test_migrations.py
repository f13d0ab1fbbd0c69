"""The data migration that gives certificates revoked before categories existed «Lý do khác»."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certificates.models import Certificate

BEFORE = ("certificates", "0002_issuer_place_per_name")


def _certificate(apps, issuer, person, serial: int, **fields):  # type: ignore[no-untyped-def]
    return apps.get_model("certificates", "Certificate").objects.create(
        issuer=issuer,
        person=person,
        year=2025,
        serial=serial,
        number=f"{serial}-GCN/BTGDV",
        code=f"MIGRATE{serial:05d}",
        holder_name="Nguyễn Văn An",
        programme_title="Bồi dưỡng nghiệp vụ",
        issuer_name_printed="Ban Dân vận Tỉnh ủy Hà Giang",
        signatory_title="TRƯỞNG BAN",
        signatory_name="Hoàng Văn Minh",
        issued_on=date(2025, 3, 1),
        **fields,
    )


@pytest.mark.django_db(transaction=True)
def test_it_files_certificates_revoked_before_categories_under_other() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = executor.loader.project_state([BEFORE]).apps
    issuer = apps.get_model("certificates", "Issuer").objects.create(
        code="btgdv", kind="party", number_suffix="BTGDV", place_name="Hà Giang",
        signatory_title="TRƯỞNG BAN", signatory_name="Hoàng Văn Minh",
    )  # fmt: skip
    person = apps.get_model("people", "Person").objects.create(full_name="Nguyễn Văn An")
    _certificate(apps, issuer, person, 1, status="revoked", revocation_reason="Khai man")
    _certificate(apps, issuer, person, 2)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    found = dict(Certificate.objects.values_list("serial", "revocation_category"))
    assert found == {1: "other", 2: ""}
    assert Certificate.objects.get(serial=1).revocation_reason == "Khai man"
