"""The roster's uploads and downloads: hostile files refused on the page and the command, the
preview kept in the database for its uploader only, formula-like names exported as text."""

import io
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from people.models import PendingUpload, Person, Position
from people.roster import export_roster, import_roster
from people.uploads import purge_expired_uploads
from tests.factories import UserFactory, grant
from tests.people.test_roster import MAI_ID, csv_bytes, mai, xlsx
from tests.spreadsheet_files import hostile_uploads

pytestmark = pytest.mark.django_db

HEADER = ["Mã xã", "Chức danh", "Từ ngày", "Họ và tên"]
ROW = ["00889", "Trưởng ban thanh tra nhân dân", "01/01/2024", "Giàng Thị Mai"]
CASES = hostile_uploads(HEADER, ROW)
FORMULA = '=HYPERLINK("http://x")'


def clerk(tree):  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, tree.ha_giang, "clerk")
    return user


def preview(client, content: bytes, name: str = "ds.xlsx"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile(name, content)
    return client.post(reverse("people:import"), {"file": upload, "action": "preview"})


def shown(response) -> list[str]:  # type: ignore[no-untyped-def]
    """What the page tells the clerk: the refusal of the file, or each problem."""
    if response.context.get("upload_error"):
        return [response.context["upload_error"]]
    return [str(p) for p in response.context["result"].errors]


@pytest.mark.parametrize(("case", "name", "content", "says"), CASES, ids=[c[0] for c in CASES])
def test_the_import_page_refuses_a_hostile_file_and_writes_nothing(
    client, tree, case, name, content, says
):
    client.force_login(clerk(tree))
    response = preview(client, content, name)
    assert response.status_code in (200, 400)
    assert any(says in line for line in shown(response)), shown(response)
    assert "confirm-form" not in response.content.decode()
    assert not Position.objects.exists() and not PendingUpload.objects.exists()


@pytest.mark.parametrize(("case", "name", "content", "says"), CASES, ids=[c[0] for c in CASES])
def test_the_import_command_refuses_a_hostile_file(tree, tmp_path: Path, case, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError, match="không ghi dòng nào"):
        call_command("import_roster", str(path), stderr=err)
    assert says in err.getvalue()
    assert not Person.objects.exists()


def test_a_nul_in_a_cell_is_refused_naming_the_row_and_column_even_in_xlsx(tree):
    # Excel writes a NUL inside a cell as _x0000_; it must not reach the database (PostgreSQL
    # refuses it with a 500; SQLite keeps it and the export then fails for good).
    result = import_roster(
        xlsx([mai(), mai(**{"Họ và tên": "Giàng_x0000_ Thị Mai"})]), filename="a.xlsx"
    )
    assert [str(p) for p in result.errors] == [
        "Dòng 4, cột «Họ và tên»: ô chứa ký tự không hợp lệ (NUL)"
    ]
    assert not Person.objects.exists()


# ---------------------------------------------------------------- the preview kept between steps


def test_a_preview_is_kept_in_the_database_not_in_a_shared_temporary_folder(client, tree):
    client.force_login(clerk(tree))
    content = xlsx([mai()])
    token = preview(client, content).context["token"]
    kept = PendingUpload.objects.get(token=token)
    assert bytes(kept.content) == content and kept.filename == "ds.xlsx"
    assert not (Path(tempfile.gettempdir()) / "taphuan-roster" / token).exists()


def test_only_the_uploader_can_confirm_its_preview(client, tree):
    owner, other = clerk(tree), clerk(tree)
    client.force_login(owner)
    token = preview(client, xlsx([mai()])).context["token"]
    client.force_login(other)
    refused = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert refused.status_code == 302 and not Position.objects.exists()
    client.post(reverse("people:import"), {"action": "cancel", "token": token})
    assert PendingUpload.objects.filter(token=token).exists()  # not theirs to cancel either
    client.force_login(owner)
    done = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert done.status_code == 302 and Position.objects.count() == 1


def test_a_confirmed_preview_is_removed(client, tree):
    client.force_login(clerk(tree))
    token = preview(client, xlsx([mai()])).context["token"]
    client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert Position.objects.count() == 1 and not PendingUpload.objects.exists()


def test_a_cancelled_preview_is_removed_and_writes_nothing(client, tree):
    client.force_login(clerk(tree))
    token = preview(client, xlsx([mai()])).context["token"]
    response = client.post(reverse("people:import"), {"action": "cancel", "token": token})
    assert response.status_code == 302
    assert not PendingUpload.objects.exists() and not Position.objects.exists()
    again = client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert again.status_code == 302 and not Position.objects.exists()


def test_a_preview_expires_after_a_day_and_is_purged(client, tree, settings):
    settings.PENDING_UPLOAD_HOURS = 24
    client.force_login(clerk(tree))
    token = preview(client, xlsx([mai()])).context["token"]
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(hours=25))
    client.post(reverse("people:import"), {"action": "confirm", "token": token})
    assert not Position.objects.exists()
    out = io.StringIO()
    call_command("purge_uploads", stdout=out)
    assert "Đã xóa 1 tệp" in out.getvalue() and not PendingUpload.objects.exists()


