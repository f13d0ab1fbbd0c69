"""Secret calendar feeds (/lich/feed/<token>.ics) and plain-text errors on every .ics URL."""

import base64
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.test import Client

from people.models import Grant, Organisation, OrgKind
from tests.factories import UserFactory, grant
from tests.training.conftest import make_course, past_sessions
from training.models import CalendarFeed, Course, Session
from training.services import create_course, invite

pytestmark = pytest.mark.django_db
TEXT = "text/plain; charset=utf-8"


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def feed_path(user) -> str:  # type: ignore[no-untyped-def]
    """Creates the user's feed through the page, as the user would, and reads its address."""
    client = signed_in(user)
    assert client.post("/lich/feed/tao-moi/").status_code == 302
    page = client.get("/lich/").content.decode()
    (url,) = set(re.findall(r'value="(https?://[^"]+/lich/feed/[^"]+\.ics)"', page))
    return urlsplit(url).path


def parsed(response) -> icalendar.Calendar:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def other_course(place, programme) -> Course:  # type: ignore[no-untyped-def]
    return create_course(
        programme=programme,
        title="Lớp xây dựng Đảng xã Đồng Văn",
        capacity=30,
        venue="Hội trường xã Đồng Văn",
        venue_unit=place.other_commune,
        audience_units=[place.other_commune],
        status=Course.Status.OPEN,
    )


def test_it_serves_the_feed_without_a_login_and_it_parses(place, programme, organiser):
    course = make_course(place, programme, title="Lớp bồi dưỡng, kỹ năng; dân vận")
    sessions = past_sessions(course, 2)
    path = feed_path(organiser)
    feed = parsed(Client().get(path))
    events = sorted(feed.events, key=lambda e: e.start)
    assert [e.start for e in events] == [s.starts_at for s in sessions]
    assert all(e.start.utcoffset() == timedelta(hours=7) for e in events)
    assert {str(e["SUMMARY"]) for e in events} == {"Lớp bồi dưỡng, kỹ năng; dân vận"}
    assert {str(e["LOCATION"]) for e in events} == {"Hội trường xã Quản Bạ"}
    assert [tz.tz_name for tz in feed.timezones] == ["Asia/Ho_Chi_Minh"]
    # The UID stays the same from one fetch to the next: calendar apps update, not duplicate.
    again = parsed(Client().get(path))
    assert sorted(str(e["UID"]) for e in again.events) == sorted(str(e["UID"]) for e in events)


def test_it_lists_only_the_courses_the_user_may_see(place, programme, organiser, outsider):
    mine = make_course(place, programme)
    past_sessions(mine, 2)
    theirs = other_course(place, programme)
    past_sessions(theirs, 3)
    cancelled = make_course(place, programme, title="Lớp đã hủy")
    past_sessions(cancelled, 1)
    cancelled.status = Course.Status.CANCELLED
    cancelled.save(update_fields=["status"])

    def titles(user) -> list[str]:  # type: ignore[no-untyped-def]
        return [str(e["SUMMARY"]) for e in parsed(Client().get(feed_path(user))).events]

    assert titles(organiser) == [mine.title] * 2
    assert titles(outsider) == [theirs.title] * 3


def test_it_answers_404_in_plain_text_for_an_unknown_renewed_or_revoked_token(
    place, programme, organiser
):
    past_sessions(make_course(place, programme), 1)
    first = feed_path(organiser)
    second = feed_path(organiser)  # renewing replaces the address
    assert first != second
    old = Client().get(first)
    assert old.status_code == 404 and old["Content-Type"] == TEXT
    assert "Không tìm thấy lịch này" in old.content.decode()
    assert Client().get(second).status_code == 200
    assert CalendarFeed.objects.filter(user=organiser, revoked_at__isnull=True).count() == 1

    assert signed_in(organiser).post("/lich/feed/thu-hoi/").status_code == 302
    revoked = Client().get(second)
    assert revoked.status_code == 404 and revoked["Content-Type"] == TEXT
    unknown = Client().get("/lich/feed/khong-co-ma-nay.ics")
    assert unknown.status_code == 404 and unknown["Content-Type"] == TEXT
    assert "Tạo đường dẫn lịch riêng" in signed_in(organiser).get("/lich/").content.decode()


