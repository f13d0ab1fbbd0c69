"""On the SQLite default, writers wait for each other instead of failing «database is locked».

pytest-django's SQLite test database lives in memory, so this runs a script in a subprocess
against a real file: 20 threads invite 20 people to one course at the same moment."""

import json
import os
from pathlib import Path

import pytest

from tests.security.conftest import run

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).with_name("sqlite_invite_race.py")


def race(tmp_path: Path, *flags: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'race.sqlite3'}"
    done = run([str(SCRIPT), *flags], env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_twenty_simultaneous_invitations_all_succeed_on_a_sqlite_file(tmp_path):
    result = race(tmp_path)
    assert result == {"errors": [], "invited": 20, "journal_mode": "wal"}


def test_without_our_sqlite_options_the_same_race_fails_with_database_is_locked(tmp_path):
    # What the options prevent (the issue's «fail 19 times»): Django's defaults lose writers.
    result = race(tmp_path, "--django-defaults")
    assert result["invited"] < 20
    assert any("database is locked" in error for error in result["errors"]), result
