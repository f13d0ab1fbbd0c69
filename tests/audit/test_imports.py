"""Imports are batches: who, when, the file and its SHA-256, the counts; every row written links
to its batch; listed and downloaded again by those who may see its units."""

import hashlib
import io
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook
from rest_framework.test import APIClient

from audit.models import ImportBatch
from coverage.models import IndicatorValue
from people.models import Grant, Person, Position
from people.roster import import_roster
from tests.audit.helpers import roster_rows, roster_xlsx
from tests.factories import UserFactory, grant
from training.models import TrainingRecord
from training.records_import import run_import

pytestmark = pytest.mark.django_db


def user_of(unit, role):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, unit, role)
    return user


def api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_login(user)
    return client


def test_a_roster_import_is_a_batch_with_the_file_its_hash_and_counts(tree):
    clerk = user_of(tree.quan_ba, Grant.Role.CLERK)
    content = roster_xlsx(roster_rows(8))
    result = import_roster(content, filename="ds-thanh-van.xlsx", user=clerk)
    batch = result.batch
    assert batch.kind == "roster" and batch.user == clerk and batch.operator == clerk.username
    assert batch.file_name == "ds-thanh-van.xlsx"
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert bytes(batch.content) == content
    assert (batch.rows_read, batch.rows_created, batch.rows_changed) == (8, 8, 0)
    assert batch.units.count() == 2  # the two villages of the file
    # Every row written (people, villages, organisations, positions) points at the batch.
    written = LogEntry.objects.filter(cid=batch.cid)
    people = set(Person.objects.values_list("pk", flat=True))
    positions = set(Position.objects.values_list("pk", flat=True))
    assert {e.object_id for e in written if e.content_type.model == "person"} == people
    assert {e.object_id for e in written if e.content_type.model == "position"} == positions
    assert {e.additional_data["source"] for e in written} == {"import"}
    assert {e.actor_id for e in written} == {clerk.pk}


def test_a_dry_run_and_a_refused_file_make_no_batch(tree):
    content = roster_xlsx(roster_rows(3))
    import_roster(content, filename="ds.xlsx", dry_run=True)
    bad = roster_rows(2)
    bad[1]["Số CCCD"] = "123"
    assert import_roster(roster_xlsx(bad), filename="sai.xlsx").errors
    assert not ImportBatch.objects.exists()
    assert not LogEntry.objects.filter(additional_data__source="import").exists()


def test_a_reimport_changing_nothing_is_a_batch_of_unchanged_rows(tree):
    content = roster_xlsx(roster_rows(4))
    import_roster(content, filename="ds.xlsx")
    again = import_roster(content, filename="ds.xlsx").batch
    assert (again.rows_read, again.rows_created, again.rows_unchanged) == (4, 0, 4)
    assert not LogEntry.objects.filter(cid=again.cid).exists()


def test_closing_positions_by_file_logs_each_end_date_in_the_batch(tree):
    rows = roster_rows(4)
    import_roster(roster_xlsx(rows), filename="ds.xlsx")
    for row in rows:
        row["Đến ngày"] = date(2024, 12, 31)
    batch = import_roster(roster_xlsx(rows), filename="ket-thuc.xlsx").batch
    assert batch.rows_changed == 4
    ends = LogEntry.objects.filter(cid=batch.cid, action=LogEntry.Action.UPDATE)
    assert sorted(e.changes["end"] for e in ends) == [[None, "2024-12-31"]] * 4


def test_the_command_import_names_the_command_and_its_operator(tree, tmp_path, capsys):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(roster_xlsx(roster_rows(2)))
    call_command("import_roster", str(path))
    batch = ImportBatch.objects.get()
    assert batch.source == "command"
    assert batch.operator.startswith("command import_roster (")
    entry = LogEntry.objects.filter(cid=batch.cid).first()
    assert entry.additional_data["command"] == "import_roster"
    assert entry.additional_data["source"] == "import"


def _audit_queries(queries: list[dict]) -> int:
    return sum("auditlog_logentry" in q["sql"] for q in queries)


def _import_counting(rows: list[dict]) -> tuple[int, int, int]:
    with CaptureQueriesContext(connection) as ctx:
        result = import_roster(roster_xlsx(rows), filename="ds.xlsx")
    assert result.written, result.errors[:3]
    return len(ctx.captured_queries), _audit_queries(ctx.captured_queries), result.batch


def test_auditing_a_200_row_import_adds_no_query_per_row(tree, django_assert_max_num_queries):
    _, small_audit, small = _import_counting(roster_rows(20))
    with django_assert_max_num_queries(115):  # 77 before auditing, on SQLite
        total, big_audit, big = _import_counting(roster_rows(200, first=1000))
    small_entries = LogEntry.objects.filter(cid=small.cid).count()
    big_entries = LogEntry.objects.filter(cid=big.cid).count()
    assert big_entries - small_entries > 600  # people, villages, organisations, positions
    # One insert per kind of row; SQLite splits a bulk insert every ~60 rows (999 parameters).
    assert big_audit - small_audit <= (big_entries - small_entries) // 50


