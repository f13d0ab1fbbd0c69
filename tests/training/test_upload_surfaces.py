"""Every training import, on every surface (page, API, command), reads through the shared
reader: a bad cell or a hostile file is a clear refusal (never a 500), and nothing is written."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.factories import PersonFactory
from tests.spreadsheet_files import cp1258, hostile_uploads
from tests.training.conftest import make_course, past_sessions
from training.attendance_import import template_workbook
from training.models import Enrollment, TrainingRecord
from training.services import invite

pytestmark = pytest.mark.django_db

RECORDS = ["Số CCCD", "Mã chương trình", "Ngày hoàn thành", "Đơn vị tổ chức"]
RECORD = ["002080012345", "xdd-kndv", "05/09/2023", "Ban Dân vận"]
INVITEES = ["Họ và tên", "Ngày sinh", "Số CCCD"]
INVITEE = ["Lò Văn Cường", "01/01/1980", "002080012345"]
CASES = {
    "records": hostile_uploads(RECORDS, RECORD),
    "invitees": hostile_uploads(INVITEES, INVITEE),
}


def ids(cases: list) -> list[str]:
    return [case[0] for case in cases]


def api_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user)
    return client


def named(content: bytes, name: str) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.fixture
def holder(place):  # type: ignore[no-untyped-def]
    return PersonFactory(citizen_id="002080012345", home_unit=place.village)


@pytest.mark.parametrize(
    ("case", "name", "content", "says"), CASES["records"], ids=ids(CASES["records"])
)
def test_the_records_page_refuses_a_bad_file_and_writes_nothing(
    client, organiser, holder, case, name, content, says
):
    client.force_login(organiser)
    url = reverse("training:records_import")
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("case", "name", "content", "says"), CASES["records"], ids=ids(CASES["records"])
)
def test_the_records_api_refuses_a_bad_file_with_a_400(
    organiser, holder, case, name, content, says
):
    response = api_for(organiser).post(
        "/api/v1/training-records/import/", {"file": named(content, name)}
    )
    assert response.status_code == 400
    assert any(says in str(e["reason"]) or says in _line(e) for e in response.json()["errors"])
    assert not TrainingRecord.objects.exists()


def _line(error: dict) -> str:
    return f"Dòng {error['row']}, cột «{error['column']}»: {error['reason']}"


def test_the_records_api_gives_no_row_for_a_refusal_of_the_whole_file(organiser, holder):
    big = named(b"x" * (10 * 1024 * 1024 + 1), "ls.csv")
    body = api_for(organiser).post("/api/v1/training-records/import/", {"file": big}).json()
    assert body["errors"] == [
        {
            "row": None,
            "column": "",
            "reason": "Tệp lớn quá giới hạn 10 MB; hãy chia thành nhiều tệp nhỏ hơn",
        }
    ]


@pytest.mark.parametrize(
    ("case", "name", "content", "says"), CASES["records"], ids=ids(CASES["records"])
)
def test_the_records_command_refuses_a_bad_file(holder, tmp_path: Path, case, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError, match="không có kết quả nào được ghi"):
        call_command("import_training_records", str(path), stderr=err)
    assert says in err.getvalue()
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("case", "name", "content", "says"), CASES["invitees"], ids=ids(CASES["invitees"])
)
def test_the_invitation_page_and_api_refuse_a_bad_list_and_invite_nobody(
    client, organiser, place, programme, holder, case, name, content, says
):
    course = make_course(place, programme)
    response = api_for(organiser).post(
        f"/api/v1/courses/{course.pk}/invite-file/", {"file": named(content, name)}
    )
    assert response.status_code == 400
    assert any(says in _line(e) or says in e["reason"] for e in response.json()["errors"])
    client.force_login(organiser)
    page = client.post(
        reverse("training:invite_file", args=[course.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )
    assert page.status_code == 200
    assert says in page.content.decode()
    assert not Enrollment.objects.filter(course=course).exists()


def test_a_list_in_windows_1258_invites_by_the_vietnamese_name(organiser, place, programme):
    person = PersonFactory(
        full_name="Đặng Thị Thuỷ", given_name="", family_name="", middle_name="",
        birth_date=date(1979, 4, 2), home_unit=place.village,
    )  # fmt: skip
    course = make_course(place, programme)
    content = cp1258("Họ và tên;Ngày sinh\r\nĐặng Thị Thuỷ;02/04/1979\r\n")
    response = api_for(organiser).post(
        f"/api/v1/courses/{course.pk}/invite-file/", {"file": named(content, "moi.csv")}
    )
    assert response.json()["errors"] == []
    assert list(course.enrollments.values_list("person_id", flat=True)) == [person.pk]


def test_the_attendance_template_writes_formula_like_text_as_text(place, programme):
    course = make_course(place, programme, title='=HYPERLINK("http://x","Lớp")')
    invite(course=course, person=PersonFactory(full_name="@SUM(A1)", home_unit=place.village))
    (session,) = past_sessions(course, 1)
    sheet = load_workbook(io.BytesIO(template_workbook(session))).active
    texts = {c.value: c.data_type for row in sheet.iter_rows() for c in row if c.value}
    assert texts['=HYPERLINK("http://x","Lớp")'] == "s"
    assert texts["@SUM(A1)"] == "s"
