import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from tests.factories import PersonFactory
from tests.training.conftest import make_course
from training.invitations_import import invite_from_file
from training.models import Enrollment
from training.services import invite

pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]], header: list[str]) -> bytes:
    book = Workbook()
    book.active.append(["DANH SÁCH MỜI DỰ LỚP"])
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def invitees(place):  # type: ignore[no-untyped-def]
    blank = {"given_name": "", "family_name": "", "middle_name": ""}
    a = PersonFactory(citizen_id="002180001234", home_unit=place.village)
    b = PersonFactory(full_name="Sùng Mí Chớ", birth_date=date(1979, 4, 2),
                      home_unit=place.village, **blank)  # fmt: skip
    return a, b


def test_it_invites_a_list_with_waitlist_and_keeps_earlier_invitations(place, programme, invitees):
    a, b = invitees
    course = make_course(place, programme, capacity=2)
    invite(course=course, person=place.holders[0])
    content = xlsx(
        [["002180001234", "", ""], ["", "SÙNG MÍ CHỚ", "02/04/1979"], [None, None, None],
         [place.holders[0].citizen_id or "", place.holders[0].full_name, "01/01/1980"]],
        ["Số CCCD", "Họ và tên", "Ngày sinh"],
    )  # fmt: skip
    result = invite_from_file(course=course, file=content, filename="moi.xlsx")
    assert result.errors == []
    assert (result.invited, result.waitlisted, result.already) == (1, 1, 1)
    statuses = dict(course.enrollments.values_list("person_id", "status"))
    assert statuses[a.pk] == Enrollment.Status.INVITED
    assert statuses[b.pk] == Enrollment.Status.WAITLISTED


def test_it_invites_nobody_when_a_row_is_wrong(place, programme, invitees):
    course = make_course(place, programme)
    content = xlsx([["002180001234"], ["002180009999"]], ["Số CCCD"])
    result = invite_from_file(course=course, file=content, filename="moi.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(4, "Số CCCD")]
    assert not course.enrollments.exists()


def test_it_invites_from_a_list_through_page_and_api(client, organiser, place, programme,
                                                      invitees):  # fmt: skip
    course = make_course(place, programme)
    csv = "Họ và tên,Ngày sinh\nSùng Mí Chớ,02/04/1979\n".encode()
    upload = io.BytesIO(csv)
    upload.name = "moi.csv"
    api = APIClient()
    api.force_authenticate(organiser)
    body = api.post(f"/api/v1/courses/{course.pk}/invite-file/", {"file": upload}).json()
    assert body == {"invited": 1, "waitlisted": 0, "already": 0, "errors": []}
    client.force_login(organiser)
    upload = io.BytesIO(b"S\xe1\xbb\x91 CCCD\n002180001234\n")
    upload.name = "moi.csv"
    client.post(reverse("training:invite_file", args=[course.pk]), {"file": upload})
    assert course.enrollments.count() == 2