def test_each_upload_purges_the_expired_previews_of_everyone(client, tree):
    client.force_login(clerk(tree))
    preview(client, xlsx([mai()]))
    PendingUpload.objects.update(created_at=timezone.now() - timedelta(days=2))
    client.force_login(clerk(tree))
    token = preview(client, xlsx([mai()])).context["token"]
    assert list(PendingUpload.objects.values_list("token", flat=True)) == [token]
    assert purge_expired_uploads() == 0


# ---------------------------------------------------------------- citizen IDs from the future


def test_an_id_of_a_century_not_yet_begun_is_refused_naming_the_row(tree):
    result = import_roster(xlsx([mai(**{"Số CCCD": "002885001234"})]), filename="a.xlsx")
    assert [str(p) for p in result.errors] == [
        "Dòng 3, cột «Số CCCD»: chữ số thứ 4 (8) chỉ thế kỷ 24 — không thể là người đang sống"
    ]


# ---------------------------------------------------------------- exports


def test_a_formula_like_name_exports_as_text_and_reimports_as_a_no_op(tree):
    row = mai(**{"Họ và tên": FORMULA, "Ngày sinh": "12/03/1985", "Từ ngày": "01/01/2024"})
    headers = list(row)
    assert import_roster(csv_bytes([row], headers), filename="a.csv").written
    assert Person.objects.get().full_name == FORMULA  # stored as typed
    content = export_roster(unit=tree.ha_giang)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")  # no formula at all
    cell = load_workbook(io.BytesIO(content)).active.cell(row=3, column=5)
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    again = import_roster(content, filename="x.xlsx")
    assert (again.errors, again.created, again.updated, again.unchanged) == ([], 0, 0, 1)
    assert (again.people_created, again.people_updated) == (0, 0)


def test_a_control_character_stored_earlier_does_not_break_the_export(tree):
    import_roster(xlsx([mai()]), filename="a.xlsx")
    Person.objects.filter(citizen_id=MAI_ID).update(full_name="Giàng\x07 Thị Mai")
    sheet = load_workbook(io.BytesIO(export_roster(unit=tree.ha_giang))).active
    assert sheet.cell(row=3, column=5).value == "Giàng Thị Mai"


def test_a_kept_file_is_scoped_to_its_uploader(client, tree):
    from access.scopes import visible, writable

    owner, other = clerk(tree), clerk(tree)
    client.force_login(owner)
    preview(client, xlsx([mai()]))
    assert visible(owner, PendingUpload).count() == 1
    assert not visible(other, PendingUpload).exists()
    assert not writable(other, PendingUpload).exists()