def test_it_stops_the_feed_of_a_deactivated_account(place, programme, organiser):
    path = feed_path(organiser)
    organiser.is_active = False
    organiser.save(update_fields=["is_active"])
    assert Client().get(path).status_code == 404


def test_it_changes_feeds_only_by_a_signed_in_post(place, organiser):
    assert signed_in(organiser).get("/lich/feed/tao-moi/").status_code == 405
    anonymous = Client().post("/lich/feed/tao-moi/")
    assert anonymous.status_code == 302 and "/dang-nhap/" in anonymous["Location"]
    assert not CalendarFeed.objects.exists()
    path = feed_path(organiser)
    posted = Client().post(path)
    assert posted.status_code == 405 and posted["Content-Type"] == TEXT


def test_it_never_logs_the_token(place, organiser, caplog, capfd):
    path = feed_path(organiser)
    token = path.removeprefix("/lich/feed/").removesuffix(".ics")
    signed_in(organiser).post("/lich/feed/thu-hoi/")
    with caplog.at_level(logging.INFO):
        assert Client().get(path).status_code == 404
        # runserver's access log line for the same address
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {path} HTTP/1.1", 404, 10)
    assert "Not Found: /lich/feed/….ics" in caplog.text
    assert token not in caplog.text
    assert token not in capfd.readouterr().err


def test_it_answers_errors_on_api_calendars_in_plain_vietnamese(place, programme, organiser):
    course = make_course(place, programme)
    past_sessions(course, 1)
    hidden = other_course(place, programme)
    elsewhere = Organisation.objects.create(
        kind=OrgKind.PARTY_COMMITTEE, name="Đảng ủy xã Đồng Văn", unit=place.other_commune
    )
    api = signed_in(organiser)
    urls = {
        f"/api/v1/courses/{course.pk}/calendar.ics?format=bogus": (404, "định dạng «bogus»"),
        "/api/v1/courses/999999/calendar.ics": (404, "Không tìm thấy lịch này"),
        f"/api/v1/courses/{hidden.pk}/calendar.ics": (404, "Không tìm thấy lịch này"),
        f"/api/v1/organisers/{elsewhere.pk}/calendar.ics": (404, "Không tìm thấy lịch này"),
        "/api/v1/organisers/999999/calendar.ics?format=bogus": (404, "định dạng «bogus»"),
    }
    for url, (status, words) in urls.items():
        response = api.get(url)
        text = response.content.decode()
        assert (response.status_code, response["Content-Type"]) == (status, TEXT), url
        assert words in text and "{" not in text and "ErrorDetail" not in text, text
    assert api.get(f"/api/v1/courses/{course.pk}/calendar.ics").status_code == 200


def test_it_challenges_calendar_apps_for_basic_credentials(place, programme, organiser):
    course = make_course(place, programme)
    past_sessions(course, 1)
    url = f"/api/v1/courses/{course.pk}/calendar.ics"
    anonymous = Client().get(url)
    assert anonymous.status_code == 401 and anonymous["Content-Type"] == TEXT
    assert anonymous["WWW-Authenticate"].startswith("Basic")
    assert "Cần đăng nhập" in anonymous.content.decode()
    basic = Client().get(url, HTTP_AUTHORIZATION="Basic " + _basic("tochuc", "matkhau123"))
    assert len(parsed(basic).events) == 1
    assert Session.objects.count() == 1


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


def test_it_lets_a_trainee_without_grants_subscribe_to_their_own_courses(place, programme):
    course = make_course(place, programme)
    past_sessions(course, 1)
    other = make_course(place, programme, title="Lớp khác")
    past_sessions(other, 1)
    trainee = UserFactory(username="hocvien")
    person = place.holders[0]
    person.user = trainee
    person.save(update_fields=["user"])
    invite(course=course, person=person)
    events = parsed(Client().get(feed_path(trainee))).events
    assert [str(e["SUMMARY"]) for e in events] == [course.title]


def test_it_shows_the_address_only_to_its_owner(place, organiser):
    path = feed_path(organiser)
    colleague = UserFactory(username="dongnghiep")
    grant(colleague, place.commune, Grant.Role.ORGANISER)
    assert path not in signed_in(colleague).get("/lich/").content.decode()
