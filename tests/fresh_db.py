"""Fresh, empty databases of the kind the suite runs on (SQLite or PostgreSQL), for commands
and servers started as separate processes by a test (restore, gunicorn, a replica)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from django.db import connection


def pg(dbname: str) -> psycopg.Connection:
    """An autocommit connection to another database of the suite's PostgreSQL server."""
    s = connection.settings_dict
    return psycopg.connect(
        dbname=dbname,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        autocommit=True,
    )


@contextmanager
def fresh_database(tmp_path: Path, suffix: str) -> Iterator[tuple[str, Path | None]]:
    """(DATABASE_URL, SQLite file or None) of a new empty database, dropped afterwards."""
    if connection.vendor == "sqlite":
        file = tmp_path / f"{suffix}.sqlite3"
        yield f"sqlite:///{file}", file
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_{suffix}"
    with pg("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(s["USER"] or "") + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    url = f"postgres://{credentials}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
    try:
        yield url, None
    finally:
        with pg("postgres") as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
