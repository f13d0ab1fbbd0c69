"""schemathesis over every operation of the OpenAPI schema, as an administrator and as a clerk
of one commune, with all its checks: no server error, every response and status code as the
schema documents it, credentials enforced, valid requests accepted (reads; see `fuzz` for
writes) and invalid ones refused.

The schema is generated in-process and the calls go through the WSGI application, on the test
database with the `world` of two communes (tests/access/conftest.py)."""

import json
from typing import Any

import pytest
import schemathesis
from axes.utils import reset
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Examples per operation and user: enough for every parameter to be tried malformed and well
# formed; the whole run stays near a minute per database.
EXAMPLES = 6


def load_schema() -> Any:
    raw = SchemaGenerator().get_schema(request=None, public=True)
    # Through JSON: lazy translations and enums become plain strings, as served at /api/schema/.
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(raw, default=str)))
    schema.app = uncompressed(get_wsgi_application())
    return schema


def uncompressed(app: Any) -> Any:
    """The WSGI application for a client that accepts no compression: the fuzzer reads bodies
    as they come, and the site gzips text for clients that accept it (whatever the fuzzer's
    HTTP library asks for)."""

    def call(environ: dict, start_response: Any) -> Any:
        environ["HTTP_ACCEPT_ENCODING"] = "identity"
        return app(environ, start_response)

    return call


SCHEMA = load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
# The token of the user the running test calls as.
CALLER = {"token": ""}


@SCHEMA.auth(refresh_interval=None)
class CallersToken:
    """The caller's DRF token, declared to schemathesis as the request's credentials: its auth
    checks then also try each operation without them and with wrong ones (401 expected)."""

    def get(self, case: Any, context: Any) -> str:
        return CALLER["token"]

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


def fuzz(operation: Any) -> None:
    # A write's body names rows (ids inside the caller's units, a term's dates): a body the
    # schema allows may still be refused with 400 naming the field. Reads must accept all.
    write = operation.method.upper() in {"POST", "PUT", "PATCH", "DELETE"}
    excluded = [positive_data_acceptance] if write else None

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded)

    run()


def test_it_finds_every_operation_of_the_schema():
    assert len(OPERATIONS) >= 70


@pytest.fixture
def connection_kept_open():
    """The WSGI handler closes the database connection at each request's start and end, as a
    server must. Inside the test's transaction that would close it for good on PostgreSQL (the
    in-memory SQLite database ignores it): hold it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize("who", ["administrator", "clerk"])
@pytest.mark.usefixtures("connection_kept_open")
def test_every_operation_holds_to_its_schema(who, world):  # type: ignore[no-untyped-def]
    user = (
        UserFactory(is_superuser=True, is_staff=True) if who == "administrator" else world.ours.user
    )
    CALLER["token"] = Token.objects.create(user=user).key
    failed = []
    for operation in OPERATIONS:
        reset()  # wrong credentials tried on one operation must not lock the next one out
        try:
            fuzz(operation)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - report them all
            failed.append(f"{operation.label}: {str(error)[:1500]}")
    assert not failed, f"{len(failed)} operations failed:\n" + "\n\n".join(failed)
