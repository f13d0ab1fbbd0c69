"""Personal data: the export of everything about a person, and the erasure on request that
leaves every figure, trend point and certificate as it was but no trace of who the person was."""

import io
import json
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from audit.erasure import ERASED_NAME, ErasureError, erase_person
from audit.models import Erasure, ImportBatch
from certificates.models import Certificate, Issuer
from certificates.services import issue_certificate
from coverage.report import coverage_report
from coverage.rules import load_rules
from coverage.trend import month_ends, trend_figure
from people.models import Grant, Person, Position
from people.roster import import_roster
from tests.audit.helpers import roster_xlsx
from tests.certificates.conftest import make_party_issuer
from tests.coverage.conftest import D1, D2, Villages, targets, villages  # noqa: F401
from tests.factories import UserFactory, grant
from training.models import Programme, TrainingRecord

pytestmark = pytest.mark.django_db
MAI_ID = "002185001234"
PHONE, EMAIL = "0912777888", "lo.thi.mai@example.vn"
TARGETS = ["nq33-agency", "nq33-front", "nq33-village", "nq33-boards", "nq33-teams"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mai(villages: Villages, tree):  # type: ignore[no-untyped-def]  # noqa: F811
    """Lò Thị Mai (P1): secretary and team head of Nà Mạ, trained, with a certificate; her
    phone, e-mail and ethnicity came in with a roster file."""
    row = {
        "Mã xã": "00889", "Thôn, tổ dân phố": "Nà Mạ", "Chức danh": "Bí thư chi bộ",
        "Họ và tên": "Lò Thị Mai", "Ngày sinh": date(1985, 4, 2), "Giới tính": "Nữ",
        "Dân tộc": "Tày", "Số CCCD": MAI_ID, "Điện thoại": PHONE, "Email": EMAIL,
        "Từ ngày": date(2020, 1, 1),
    }  # fmt: skip
    result = import_roster(roster_xlsx([row]), filename="ds-na-ma.xlsx")
    assert result.written, result.errors
    person = villages.people["P1"]
    person.refresh_from_db()
    assert (person.phone, person.ethnicity) == (PHONE, "Tày")
    Programme.objects.filter(code="xdd-kndv").update(has_certificate=True)
    make_party_issuer()
    record = TrainingRecord.objects.get(person=person)
    issue_certificate(record=record, issuer=Issuer.objects.get())
    return person


def figures(tree) -> dict:  # type: ignore[no-untyped-def]
    """Every coverage report of the old and new communes and provinces, and the trend points."""
    reports = {}
    for code in TARGETS:
        for unit, day in ((tree.thanh_van, D1), (tree.ha_giang, D1), (tree.nghia_thuan, D2),
                          (tree.tuyen_quang, D2)):  # fmt: skip
            reports[code, unit.pk, day] = coverage_report(target_code=code, unit=unit, on=day)
        for day in month_ends(D2, 18):
            for root in (tree.ha_giang, tree.tuyen_quang):
                rules = load_rules(code, day)
                reports[code, "trend", root.pk, day] = trend_figure(rules, [root.pk], day)
    return reports


def audit_text() -> str:
    """The whole audit trail as text: entries, admin log, erasures, import files."""
    rows = [
        json.dumps([e.object_repr, e.changes, e.changes_text, e.additional_data,
                    e.serialized_data], ensure_ascii=False, default=str)
        for e in LogEntry.objects.all()
    ]  # fmt: skip
    rows += [e.object_repr + e.change_message for e in AdminLogEntry.objects.all()]
    rows += [e.reason for e in Erasure.objects.all()]
    rows += [bytes(b.content).decode("latin-1") + b.file_name for b in ImportBatch.objects.all()]
    return "\n".join(rows)


SECRETS = ("Lò Thị Mai", MAI_ID, PHONE, EMAIL, "Tày", "1985-04-02", "02/04/1985")


def test_erasure_keeps_every_figure_and_leaves_no_trace_of_the_person(mai, tree):
    certificate = Certificate.objects.get(person=mai)
    assert "Lò Thị Mai" in audit_text() and MAI_ID in audit_text()
    before = figures(tree)

    erase_person(person=mai, reason="Đơn của bà Lò Thị Mai ngày 05/01/2026", by=None)

    assert figures(tree) == before
    mai.refresh_from_db()
    assert mai.full_name == ERASED_NAME
    assert (mai.citizen_id, mai.birth_date, mai.phone, mai.email, mai.ethnicity) == (
        None, None, "", "", ""
    )  # fmt: skip
    assert Position.objects.filter(person=mai).count() == 2
    assert TrainingRecord.objects.filter(person=mai).count() == 1
    text = audit_text()
    for secret in SECRETS:
        assert secret not in text, secret
    erasure = Erasure.objects.get(person=mai)
    assert erasure.reason == "Đơn của bà [đã xoá] ngày 05/01/2026"
    batch = ImportBatch.objects.get(file_name="ds-na-ma.xlsx")
    assert batch.content_removed_at is not None and bytes(batch.content) == b""
    # The certificate still verifies as issued: number, programme, dates, issuer; no name.
    certificate.refresh_from_db()
    answer = APIClient().get(f"/api/v1/verify/{certificate.code}/").json()
    assert answer["status"] == "valid" and answer["number"] == certificate.number
    assert (answer["holder_name"], answer["birth_year"]) == ("", None)
    assert answer["programme"] and answer["issuer"]
    page = APIClient().get(f"/xac-minh/{certificate.code}/").content.decode()
    assert certificate.number in page and "Lò Thị Mai" not in page and "1985" not in page
    assert "Họ và tên" not in page


def test_the_erasure_is_audited_and_cannot_be_repeated(mai, tree):
    admin = UserFactory(is_superuser=True, username="quantri")
    from audit.contexts import context

    with context(source="page", user=admin):
        erase_person(person=mai, reason="Đơn số 12/2026", by=admin)
    entry = LogEntry.objects.get_for_object(mai).order_by("-timestamp", "-pk").first()
    assert entry.actor == admin and entry.additional_data["erasure"]
    assert entry.changes["reason"] == [None, "Đơn số 12/2026"]
    assert entry.changes["citizen_id"] == ["[đã xoá]", None]
    client = APIClient()
    client.force_login(admin)
    shown = client.get("/api/v1/audit/", {"object": f"people.person:{mai.pk}"}).json()
    assert shown["results"][0]["action"] == "erase"
    assert shown["results"][0]["user"] == "quantri"
    with pytest.raises(ErasureError):
        erase_person(person=mai, reason="lần hai")
    with pytest.raises(ErasureError):
        erase_person(person=Person.objects.exclude(pk=mai.pk).first(), reason="  ")


def test_the_export_has_everything_and_after_erasure_nothing_personal(mai, tree, tmp_path):
    out = StringIO()
    call_command("export_person", "--person", str(mai.pk), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == {
        "person", "positions", "training_records", "enrollments", "certificates", "history",
    }  # fmt: skip
    assert data["person"]["citizen_id"] == MAI_ID and data["person"]["phone"] == PHONE
    assert len(data["positions"]) == 2 and len(data["training_records"]) == 1
    assert data["certificates"][0]["holder_name"] == "Lò Thị Mai"
    assert any(h["object"].startswith("chức vụ") for h in data["history"])
    path = tmp_path / "mai.xlsx"
    call_command("export_person", "--person", str(mai.pk), "--format", "xlsx",
                 "--output", str(path), stdout=StringIO())  # fmt: skip
    book = load_workbook(io.BytesIO(path.read_bytes()))
    assert book.sheetnames == [
        "Thông tin cá nhân", "Chức danh", "Kết quả tập huấn", "Lớp được mời",
        "Giấy chứng nhận", "Lịch sử thay đổi",
    ]  # fmt: skip
    assert MAI_ID in [c.value for c in book["Thông tin cá nhân"][2]]

    call_command("erase_person", "--person", str(mai.pk), "--reason", "Đơn 01", stdout=StringIO())
    out = StringIO()
    call_command("export_person", "--person", str(mai.pk), "--format", "json", stdout=out)
    for secret in SECRETS:
        assert secret not in out.getvalue(), secret
    data = json.loads(out.getvalue())
    assert data["person"]["full_name"] == ERASED_NAME and data["person"]["erased_on"]
    assert len(data["positions"]) == 2
    erasure = LogEntry.objects.filter(additional_data__erasure__isnull=False).first()
    assert erasure.additional_data["command"] == "erase_person"
    with pytest.raises(CommandError):
        call_command("erase_person", "--person", str(mai.pk), "--reason", "lại", stdout=StringIO())


def _web(tree, role):  # type: ignore[no-untyped-def]
    from django.test import Client

    user = UserFactory()
    grant(user, tree.quan_ba, role)
    client = Client()
    client.force_login(user)
    return client, user


def test_the_person_page_offers_export_and_erasure_to_administrators_only(mai, tree):
    admin, _ = _web(tree, Grant.Role.ADMINISTRATOR)
    commission, _ = _web(tree, Grant.Role.COMMISSION)
    page = admin.get(f"/danh-ba/nguoi/{mai.pk}/").content.decode()
    assert "Xuất dữ liệu cá nhân" in page and f"/danh-ba/nguoi/{mai.pk}/xoa/" in page
    assert MAI_ID in page and "Tày" in page
    seen = commission.get(f"/danh-ba/nguoi/{mai.pk}/").content.decode()
    assert "Xuất dữ liệu cá nhân" not in seen and "/xoa/" not in seen
    assert MAI_ID not in seen and "002*******34" in seen and "Tày" not in seen
    assert commission.get(f"/danh-ba/nguoi/{mai.pk}/xuat.json").status_code == 403
    assert (
        commission.post(
            f"/danh-ba/nguoi/{mai.pk}/xoa/", {"reason": "x", "confirm": "on"}
        ).status_code
        == 403
    )
    exported = admin.get(f"/danh-ba/nguoi/{mai.pk}/xuat.json")
    assert exported.status_code == 200 and json.loads(exported.content)["person"]["id"] == mai.pk
    assert admin.get(f"/danh-ba/nguoi/{mai.pk}/xuat.xlsx").status_code == 200

    refused = admin.post(f"/danh-ba/nguoi/{mai.pk}/xoa/", {"reason": "Đơn 3"})  # no confirmation
    assert refused.status_code == 400 and not Erasure.objects.exists()
    done = admin.post(f"/danh-ba/nguoi/{mai.pk}/xoa/", {"reason": "Đơn 3", "confirm": "on"})
    assert done.status_code == 302
    erasure = Erasure.objects.get(person=mai)
    assert erasure.source == "page"
    after = admin.get(f"/danh-ba/nguoi/{mai.pk}/").content.decode()
    assert ERASED_NAME in after and "Lò Thị Mai" not in after and "đã được xoá" in after


def test_the_admin_action_asks_a_reason_and_erases(mai, tree, client):
    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    url = "/admin/people/person/"
    chosen = {"action": "erase_people", "_selected_action": [mai.pk]}
    asked = client.post(url, chosen)
    assert asked.status_code == 200 and "Lý do" in asked.content.decode()
    client.post(url, chosen | {"reason": "Đơn 7", "confirm": "on"})
    erasure = Erasure.objects.get(person=mai)
    assert erasure.by == root and erasure.source == "admin"


def test_a_trainee_account_of_the_erased_person_is_closed(mai, tree):
    account = UserFactory(username=MAI_ID, first_name="Mai", email=EMAIL)
    mai.user = account
    mai.save()
    erase_person(person=mai, reason="Đơn 9")
    account.refresh_from_db()
    mai.refresh_from_db()
    assert mai.user is None
    assert (account.is_active, account.username, account.email) == (
        False,
        f"da-xoa-{account.pk}",
        "",
    )
    assert not account.has_usable_password()
    assert MAI_ID not in audit_text()
