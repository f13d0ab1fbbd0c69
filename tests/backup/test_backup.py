"""manage.py backup / restore, on the database the suite runs on (SQLite or PostgreSQL).

The round trip backs up real data in this process (committed: transaction=True, so pg_dump, a
separate client, sees it), then restores it with `manage.py restore` in a separate process into
a FRESH database and a fresh media folder, and measures it there (tests/backup/probe.py)."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection

from backup import databases
from backup.services import MANIFEST, WORK_PREFIX
from certificates.models import Certificate
from certificates.services import reissue_certificate, revoke_certificate
from tests.backup import probe
from tests.certificates.conftest import close_a_course, make_party_issuer
from tests.coverage.conftest import boards, targets, villages  # noqa: F401  (fixtures)
from tests.factories import UserFactory
from tests.fresh_db import fresh_database, pg
from training.feeds import renew_feed

pytestmark = pytest.mark.django_db(transaction=True)
BASE_DIR = Path(django_settings.BASE_DIR)


@dataclass
class World:
    codes: list[str]
    pdf: Certificate
    admin: str


@pytest.fixture
def media(settings, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://taphuan.example.vn"
    cache.clear()
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def world(tree, villages, boards, media) -> World:  # type: ignore[no-untyped-def]  # noqa: F811
    """Units, people, positions and records (coverage), a closed course with certificates and
    their PDFs, one revoked and one reissued, verifications logged, an admin log entry."""
    make_party_issuer()
    close_a_course(n=3, unit=tree.nghia_thuan)
    first, second, third = Certificate.objects.order_by("serial")
    revoke_certificate(
        certificate=first,
        reason="Nhầm người",
        category=Certificate.RevocationCategory.ISSUED_BY_MISTAKE,
        by=None,
    )
    new = reissue_certificate(certificate=second)
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    renew_feed(user=admin)
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=[third], action_flag=CHANGE, change_message="Kiểm tra"
    )
    return World([c.code for c in (first, second, third, new)], third, admin.username)


def measure_here(world: World) -> dict[str, object]:
    """As probe.main() does after the restore, but here and with the requests first: the rows
    they add are then in the backup too, and the restored tables must match them."""
    replies = probe.answers(codes=world.codes, pdf=world.pdf.pk, username=world.admin)
    figures = probe.coverage()
    return {"tables": probe.tables(), "coverage": figures, "answers": replies}


@dataclass
class Target:
    """A fresh database and media folder for another process (`env`)."""

    env: dict[str, str]
    media: Path
    sqlite_file: Path | None

    def run(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            cwd=BASE_DIR,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture
def fresh(tmp_path) -> Iterator[Target]:  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "MEDIA_ROOT": str(tmp_path / "restored-media"),
        "SITE_URL": "https://taphuan.example.vn",
    }
    with fresh_database(tmp_path, "restore") as (url, file):
        yield Target(env | {"DATABASE_URL": url}, tmp_path / "restored-media", file)


def files_of(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def probe_in(target: Target, world: World) -> dict[str, object]:
    args = json.dumps({"codes": world.codes, "pdf": world.pdf.pk, "username": world.admin})
    done = target.run("-m", "tests.backup.probe", args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_it_restores_into_a_fresh_database_the_same_figures_certificates_and_history(
    world, media, fresh, tmp_path
):
    before = measure_here(world)
    assert before["answers"]["pdf"]["status"] == 200
    assert before["answers"]["verify"][world.codes[0]]["body"]["status"] == "revoked"
    assert before["tables"]["certificates_verification"]["rows"] >= 4
    assert before["tables"]["django_admin_log"]["rows"] == 1
    assert any(r["holders"] for r in before["coverage"])  # the figures are not all empty
    archive = tmp_path / "taphuan.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())

    done = fresh.run("manage.py", "restore", str(archive), "--no-input")
    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục" in done.stdout

    after = probe_in(fresh, world)
    assert after["tables"] == before["tables"]
    assert after["coverage"] == before["coverage"]
    assert after["answers"] == before["answers"]
    assert files_of(fresh.media) == files_of(media) != {}
    assert world.pdf.pdf.name in files_of(fresh.media)

    # Restoring again over a database and media folder that changed since puts back the
    # archive's state exactly (PostgreSQL: --clean; SQLite: the backup API over the file).
    (fresh.media / "la.txt").write_text("tệp lạ")
    changed = fresh.run("manage.py", "shell", "-c", DELETE_VERIFICATIONS)
    assert changed.returncode == 0, changed.stderr
    again = fresh.run("manage.py", "restore", str(archive), "--no-input")
    assert again.returncode == 0, again.stderr
    assert probe_in(fresh, world)["tables"] == before["tables"]
    assert files_of(fresh.media) == files_of(media)
    assert not list(fresh.media.glob(WORK_PREFIX + "*"))


DELETE_VERIFICATIONS = (
    "from certificates.models import Verification; Verification.objects.all().delete()"
)


def test_it_asks_for_confirmation_and_changes_nothing_without_a_yes(world, fresh, tmp_path):
    archive = tmp_path / "taphuan.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    refused = fresh.run("manage.py", "restore", str(archive), stdin="không\n")
    assert refused.returncode == 1
    assert "Gõ «yes» để tiếp tục" in refused.stdout and "Đã hủy" in refused.stderr
    assert not list(fresh.media.rglob("*.pdf"))
    if fresh.sqlite_file is not None:
        assert not fresh.sqlite_file.exists() or fresh.sqlite_file.stat().st_size == 0
    else:
        with pg(fresh.env["DATABASE_URL"].rsplit("/", 1)[1]) as db:
            tables = db.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            assert tables.fetchone() == (0,)


def test_it_writes_one_archive_readable_by_its_owner_with_a_checked_manifest(
    world, media, tmp_path
):
    archive = tmp_path / "taphuan.tar.gz"
    out = io.StringIO()
    call_command("backup", output=str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue()
    assert archive.stat().st_mode & 0o777 == 0o600
    assert not list(tmp_path.glob(".*partial*"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))
        contents = {n: tar.extractfile(n).read() for n in names[1:]}
    assert names[0] == MANIFEST
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["app_version"] == "0.1.0" and manifest["created_at"]
    assert "0003_revocation_category" in manifest["migrations"]["certificates"]
    assert manifest["database"]["tables"]["certificates_certificate"] == 4
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert listed == {n: hashlib.sha256(data).hexdigest() for n, data in contents.items()}
    assert f"media/{world.pdf.pdf.name}" in listed
    assert manifest["database"]["file"] in listed


# --- Refusals: nothing is touched ----------------------------------------------------------


def rewrite(
    archive: Path,
    out: Path,
    *,
    member: Callable[[str, bytes], tuple[str, bytes] | None] = lambda n, d: (n, d),
    manifest: Callable[[dict], None] = lambda m: None,
    extra: tuple[tuple[str, bytes], ...] = (),
) -> Path:
    """A copy of `archive` with its members (and manifest) changed by the given functions."""
    with tarfile.open(archive) as tar:
        members = [(i.name, tar.extractfile(i).read()) for i in tar.getmembers()]
    written = []
    for name, data in members:
        if name == MANIFEST:
            body = json.loads(data)
            manifest(body)
            written.append((name, json.dumps(body).encode()))
        elif (kept := member(name, data)) is not None:
            written.append(kept)
    with tarfile.open(out, "w:gz") as tar:
        for name, data in [*written, *extra]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def _flip_pdf(name: str, data: bytes) -> tuple[str, bytes]:
    if name.endswith(".pdf"):
        return name, data[:-1] + bytes([data[-1] ^ 1])
    return name, data


def _drop_pdf(name: str, data: bytes) -> tuple[str, bytes] | None:
    return None if name.endswith(".pdf") else (name, data)


def _lists_a_path_leaving_media(manifest: dict) -> None:
    manifest["files"].append(
        {"path": "media/../../x.txt", "size": 1, "sha256": hashlib.sha256(b"x").hexdigest()}
    )


def _newer(manifest: dict) -> None:
    manifest["migrations"].setdefault("certificates", []).append("9999_from_the_future")


def _other_vendor(manifest: dict) -> None:
    manifest["database"]["vendor"] = "sqlite" if connection.vendor != "sqlite" else "postgresql"


TAMPERED = {
    "a changed byte": ({"member": _flip_pdf}, "không khớp mã kiểm tra SHA-256"),
    "a missing file": ({"member": _drop_pdf}, "thiếu tệp"),
    "a file not in the manifest": ({"extra": (("media/them.pdf", b"%PDF"),)}, "không ghi"),
    "a path leaving media": (
        {"manifest": _lists_a_path_leaving_media, "extra": (("media/../../x.txt", b"x"),)},
        "không an toàn",
    ),
    "another database vendor": ({"manifest": _other_vendor}, "không khôi phục được sang"),
    "a newer version": ({"manifest": _newer}, "9999_from_the_future"),
}


@pytest.mark.parametrize("case", TAMPERED, ids=list(TAMPERED))
def test_it_refuses_an_archive_that_fails_its_checks(case, world, media, tmp_path):
    archive = tmp_path / "taphuan.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    changes, message = TAMPERED[case]
    bad = rewrite(archive, tmp_path / "bad.tar.gz", **changes)
    files = files_of(media)
    Certificate.objects.filter(pk=world.pdf.pk).update(holder_name="Sửa sau khi sao lưu")
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(bad), interactive=False, stdout=io.StringIO())
    assert Certificate.objects.get(pk=world.pdf.pk).holder_name == "Sửa sau khi sao lưu"
    assert files_of(media) == files
    assert not list(media.glob(WORK_PREFIX + "*"))


def test_it_refuses_a_file_that_is_not_a_backup(db, media, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tarball")
    with pytest.raises(CommandError, match="không phải bản sao lưu|bị hỏng"):
        call_command("restore", str(junk), interactive=False, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        call_command("restore", str(tmp_path / "none.tar.gz"), interactive=False)


def test_it_refuses_to_write_the_backup_inside_the_media_folder(db, media):
    media.mkdir(parents=True, exist_ok=True)
    with pytest.raises(CommandError, match="thư mục media"):
        call_command("backup", output=str(media / "b.tar.gz"))
    assert not list(media.iterdir())


def test_it_gives_postgresql_tools_the_password_in_the_environment_only(tmp_path):
    settings = {"NAME": "taphuan", "USER": "app", "PASSWORD": "bí-mật 42", "HOST": "db"}
    env = databases.pg_environment(settings | {"OPTIONS": {"sslmode": "require"}})
    assert (env["PGPASSWORD"], env["PGUSER"], env["PGHOST"]) == ("bí-mật 42", "app", "db")
    assert env["PGSSLMODE"] == "require" and env["PGDATABASE"] == "taphuan"
    commands = (
        databases.pg_dump_command(tmp_path / "d", "snap"),
        databases.pg_restore_command(tmp_path / "d", "taphuan"),
    )
    assert all("bí-mật" not in part for command in commands for part in command)
    assert "--clean" in commands[1] and "--no-owner" in commands[1]
    assert "--format=custom" in commands[0]
