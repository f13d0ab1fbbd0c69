"""Backups: one .tar.gz with a manifest, the database dump and every file of MEDIA_ROOT
(certificate PDFs, seals...); and the restore of such an archive, checked before anything is
touched.

Archive layout: `manifest.json` first (format, app version, database vendor, creation time,
migration state, row count per table, and every other member with its size and SHA-256), then
`database.pgdump` (PostgreSQL, pg_dump custom format) or `database.sqlite3` (SQLite), then
`media/<path>` for each file of MEDIA_ROOT."""

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from backup import databases
from backup.errors import BackupError

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
# Working folders inside MEDIA_ROOT during a restore (never backed up themselves).
WORK_PREFIX = ".taphuan-restore-"
CHUNK = 1024 * 1024
MANIFEST_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str

    def as_dict(self) -> dict[str, object]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


@dataclass
class Unpacked:
    """An archive whose every member was checked and set aside, ready to be restored."""

    manifest: dict[str, Any]
    dump: Path
    media: Path
    pending_migrations: list[str] = field(default_factory=list)

    @property
    def media_files(self) -> int:
        return sum(1 for m in self.manifest["files"] if m["path"].startswith(MEDIA + "/"))


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    media_files: int
    extra_tables: list[str]
    pending_migrations: list[str]


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


# --- Backup --------------------------------------------------------------------------------


