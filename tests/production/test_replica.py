"""DATABASE_REPLICA_URL: the reads of report pages go to the replica, everything else to the
primary (config.replica). Two real databases stand for the primary and its streaming replica:
the replica starts as a copy of the primary, then differs in one unit's name, so each page's
answer shows which database it read."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.fresh_db import fresh_database, pg

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
BASE_DIR = Path(django_settings.BASE_DIR)


def probe(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def copy_database(source: tuple[str, Path | None], target: tuple[str, Path | None]) -> None:
    """The replica as a streaming replica would be: the primary's rows, schema included."""
    if source[1] is not None and target[1] is not None:
        shutil.copyfile(source[1], target[1])
        return
    with pg("postgres") as admin:
        name, template = target[0].rsplit("/", 1)[1], source[0].rsplit("/", 1)[1]
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def test_report_pages_read_the_replica_and_every_other_read_the_primary(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "True"}
    env.pop("DATABASE_REPLICA_URL", None)
    with (
        fresh_database(tmp_path, "primary") as primary,
        fresh_database(tmp_path, "replica") as replica,
    ):
        on_primary = env | {"DATABASE_URL": primary[0]}
        probe(on_primary, "manage.py", "migrate", "--no-input")
        probe(on_primary, "-m", "tests.production.replica_probe", "primary")
        copy_database(primary, replica)
        probe(env | {"DATABASE_URL": replica[0]}, "-m", "tests.production.replica_probe", "replica")

        both = on_primary | {"DATABASE_REPLICA_URL": replica[0]}
        seen = json.loads(probe(both, "-m", "tests.production.replica_probe", "read"))
        assert seen["replica_configured"] is True
        assert seen["report"] == [200, "Xã Bản Sao Chép"]
        assert seen["api"] == [200, "Xã Bản Sao Chép"]
        assert seen["admin"] == [200, "Xã Nghĩa Thuận"]
        assert seen["orm"] == "Xã Nghĩa Thuận"

        # Without a replica the same pages read the primary.
        alone = json.loads(probe(on_primary, "-m", "tests.production.replica_probe", "read"))
        assert alone["replica_configured"] is False
        assert alone["report"] == [200, "Xã Nghĩa Thuận"]
        assert alone["api"] == [200, "Xã Nghĩa Thuận"]


def test_the_router_never_migrates_the_replica_and_writes_to_the_primary():
    from config.replica import ReplicaRouter, report_reads
    from people.models import Grant, Unit

    router = ReplicaRouter()
    assert router.allow_migrate("replica", "people") is False
    assert router.allow_migrate("default", "people") is True
    assert router.db_for_read(Unit) is None
    with report_reads():
        assert router.db_for_read(Unit) == "replica"
        # Access decisions never rest on a copy that may lag.
        assert router.db_for_read(Grant) is None
        assert router.db_for_write(Unit) == "default"
    assert connection.alias == "default"