def _records_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    book.active.append(["Số CCCD", "Mã chương trình", "Ngày hoàn thành", "Đơn vị tổ chức"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_training_records_import_links_each_record_to_its_batch(tree):
    import_roster(roster_xlsx(roster_rows(3)), filename="ds.xlsx")
    ids = list(Person.objects.order_by("pk").values_list("citizen_id", flat=True))
    content = _records_xlsx([[i, "xdd-kndv", "10/05/2023", "Ban Dân vận"] for i in ids])
    result = run_import(content, filename="lich-su.xlsx")
    batch = result.batch
    assert (batch.kind, batch.rows_read, batch.rows_created) == ("training_records", 3, 3)
    records = set(TrainingRecord.objects.values_list("pk", flat=True))
    logged = LogEntry.objects.filter(cid=batch.cid, content_type__model="trainingrecord")
    assert set(logged.values_list("object_id", flat=True)) == records
    assert batch.units.exists()


def test_an_indicator_import_is_a_batch_too(tree, client):
    from tests.coverage.test_indicators import sheet  # the indicators' own file builder

    clerk = user_of(tree.thanh_van, Grant.Role.CLERK)
    client.force_login(clerk)
    content = sheet([["00889", "", "nq33-dossiers", 2024, "", "97,5", "Báo cáo xã"]]).getvalue()
    response = client.post("/ty-le/chi-tieu/nhap/", {"file": _upload(content, "chi-tieu.xlsx")})
    assert response.status_code in (200, 302), response.content.decode()[:500]
    batch = ImportBatch.objects.get(kind="indicators")
    assert batch.rows_created == 1 and batch.sha256 == hashlib.sha256(content).hexdigest()
    value = IndicatorValue.objects.get()
    entry = LogEntry.objects.get_for_object(value).get()
    assert entry.cid == batch.cid and entry.additional_data["source"] == "import"


def _upload(content: bytes, name: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_batches_are_listed_and_downloaded_by_those_who_see_their_units(tree):
    clerk = user_of(tree.quan_ba, Grant.Role.CLERK)
    content = roster_xlsx(roster_rows(2))
    batch = import_roster(content, filename="ds.xlsx", user=clerk).batch
    other_clerk = user_of(tree.quan_ba, Grant.Role.CLERK)
    outsider = user_of(tree.can_ty, Grant.Role.CLERK)  # another commune
    commission = user_of(tree.quan_ba, Grant.Role.COMMISSION)

    listed = api(other_clerk).get("/api/v1/import-batches/").json()
    assert [b["id"] for b in listed["results"]] == [batch.pk]
    assert listed["results"][0]["sha256"] == hashlib.sha256(content).hexdigest()
    assert api(outsider).get("/api/v1/import-batches/").json()["count"] == 0
    assert api(outsider).get(f"/api/v1/import-batches/{batch.pk}/").status_code == 404

    # The raw file has full IDs and ethnicity: its uploader, or who may read both, gets it.
    downloaded = api(clerk).get(f"/api/v1/import-batches/{batch.pk}/file/")
    assert hashlib.sha256(downloaded.content).hexdigest() == batch.sha256
    assert api(other_clerk).get(f"/api/v1/import-batches/{batch.pk}/file/").status_code == 403
    assert api(commission).get(f"/api/v1/import-batches/{batch.pk}/file/").status_code == 403
    admin = user_of(tree.ha_giang, Grant.Role.ADMINISTRATOR)
    page = api(admin).get(f"/nhap-lieu/lo/{batch.pk}/tep/")
    assert page.status_code == 200 and page.content == content


def test_the_batch_pages_list_and_show_the_hash(tree, client):
    clerk = user_of(tree.quan_ba, Grant.Role.CLERK)
    batch = import_roster(roster_xlsx(roster_rows(2)), filename="ds.xlsx", user=clerk).batch
    client.force_login(clerk)
    listing = client.get("/nhap-lieu/lo/").content.decode()
    assert "ds.xlsx" in listing and f"/nhap-lieu/lo/{batch.pk}/" in listing
    detail = client.get(f"/nhap-lieu/lo/{batch.pk}/").content.decode()
    assert batch.sha256 in detail and "Tải lại tệp gốc" in detail
    client.force_login(user_of(tree.can_ty, Grant.Role.CLERK))
    assert client.get(f"/nhap-lieu/lo/{batch.pk}/").status_code == 404
    assert "ds.xlsx" not in client.get("/nhap-lieu/lo/").content.decode()
