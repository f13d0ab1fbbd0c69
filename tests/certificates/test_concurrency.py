import threading
from datetime import date

import pytest
from django.db import connection, connections

from certificates.models import Certificate, NumberCounter
from certificates.services import issue_certificate
from tests.certificates.conftest import make_party_issuer
from tests.factories import PersonFactory
from training.models import Programme, TrainingRecord

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite ignores row locks; run with DATABASE_URL=postgres://...")


def test_it_never_gives_the_same_number_twice_under_concurrency():
    issuer = make_party_issuer()
    programme = Programme.objects.create(code="p-race", title="Chương trình", has_certificate=True)
    records = [
        TrainingRecord.objects.create(
            person=PersonFactory(), programme=programme, completed_on=date(2026, 1, 5)
        )
        for _ in range(24)
    ]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work(chunk: list[TrainingRecord]) -> None:
        try:
            barrier.wait()
            for record in chunk:
                issue_certificate(record=record, issuer=issuer)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(records[i::8],)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 25))
    assert NumberCounter.objects.get(issuer=issuer).last_number == 24
