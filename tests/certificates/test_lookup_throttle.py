"""The public look-up by number and birth date is no birth-date oracle: failed tries are
limited per certificate number (whatever the address), besides the limit per address."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections

from certificates.models import Certificate
from certificates.services import LOOKUP_FAILURES_PER_NUMBER, VERIFY_RATE, reserve_number_try
from tests.certificates.conftest import close_a_course

pytestmark = pytest.mark.django_db
LOOKUP = "/xac-minh/tra-cuu/"
RIGHT = "01/01/1980"


@pytest.fixture
def certificate(party_issuer) -> Certificate:  # type: ignore[no-untyped-def]
    close_a_course(n=1)
    return Certificate.objects.get()


def guess(client, number: str, day: str, ip: str):  # type: ignore[no-untyped-def]
    return client.get(LOOKUP, {"number": number, "birth_date": day}, REMOTE_ADDR=ip)


def wrong_days(n: int) -> list[str]:
    return [(date(1980, 1, 2) + timedelta(days=i)).strftime("%d/%m/%Y") for i in range(n)]


def test_five_wrong_birth_dates_close_the_number_for_an_hour_even_to_the_right_one(
    client, certificate
):
    for i, day in enumerate(wrong_days(LOOKUP_FAILURES_PER_NUMBER)):
        # A new address for every try: the per-address limit never triggers.
        assert guess(client, certificate.number, day, f"10.1.0.{i}").status_code == 404
    refused = guess(client, certificate.number, RIGHT, "10.1.1.1")
    assert refused.status_code == 429
    text = refused.content.decode()
    assert "tra cứu sai ngày sinh 5 lần trong một giờ" in text
    assert certificate.holder_name not in text


def test_the_limit_ignores_how_the_number_is_written(client, certificate):
    spellings = [certificate.number, f"Số: {certificate.number}", certificate.number.lower()]
    for i, day in enumerate(wrong_days(LOOKUP_FAILURES_PER_NUMBER)):
        guess(client, spellings[i % 3], day, f"10.2.0.{i}")
    assert guess(client, f"số {certificate.number}", RIGHT, "10.2.1.1").status_code == 429


def test_other_numbers_and_the_qr_verification_stay_open(client, certificate, party_issuer):
    close_a_course(n=1)
    other = Certificate.objects.exclude(pk=certificate.pk).get()
    for i, day in enumerate(wrong_days(LOOKUP_FAILURES_PER_NUMBER)):
        guess(client, certificate.number, day, f"10.3.0.{i}")
    assert guess(client, other.number, RIGHT, "10.3.1.1").status_code == 200
    assert client.get(f"/xac-minh/{certificate.code}/").status_code == 200


def test_successful_look_ups_do_not_use_up_the_tries(client, certificate):
    for i in range(LOOKUP_FAILURES_PER_NUMBER + 2):
        assert guess(client, certificate.number, RIGHT, f"10.4.0.{i}").status_code == 200
    for i, day in enumerate(wrong_days(LOOKUP_FAILURES_PER_NUMBER - 1)):
        guess(client, certificate.number, day, f"10.4.1.{i}")
    assert guess(client, certificate.number, RIGHT, "10.4.2.1").status_code == 200


def test_the_per_address_limit_still_applies(client, certificate):
    for _ in range(VERIFY_RATE):
        client.get(f"/api/v1/verify/{certificate.code}/", REMOTE_ADDR="10.5.0.1")
    blocked = guess(client, "999-GCN/KHAC", RIGHT, "10.5.0.1")
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database has no real concurrency",
)
def test_parallel_guesses_cannot_all_pass_the_limit():
    # Twenty guesses at one moment: exactly the allowed number get a slot, however they race.
    slots: list[str | None] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(20)

    def try_once() -> None:
        try:
            barrier.wait()
            slots.append(reserve_number_try("7-GCN/BTGDV"))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=try_once) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(slots) == 20
    assert len([s for s in slots if s]) == LOOKUP_FAILURES_PER_NUMBER
    assert len(set(filter(None, slots))) == LOOKUP_FAILURES_PER_NUMBER
