"""The course life-cycle on its page: stages, the one next action (confirm & invite, start
attendance, close & certify), and the printed giấy mời per invitee and per commune."""

import io
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from people.models import Level, Organisation, OrgKind, Unit
from people.services import appoint
from tests.factories import PersonFactory, UserFactory, grant, make_unit, role
from tests.training.conftest import at, past_sessions
from training.models import Course, Enrollment, Programme, Session
from training.services import create_course, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(place, programme):  # type: ignore[no-untyped-def]
    """A draft course of the commune's Ban Dân vận with three invitees: two of the commune's
    village (one with an e-mail address), one of the other commune (no address)."""
    body = Organisation.objects.create(
        kind=OrgKind.PARTY_COMMITTEE, name="Ban Dân vận Đảng ủy xã Quản Bạ", unit=place.commune
    )
    course = create_course(
        programme=programme,
        title="Hội nghị tập huấn công tác dân vận năm 2026",
        organiser=body,
        venue="Hội trường UBND xã Quản Bạ",
        venue_unit=place.commune,
        audience_units=[place.commune],
        capacity=30,
        invitation_number="125-GM/BDV",
        signer_title="Trưởng ban",
        signer_name="Hoàng Văn Sính",
    )
    past_sessions(course, 2)
    first, second = place.holders
    first.email = "binh@example.vn"
    first.save()
    village = make_unit(
        name="Thôn Lũng Cú",
        level=Level.VILLAGE,
        kind=Unit.Kind.THON,
        parent=place.other_commune,
        edition=Unit.Edition.LOCAL,
    )
    cell = Organisation.objects.create(kind=OrgKind.PARTY_CELL, name="Chi bộ Lũng Cú", unit=village)
    far = PersonFactory(full_name="Sùng Mí Chá", home_unit=village)
    appoint(
        person=far, role=role("party_cell_secretary"), organisation=cell, start=date(2024, 1, 1)
    )
    for p in (first, second, far):
        invite(course=course, person=p)
    return course


def text_of(pdf: bytes) -> tuple[list[str], PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages], reader


