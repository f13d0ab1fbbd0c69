"""Dump and load the database, per vendor: PostgreSQL with pg_dump/pg_restore (custom format),
SQLite with the online backup API. Each dump comes with the facts of the same snapshot: the row
count of every table and the applied migrations."""

import os
import sqlite3
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

DUMP_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
# DATABASES[...]["OPTIONS"] keys that libpq also reads from the environment.
PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


class DatabaseError(Exception):
    """A dump or a load that failed, with a message fit for the operator."""


@dataclass(frozen=True)
class Snapshot:
    tables: dict[str, int]
    migrations: dict[str, list[str]]


def supported(vendor: str) -> bool:
    return vendor in DUMP_FILES


def dump(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """Write the whole database to `target`; the facts of that same snapshot."""
    if connection.vendor == "postgresql":
        return _pg_dump(connection, target)
    if connection.vendor == "sqlite":
        return _sqlite_dump(connection, target)
    raise DatabaseError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {connection.vendor}.")


def load(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Replace the configured database's content by the dump `source`."""
    if connection.in_atomic_block:
        raise DatabaseError("Không khôi phục được bên trong một giao dịch đang mở.")
    if connection.vendor == "postgresql":
        _pg_restore(connection, source)
    elif connection.vendor == "sqlite":
        _sqlite_restore(connection, source)
    else:
        raise DatabaseError(f"Chưa hỗ trợ khôi phục cơ sở dữ liệu loại {connection.vendor}.")


def row_counts(connection: BaseDatabaseWrapper, tables: Sequence[str]) -> dict[str, int]:
    """The row count of each of `tables` that exists in the configured database."""
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        return {t: _count(cursor, t) for t in tables if t in present}


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count(cursor: Any, table: str) -> int:
    # A table name read from the database's own catalogue, quoted: identifiers cannot be bound
    # as parameters.
    cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # nosec B608
    return int(cursor.fetchone()[0])


def _facts(cursor: Any, tables: Sequence[str]) -> Snapshot:
    counts = {t: _count(cursor, t) for t in sorted(tables)}
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return Snapshot(counts, migrations)


# --- PostgreSQL ----------------------------------------------------------------------------


def pg_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """The environment of pg_dump/pg_restore: connection settings as libpq variables, the
    password in PGPASSWORD — never on a command line, where `ps` shows it to every user."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings.get("HOST"),
        "PGPORT": settings.get("PORT"),
        "PGUSER": settings.get("USER"),
        "PGPASSWORD": settings.get("PASSWORD"),
        "PGDATABASE": settings.get("NAME"),
    }
    options = settings.get("OPTIONS") or {}
    values |= {variable: options.get(key) for key, variable in PG_OPTIONS.items()}
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def pg_dump_command(target: Path, snapshot: str) -> list[str]:
    return ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}"]


def pg_restore_command(source: Path, database: str) -> list[str]:
    # One transaction: a failure leaves the database as it was. Owners and grants are those of
    # the machine restored to, not of the one backed up.
    return [
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={database}",
        str(source),
    ]


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as error:
        raise DatabaseError(
            f"Không tìm thấy chương trình {command[0]}: cài gói postgresql-client "
            "cùng phiên bản với máy chủ PostgreSQL."
        ) from error
    if done.returncode != 0:
        raise DatabaseError(f"{command[0]} báo lỗi (mã {done.returncode}): {done.stderr.strip()}")


def _pg_dump(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """pg_dump reads the snapshot this transaction exported: the counts and migrations read
    here describe exactly what it wrote, whatever is written meanwhile."""
    if connection.in_atomic_block:
        raise DatabaseError("Không sao lưu được bên trong một giao dịch đang mở.")
    env = pg_environment(connection.settings_dict)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(pg_dump_command(target, snapshot), env)
        return _facts(cursor, connection.introspection.table_names(cursor))


def _pg_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    env = pg_environment(connection.settings_dict)
    connection.close()  # our own session must hold no lock on what pg_restore drops
    _run(pg_restore_command(source, connection.settings_dict["NAME"]), env)


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _sqlite_dump(connection: BaseDatabaseWrapper, target: Path) -> Snapshot:
    """The online backup API copies a consistent image while the site keeps running."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _facts(copy.cursor(), _sqlite_tables(copy))
    finally:
        copy.close()


def _sqlite_restore(connection: BaseDatabaseWrapper, source: Path) -> None:
    """Copy the dump into the configured database through the backup API: the destination is
    replaced page by page under its own lock, in one step, WAL and journal included — never a
    file swapped under a running process."""
    dump = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        (check,) = dump.execute("PRAGMA integrity_check").fetchone()
        if check != "ok":
            raise DatabaseError(f"Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng: {check}")
        connection.ensure_connection()
        dump.backup(connection.connection)
    except sqlite3.Error as error:
        raise DatabaseError(f"Không chép được cơ sở dữ liệu SQLite: {error}") from error
    finally:
        dump.close()
