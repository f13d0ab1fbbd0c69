"""Bombs imported for real, in a process whose address space is capped at 1 GB: they end with
the refusal, not a MemoryError or a kill, and in bounded time. (Before the shared reader, the
zip bomb ran the import out of memory and the row bomb ran for minutes.)"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.spreadsheet_files import row_bomb, zip_bomb

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 1024**3


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def run_capped(tmp_path: Path, *command: str) -> tuple[subprocess.CompletedProcess, float]:
    # A database of its own: the refusal must come before any query.
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_capped,
    )
    return done, time.perf_counter() - started


@pytest.mark.slow
def test_a_zip_bomb_is_refused_under_a_one_gigabyte_memory_cap(tmp_path):
    bomb = zip_bomb(tmp_path / "danh-sach.xlsx")  # 1 GB of sheet XML
    assert bomb.stat().st_size < 4 * 1024 * 1024
    done, seconds = run_capped(tmp_path, "import_roster", str(bomb))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "«bom nén» (zip bomb): khi giải nén sẽ thành 1024 MB (giới hạn 100 MB)" in done.stderr
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
    assert seconds < 60


@pytest.mark.slow
def test_a_row_bomb_is_refused_under_a_one_gigabyte_memory_cap_in_seconds(tmp_path):
    bomb = row_bomb(tmp_path / "ket-qua.xlsx")  # two million rows, dimension A1:XFD1048576
    done, seconds = run_capped(tmp_path, "import_training_records", str(bomb))
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Dòng 50001: Tệp có hơn 50.000 dòng" in done.stderr
    assert "MemoryError" not in done.stderr and "Traceback" not in done.stderr
    assert seconds < 60
