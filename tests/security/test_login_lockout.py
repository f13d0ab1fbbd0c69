"""Repeated failed logins lock the username and the address out for a while (django-axes), on
the login page, the admin login and HTTP Basic on the API."""

import base64
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

ATTACKER, OTHER = "203.0.113.7", "198.51.100.20"
LIMIT = 10


def page_login(username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR=ip)
    response = client.post("/dang-nhap/", {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


def admin_login(username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    client = Client(REMOTE_ADDR=ip)
    data = {"username": username, "password": password, "next": "/admin/"}
    response = client.post("/admin/login/", data)
    return response, "_auth_user_id" in client.session


def api_login(username: str, password: str, ip: str):  # type: ignore[no-untyped-def]
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    response = Client(REMOTE_ADDR=ip).get(
        "/api/v1/units/", HTTP_AUTHORIZATION=f"Basic {token}", secure=True
    )
    return response, response.status_code == 200


SURFACES = {"page": page_login, "admin": admin_login, "api": api_login}


@pytest.fixture(autouse=True)
def fast_hashing(settings):  # type: ignore[no-untyped-def]
    # Dozens of logins per test: a cheap hasher keeps the module fast (behaviour is the same).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def users(tree):  # type: ignore[no-untyped-def]
    hoa = UserFactory(username="hoa", is_staff=True)
    lan = UserFactory(username="lan", is_staff=True)
    for user in (hoa, lan):
        grant(user, tree.ha_giang, "administrator")
    return hoa, lan


def fail(surface: str, username: str, ip: str, times: int = LIMIT) -> list:
    return [SURFACES[surface](username, "sai-mat-khau", ip)[0] for _ in range(times)]


def assert_locked(surface: str, response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429
    if surface == "api":
        assert "tạm thời bị khóa" in response.json()["detail"]
    else:
        text = response.content.decode()
        assert "Tạm khóa đăng nhập" in text and "thử lại sau 15 phút" in text


def test_the_settings_lock_out_after_ten_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


@pytest.mark.parametrize("surface", SURFACES)
def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(users, surface):
    first = fail(surface, "hoa", ATTACKER, LIMIT - 1)
    assert all(r.status_code in (200, 401) for r in first), [r.status_code for r in first]
    assert_locked(surface, fail(surface, "hoa", ATTACKER, 1)[0])
    response, signed_in = SURFACES[surface]("hoa", "matkhau123", ATTACKER)
    assert_locked(surface, response)
    assert not signed_in


@pytest.mark.parametrize("surface", SURFACES)
def test_the_username_is_locked_from_every_address_and_the_address_for_every_user(users, surface):
    fail(surface, "hoa", ATTACKER)
    assert_locked(surface, SURFACES[surface]("hoa", "matkhau123", OTHER)[0])
    assert_locked(surface, SURFACES[surface]("lan", "matkhau123", ATTACKER)[0])
    # Another user from another address is not affected.
    response, signed_in = SURFACES[surface]("lan", "matkhau123", OTHER)
    assert signed_in, response.status_code


def test_failures_on_one_surface_count_on_the_others(users):
    fail("page", "hoa", ATTACKER, 4)
    fail("admin", "hoa", OTHER, 3)
    fail("api", "hoa", "192.0.2.1", 3)
    assert_locked("page", page_login("hoa", "matkhau123", "192.0.2.99")[0])


def test_the_lockout_ends_after_the_cool_off(users):
    fail("page", "hoa", ATTACKER)
    assert not page_login("hoa", "matkhau123", ATTACKER)[1]
    # Time travel: the failures happened 16 minutes ago.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert page_login("hoa", "matkhau123", ATTACKER)[1]


def test_tries_during_the_lockout_do_not_extend_it(users):
    fail("page", "hoa", ATTACKER)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10))
    assert_locked("page", fail("page", "hoa", ATTACKER, 3)[-1])
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == LIMIT
    assert attempt.attempt_time < timezone.now() - timedelta(minutes=9)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=6))
    assert page_login("hoa", "matkhau123", ATTACKER)[1]


def test_an_administrator_unlocks_a_username_with_axes_reset_username(users):
    fail("page", "hoa", ATTACKER)
    call_command("axes_reset_username", "hoa")
    assert page_login("hoa", "matkhau123", OTHER)[1]


def test_the_proxy_address_is_not_the_client_address(users, settings):
    # Behind our proxy every request comes from the proxy's address: the client is the last
    # address the proxy appended to X-Forwarded-For, else one attacker would lock everyone.
    settings.BEHIND_TLS_PROXY = True
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(LIMIT):
        Client(**proxy).post(
            "/dang-nhap/",
            {"username": f"khong-co-{_}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.9.9.9, {ATTACKER}",
        )
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).count() == LIMIT
    locked = Client(**proxy).post(
        "/dang-nhap/", {"username": "hoa", "password": "x"}, HTTP_X_FORWARDED_FOR=ATTACKER
    )
    assert_locked("page", locked)
    client = Client(**proxy)
    response = client.post(
        "/dang-nhap/",
        {"username": "lan", "password": "matkhau123"},
        HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {OTHER}",  # a spoofed first entry changes nothing
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_a_forwarded_for_that_is_no_address_falls_back_to_the_connection(users, settings):
    settings.BEHIND_TLS_PROXY = True
    for forwarded in ("unknown", "1.2.3.4, <script>", ""):
        response = Client(REMOTE_ADDR="127.0.0.1").post(
            "/dang-nhap/", {"username": "hoa", "password": "x"}, HTTP_X_FORWARDED_FOR=forwarded
        )
        assert response.status_code == 200
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_test_clients_login_without_a_request_still_works(client, users):
    # client.login() authenticates without a request: axes has nothing to count there.
    assert client.login(username="hoa", password="matkhau123")
    assert not client.login(username="hoa", password="sai")