def test_a_draft_shows_its_stage_and_confirming_sends_the_invitations(
    client, draft, organiser, place, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    page = client.get(f"/lop/{draft.pk}/").content.decode()
    assert 'aria-current="step">Dự thảo</li>' in page
    assert "Xác nhận lớp &amp; gửi giấy mời" in page
    assert "3 người được mời: đã gửi thư điện tử 0/1 người có địa chỉ" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/lop/{draft.pk}/xac-nhan/")
    page = client.get(f"/lop/{draft.pk}/").content.decode()  # with the message, once sent
    assert "Giấy mời gửi qua thư điện tử: 1 người; cần in và gửi giấy: 2 người." in page
    assert [m.to for m in mail.outbox] == [["binh@example.vn"]]
    draft.refresh_from_db()
    assert draft.status == Course.Status.OPEN
    assert 'aria-current="step">Đang mời</li>' in page
    assert "Bắt đầu điểm danh" in page and "Xác nhận lớp &amp;" not in page
    assert "đã gửi thư điện tử 1/1 người có địa chỉ; 2 người không có thư điện tử" in page
    # Audited, under the organiser's name.
    entry = LogEntry.objects.get_for_object(draft).filter(changes_text__contains="open").first()
    entry = entry or LogEntry.objects.get_for_object(draft).order_by("-pk").first()
    assert entry.actor == organiser and "open" in str(entry.changes)

    # Confirming twice is refused and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/lop/{draft.pk}/xac-nhan/", follow=True).content.decode()
    assert "không còn là dự thảo" in page and len(mail.outbox) == 1


def test_a_draft_without_sessions_is_not_confirmed(client, organiser, place, programme):  # type: ignore[no-untyped-def]
    course = create_course(programme=programme, title="Lớp chưa có lịch", venue_unit=place.commune)
    client.force_login(organiser)
    page = client.post(f"/lop/{course.pk}/xac-nhan/", follow=True).content.decode()
    assert "Lớp chưa có buổi học nào: thêm buổi học rồi mới gửi giấy mời" in page
    course.refresh_from_db()
    assert course.status == Course.Status.DRAFT


def test_starting_opens_the_attendance_of_today_and_closing_issues_the_certificates(
    client, draft, organiser, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    today = Session.objects.create(
        course=draft, starts_at=at(timezone.localdate()), ends_at=at(timezone.localdate(), 16)
    )
    Session.objects.create(
        course=draft,
        starts_at=at(timezone.localdate() + timedelta(days=3)),
        ends_at=at(timezone.localdate() + timedelta(days=3), 16),
    )
    client.force_login(organiser)
    client.post(f"/lop/{draft.pk}/xac-nhan/")
    response = client.post(f"/lop/{draft.pk}/bat-dau/")
    assert response.status_code == 302
    assert response["Location"] == f"/lop/{draft.pk}/buoi/{today.pk}/diem-danh/"
    draft.refresh_from_db()
    assert draft.status == Course.Status.RUNNING
    page = client.get(f"/lop/{draft.pk}/").content.decode()
    assert 'aria-current="step">Đang diễn ra</li>' in page
    assert "Kết thúc lớp &amp; cấp giấy chứng nhận" in page
    # The last session has not begun: closing is refused with the reason, nothing changes.
    page = client.post(f"/lop/{draft.pk}/ket-thuc/", follow=True).content.decode()
    assert "buổi học cuối chưa bắt đầu" in page
    draft.refresh_from_db()
    assert draft.status == Course.Status.RUNNING


def test_closing_from_the_course_page_reports_the_results_and_certificates(
    client, course, organiser, place, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    sessions = past_sessions(course, 2)
    for p in place.holders:
        invite(course=course, person=p)
    client.force_login(organiser)
    client.post(f"/lop/{course.pk}/bat-dau/")
    course.refresh_from_db()
    assert course.status == Course.Status.RUNNING
    marks = {f"m{e.pk}": "present" for e in course.enrollments.all()}  # present at both
    for s in sessions:
        client.post(f"/lop/{course.pk}/buoi/{s.pk}/diem-danh/", marks)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lop/{course.pk}/ket-thuc/", follow=True)
    assert response.redirect_chain[-1][0] == f"/lop/{course.pk}/ket-qua/"
    page = response.content.decode()
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED
    assert course.enrollments.filter(status=Enrollment.Status.COMPLETED).count() == 2
    assert "Đã kết thúc lớp; 2 người hoàn thành." in page
    detail = client.get(f"/lop/{course.pk}/").content.decode()
    assert 'aria-current="step">Đã kết thúc</li>' in detail
    assert 'class="next-action"' not in detail


def test_the_invitations_print_one_official_page_per_invitee_and_per_commune(
    client, draft, organiser, place
):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.get(f"/lop/{draft.pk}/giay-moi.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, reader = text_of(response.content)
    assert len(pages) == 3
    first = pages[0]
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",  # a Party body's letter
        "BAN DÂN VẬN ĐẢNG ỦY XÃ QUẢN BẠ",
        "Số: 125-GM/BDV",
        "GIẤY MỜI",
        "Kính gửi: Đồng chí",
        "Hội trường UBND xã Quản Bạ",
        "TM. BAN DÂN VẬN ĐẢNG ỦY XÃ QUẢN BẠ",
        "TRƯỞNG BAN",
        "Hoàng Văn Sính",
        f"Quản Bạ, ngày {timezone.localdate():%d} tháng {timezone.localdate():%m}",
    ):
        assert expected in first, expected
    everyone = "\n".join(pages)
    names = [e.person.full_name for e in draft.enrollments.select_related("person")]
    assert all(name in everyone for name in names)

    # The commune's box lists each commune with its count; each prints only its people.
    page = client.get(f"/lop/{draft.pk}/").content.decode()
    assert f'?xa={place.commune.pk}">Xã Quản Bạ</a> (2)' in page
    assert f'?xa={place.other_commune.pk}">Xã Đồng Văn</a> (1)' in page
    own, _ = text_of(client.get(f"/lop/{draft.pk}/giay-moi.pdf?xa={place.commune.pk}").content)
    far, _ = text_of(
        client.get(f"/lop/{draft.pk}/giay-moi.pdf?xa={place.other_commune.pk}").content
    )
    assert len(own) == 2 and len(far) == 1 and "Sùng Mí Chá" in far[0]
    assert not any("Sùng Mí Chá" in p for p in own)
    for bad in ("abc", "²", "-1"):
        assert client.get(f"/lop/{draft.pk}/giay-moi.pdf", {"xa": bad}).status_code == 400

    one = draft.enrollments.get(person__full_name="Sùng Mí Chá")
    single, _ = text_of(client.get(f"/lop/{draft.pk}/giay-moi/{one.pk}.pdf").content)
    assert len(single) == 1 and "Sùng Mí Chá" in single[0]


def test_a_state_body_letter_has_the_national_heading_and_room_for_a_handwritten_number(
    client, organiser, place, programme
):  # type: ignore[no-untyped-def]
    front = Organisation.objects.create(
        kind=OrgKind.FRONT_COMMITTEE, name="Ủy ban MTTQ xã Quản Bạ", unit=place.commune
    )
    course = create_course(
        programme=programme, title="Lớp Mặt trận", organiser=front, venue_unit=place.commune
    )
    invite(course=course, person=place.holders[0])
    client.force_login(organiser)
    pages, _ = text_of(client.get(f"/lop/{course.pk}/giay-moi.pdf").content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0]
    assert "Độc lập - Tự do - Hạnh phúc" in pages[0]
    assert "ĐẢNG CỘNG SẢN" not in pages[0]
    assert "/GM" in pages[0] and "Sẽ thông báo sau" in pages[0]


def test_only_those_who_may_change_the_course_print_or_move_it(client, draft, outsider, place):  # type: ignore[no-untyped-def]
    clerk = UserFactory(username="nhaplieu-ql")
    from people.models import Grant

    grant(clerk, place.commune, Grant.Role.CLERK)
    one = draft.enrollments.first()
    for user in (outsider, clerk):
        client.force_login(user)
        for url in (
            f"/lop/{draft.pk}/giay-moi.pdf",
            f"/lop/{draft.pk}/giay-moi/{one.pk}.pdf",
        ):
            assert client.get(url).status_code in (403, 404), (user, url)
        for url in (f"/lop/{draft.pk}/xac-nhan/", f"/lop/{draft.pk}/bat-dau/"):
            assert client.post(url).status_code in (403, 404), (user, url)
    draft.refresh_from_db()
    assert draft.status == Course.Status.DRAFT


def test_the_api_confirms_and_starts_a_course(client, draft, organiser):  # type: ignore[no-untyped-def]
    client.force_login(organiser)
    response = client.post(f"/api/v1/courses/{draft.pk}/confirm/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["emailed"], body["to_print"]) == (1, 2)
    assert body["course"]["status"] == "open"
    assert body["course"]["invitation_number"] == "125-GM/BDV"
    again = client.post(f"/api/v1/courses/{draft.pk}/confirm/")
    assert again.status_code == 400 and "dự thảo" in again.json()["detail"]
    started = client.post(f"/api/v1/courses/{draft.pk}/start/")
    assert started.status_code == 200 and started.json()["status"] == "running"


def test_a_programme_without_invitees_still_prints_a_page(client, organiser, place):  # type: ignore[no-untyped-def]
    course = create_course(
        programme=Programme.objects.get(code="xdd-kndv"),
        title="Lớp trống",
        venue_unit=place.commune,
    )
    client.force_login(organiser)
    pages, _ = text_of(client.get(f"/lop/{course.pk}/giay-moi.pdf").content)
    assert len(pages) == 1 and "chưa mời ai" in pages[0]
