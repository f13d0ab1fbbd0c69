"""What a restore must bring back, measured the same way before the backup (in the test's
process) and after the restore (`python -m tests.backup.probe ARGS` against the restored
database): every table's rows, coverage figures, certificate verifications and a PDF download.

`tables()` reads nothing but what is there, so a table added later (an audit log...) is
compared too."""

import hashlib
import json
import sys
from datetime import date
from typing import Any

TARGETS = ("nq33-village", "nq33-boards", "nq33-teams")
DAYS = (date(2024, 12, 31), date(2026, 3, 31))


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def tables() -> dict[str, dict[str, object]]:
    """Row count and a SHA-256 of the sorted rows of every table."""
    from django.db import connection

    found: dict[str, dict[str, object]] = {}
    with connection.cursor() as cursor:
        for name in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(name)}")
            rows = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            found[name] = {"rows": len(rows), "sha256": digest}
    return found


def coverage() -> list[object]:
    from coverage.report import coverage_report

    reports = [
        coverage_report(target_code=target, unit=None, on=day) for target in TARGETS for day in DAYS
    ]
    return json.loads(json.dumps(reports, default=str))


def answers(*, codes: list[str], pdf: int, username: str) -> dict[str, object]:
    """The public verification of each code, and the PDF an administrator downloads."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    verify = {}
    for code in codes:
        response = client.get(f"/api/v1/verify/{code}/")
        verify[code] = {"status": response.status_code, "body": response.json()}
    client.force_login(get_user_model().objects.get(username=username))
    download = client.get(f"/giay-chung-nhan/{pdf}/pdf/")
    content = b"".join(download.streaming_content) if download.status_code == 200 else b""
    return {
        "verify": verify,
        "pdf": {"status": download.status_code, "sha256": hashlib.sha256(content).hexdigest()},
    }


def main() -> None:
    import django

    django.setup()
    found = tables()  # before the requests below add their own rows (verifications, a session)
    figures = coverage()
    replies = answers(**json.loads(sys.argv[1]))
    print(json.dumps({"tables": found, "coverage": figures, "answers": replies}, default=str))


if __name__ == "__main__":
    main()