def create_backup(*, output: Path, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Write the archive to `output` (replaced in one step, readable by its owner only); the
    manifest. The database is dumped first, then the media listed: every file the dump refers
    to was on disk before the dump began."""
    connection = connections[using]
    if not databases.supported(connection.vendor):
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {connection.vendor}.")
    output = output.resolve()
    root = media_root()
    if root in output.parents:
        raise BackupError(f"Không ghi bản sao lưu vào trong thư mục media ({root}).")
    if not output.parent.is_dir():
        raise BackupError(f"Không có thư mục {output.parent}.")
    with tempfile.TemporaryDirectory(prefix=".taphuan-backup-", dir=output.parent) as work:
        dump_name = databases.DUMP_FILES[connection.vendor]
        dump = Path(work) / dump_name
        try:
            snapshot = databases.dump(connection, dump)
        except databases.DatabaseError as error:
            raise BackupError(str(error)) from error
        sources = {dump_name: dump} | {f"{MEDIA}/{rel}": path for rel, path in _media_files(root)}
        members = [_describe(name, path) for name, path in sources.items()]
        manifest = {
            "format": FORMAT,
            "app": "taphuan",
            "app_version": app_version(),
            "created_at": timezone.now().isoformat(timespec="seconds"),
            "database": {
                "vendor": connection.vendor,
                "file": dump_name,
                "tables": snapshot.tables,
            },
            "migrations": snapshot.migrations,
            "media_root": str(root),
            "files": [m.as_dict() for m in members],
        }
        _write_archive(output, manifest, members, sources)
    return manifest


def _media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Regular files under `root` (symbolic links are not followed), in a stable order."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(WORK_PREFIX))
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def _sha256(file: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def _describe(name: str, path: Path) -> Member:
    with open(path, "rb") as file:
        size, digest = _sha256(file)
    return Member(name, size, digest)


class _Hashing(io.RawIOBase):
    """Reads a file while hashing what was read (to catch a file changed during the backup)."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file, self.digest = file, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o644, int(timezone.now().timestamp())
    return info


def _write_archive(
    output: Path, manifest: dict[str, Any], members: list[Member], sources: dict[str, Path]
) -> None:
    partial = output.with_name(f".{output.name}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
                body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                tar.addfile(_tarinfo(MANIFEST, len(body)), io.BytesIO(body))
                for member in members:
                    _add(tar, member, sources[member.path])
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _add(tar: tarfile.TarFile, member: Member, path: Path) -> None:
    with open(path, "rb") as file:
        reader = _Hashing(file)
        try:
            tar.addfile(_tarinfo(member.path, member.size), reader)
        except OSError as error:  # the file shrank while being read
            raise BackupError(f"Tệp {member.path} thay đổi trong lúc sao lưu: {error}") from error
    if reader.digest.hexdigest() != member.sha256:
        raise BackupError(f"Tệp {member.path} thay đổi trong lúc sao lưu; hãy chạy lại.")


# --- Reading and checking an archive -------------------------------------------------------


def read_manifest(archive: Path, *, using: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """The manifest (the archive's first member), checked against this installation."""
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            return _checked_manifest(tar, next(iter(tar), None), using)
    except FileNotFoundError as error:
        raise BackupError(f"Không tìm thấy tệp {archive}.") from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{archive} không phải bản sao lưu .tar.gz đọc được: {error}") from error


def _checked_manifest(tar: tarfile.TarFile, first: Any, using: str) -> dict[str, Any]:
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError(f"Bản sao lưu không có {MANIFEST} ở đầu: không phải tệp của Taphuan.")
    if first.size > MANIFEST_LIMIT:
        raise BackupError(f"{MANIFEST} quá lớn.")
    try:
        manifest = json.loads(tar.extractfile(first).read())  # type: ignore[union-attr]
    except (ValueError, AttributeError) as error:
        raise BackupError(f"{MANIFEST} không đọc được: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng bản sao lưu không được hỗ trợ (cần format {FORMAT}).")
    vendor = connections[using].vendor
    archived = manifest.get("database", {}).get("vendor")
    if archived != vendor:
        raise BackupError(
            f"Bản sao lưu là của cơ sở dữ liệu {archived}, còn cơ sở dữ liệu đang cấu hình là "
            f"{vendor}: không khôi phục được sang loại khác."
        )
    unknown = sorted(set(_applied(manifest)) - set(_known_migrations()))
    if unknown:
        raise BackupError(
            "Bản sao lưu được tạo bởi phiên bản mới hơn (phiên bản "
            f"{manifest.get('app_version')}): mã nguồn này chưa có migration "
            + ", ".join(unknown[:10])
            + ". Hãy cài đúng phiên bản rồi khôi phục."
        )
    return manifest


def _applied(manifest: dict[str, Any]) -> list[str]:
    migrations = manifest.get("migrations") or {}
    return [f"{app}.{name}" for app, names in migrations.items() for name in names]


def _known_migrations() -> list[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return [f"{app}.{name}" for app, name in loader.disk_migrations]


def _safe_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(f"Bản sao lưu chứa đường dẫn không an toàn: {name!r}.")
    return path


@contextmanager
def unpacked(archive: Path, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[Unpacked]:
    """Check every member of the archive against its manifest (size and SHA-256; nothing
    missing, nothing extra) while setting it aside: the dump in a temporary folder, the media
    in a folder inside MEDIA_ROOT (so that moving them in is a rename). Nothing in use is
    touched; the folders are removed on leaving."""
    root = media_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(prefix="taphuan-restore-") as work:
        media = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}new-{stamp}-", dir=root))
        try:
            manifest = _unpack(archive, using, Path(work), media)
            dump = Path(work) / manifest["database"]["file"]
            yield Unpacked(manifest, dump, media, _pending(manifest))
        finally:
            shutil.rmtree(media, ignore_errors=True)


def _unpack(archive: Path, using: str, work: Path, media: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            members = iter(tar)  # read as a stream: one pass, nothing kept in memory
            manifest = _checked_manifest(tar, next(members, None), using)
            expected = _expected(manifest)
            for info in members:
                _extract(tar, info, expected, work, media)
    except FileNotFoundError as error:
        raise BackupError(f"Không tìm thấy tệp {archive}.") from error
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"Bản sao lưu bị hỏng hoặc thiếu phần cuối: {error}") from error
    missing = sorted(name for name, member in expected.items() if member is not None)
    if missing:
        raise BackupError("Bản sao lưu thiếu tệp: " + ", ".join(missing[:10]) + ".")
    return manifest


def _expected(manifest: dict[str, Any]) -> dict[str, Member | None]:
    expected: dict[str, Member | None] = {}
    try:
        for entry in manifest["files"]:
            member = Member(str(entry["path"]), int(entry["size"]), str(entry["sha256"]))
            expected[member.path] = member
        dump = manifest["database"]["file"]
    except (KeyError, TypeError, ValueError) as error:
        raise BackupError(f"{MANIFEST} thiếu thông tin: {error}") from error
    if dump not in databases.DUMP_FILES.values() or dump not in expected:
        raise BackupError(f"{MANIFEST} không ghi tệp cơ sở dữ liệu {dump!r}.")
    for name in expected:
        parts = _safe_path(name).parts
        if name != dump and (parts[0] != MEDIA or len(parts) < 2):
            raise BackupError(f"Bản sao lưu chứa tệp lạ ngoài thư mục media: {name!r}.")
    return expected


def _extract(
    tar: tarfile.TarFile,
    info: tarfile.TarInfo,
    expected: dict[str, Member | None],
    work: Path,
    media: Path,
) -> None:
    member = expected.get(info.name)
    if member is None or not info.isfile():
        raise BackupError(f"Bản sao lưu có phần không ghi trong {MANIFEST}: {info.name!r}.")
    path = _safe_path(member.path)
    if path.parts[0] == MEDIA:
        target = media.joinpath(*path.parts[1:])
    else:
        target = work / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    source = tar.extractfile(info)
    assert source is not None  # a regular file
    with open(target, "wb") as out:
        reader = _Hashing(source)
        shutil.copyfileobj(reader, out, CHUNK)  # type: ignore[misc]
    if info.size != member.size or reader.digest.hexdigest() != member.sha256:
        raise BackupError(
            f"Tệp {member.path} trong bản sao lưu không khớp mã kiểm tra SHA-256: "
            "bản sao lưu bị hỏng hoặc đã bị sửa. Không khôi phục gì."
        )
    expected[info.name] = None  # seen: a second copy would be refused


def _pending(manifest: dict[str, Any]) -> list[str]:
    return sorted(set(_known_migrations()) - set(_applied(manifest)))


# --- Restore -------------------------------------------------------------------------------


def restore(unpacked: Unpacked, *, using: str = DEFAULT_DB_ALIAS) -> Restored:
    """Replace the configured database and MEDIA_ROOT by the archive's, then check that every
    table has the row count it had when it was backed up."""
    connection = connections[using]
    try:
        databases.load(connection, unpacked.dump)
    except databases.DatabaseError as error:
        raise BackupError(
            f"Không khôi phục được cơ sở dữ liệu (chưa thay đổi gì): {error}"
        ) from error
    _swap_media(media_root(), unpacked.media)
    expected: dict[str, int] = unpacked.manifest["database"]["tables"]
    found = databases.row_counts(connection, list(expected))
    wrong = [
        f"{t} ({found.get(t, 'không có')} thay vì {n})"
        for t, n in expected.items()
        if found.get(t) != n
    ]
    if wrong:
        raise BackupError("Đã khôi phục nhưng số dòng không khớp: " + ", ".join(wrong[:10]))
    extra = sorted(set(databases.table_names(connection)) - set(expected))
    return Restored(
        tables=len(expected),
        rows=sum(expected.values()),
        media_files=unpacked.media_files,
        extra_tables=extra,
        pending_migrations=unpacked.pending_migrations,
    )


def _swap_media(root: Path, staged: Path) -> None:
    """Move MEDIA_ROOT's content aside, the archive's in, then drop the old (renames inside
    MEDIA_ROOT: it may be a mount point, which cannot itself be renamed)."""
    old = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}old-", dir=root))
    for entry in root.iterdir():
        if not entry.name.startswith(WORK_PREFIX):
            entry.rename(old / entry.name)
    for entry in staged.iterdir():
        entry.rename(root / entry.name)
    shutil.rmtree(old)
