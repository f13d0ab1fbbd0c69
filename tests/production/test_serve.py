"""The production server as `make serve` runs it: gunicorn with config/gunicorn.py, DEBUG off,
static files collected (hashed, pre-compressed) and served by whitenoise, pages compressed.

It runs in its own processes on a fresh database (migrated by `manage.py migrate`, as on a new
machine) and is spoken to over real HTTP on loopback, as nginx would (X-Forwarded-Proto)."""

import gzip
import http.client
import multiprocessing
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import brotli
import pytest
from django.conf import settings as django_settings

from tests.fresh_db import fresh_database

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
BASE_DIR = Path(django_settings.BASE_DIR)
PASSWORD = "mat-khau-san-xuat-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    port: int
    static_root: Path
    log: Path
    env: dict[str, str]
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, *, https: bool = True, body: str = "", **headers: str
    ) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": f"127.0.0.1:{self.port}"} | headers
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, data


def run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.fixture(scope="module")
def server(tmp_path_factory, django_db_setup, django_db_blocker) -> Iterator[Server]:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("production")
    port = free_port()
    with django_db_blocker.unblock(), fresh_database(tmp, "serve") as (url, _):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "False",
            "SECRET_KEY": "khoa-bi-mat-chi-dung-cho-phep-thu-san-xuat-" + "x" * 20,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": f"https://127.0.0.1:{port}",
            "STATIC_ROOT": str(tmp / "static"),
            "MEDIA_ROOT": str(tmp / "media"),
            "BIND": f"127.0.0.1:{port}",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        env.pop("WEB_CONCURRENCY", None)
        run(env, "migrate", "--no-input")
        run(env, "collectstatic", "--no-input", "--verbosity", "0")
        run(env, "createsuperuser", "--no-input", "--username", "quantri", "--email", "q@x.vn")
        log = tmp / "gunicorn.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.py"]
                + ["config.wsgi"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
            server = Server(port, tmp / "static", log, env)
            # The master listens before its workers have loaded Django: wait for an answer.
            while server.request("GET", "/dang-nhap/")[0].status != 200:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            server.cookies.clear()
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


def test_it_serves_compressed_pages_and_hashed_precompressed_static_files(server):
    response, body = server.request("GET", "/dang-nhap/", **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(body).decode()
    assert "Đăng nhập" in page
    # The stylesheet has a content-hashed name, so browsers may keep it for a year.
    href = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page)
    assert href, page[:2000]
    response, body = server.request("GET", href.group(1), **{"Accept-Encoding": "br, gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "immutable" in response.headers["Cache-Control"]
    collected = server.static_root / href.group(1).removeprefix("/static/")
    assert brotli.decompress(body) == collected.read_bytes()
    assert (collected.parent / (collected.name + ".br")).exists()
    # A client that cannot inflate gets the page as it is.
    response, body = server.request("GET", "/dang-nhap/")
    assert "Content-Encoding" not in response.headers
    assert "Đăng nhập" in body.decode()


def test_it_signs_in_behind_the_tls_proxy_and_redirects_plain_http(server):
    response, _ = server.request("GET", "/dang-nhap/", https=False)
    assert response.status == 301
    assert response.headers["Location"] == f"https://127.0.0.1:{server.port}/dang-nhap/"

    server.cookies.clear()
    server.request("GET", "/dang-nhap/")
    token = server.cookies["csrftoken"]
    form = {"username": "quantri", "password": PASSWORD, "csrfmiddlewaretoken": token}
    response, _ = server.request(
        "POST",
        "/dang-nhap/",
        body=urlencode(form),
        **{
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://127.0.0.1:{server.port}",
        },
    )
    assert response.status == 302, response.headers
    assert "sessionid" in server.cookies
    response, body = server.request("GET", "/")
    assert response.status == 200
    assert "quantri" in body.decode()


def test_its_log_hides_feed_tokens_and_it_runs_a_worker_per_core(server):
    secret = "bimatcualich12345"
    response, _ = server.request("GET", f"/lich/feed/{secret}.ics")
    assert response.status == 404
    deadline = time.monotonic() + 10
    while "/lich/feed/" not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    log = server.log.read_text()
    assert "/lich/feed/….ics" in log
    assert secret not in log
    booted = len(re.findall(r"Booting worker with pid", log))
    assert booted >= multiprocessing.cpu_count() * 2 + 1


def test_the_bounded_load_test_runs_against_it_and_stops_by_itself(server, tmp_path):
    env = dict(server.env)
    token = subprocess.run(
        [sys.executable, "manage.py", "drf_create_token", "quantri"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.split()[2]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "locust"), "-f", "tests/load/locustfile.py"]
        + ["--headless", "--host", f"http://127.0.0.1:{server.port}", "--users", "4"]
        + ["--spawn-rate", "4", "--run-time", "8s", "--only-summary"],
        cwd=BASE_DIR,
        env=env | {"LOAD_TOKEN": token, "LOAD_P95_MS": "5000"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    verdict = re.search(r"requests=(\d+) failures=(\d+) p95_ms=(\d+)", done.stdout + done.stderr)
    assert verdict, done.stderr[-2000:]
    assert int(verdict.group(1)) > 0
    assert verdict.group(2) == "0"
    # A wrong token fails every request, and the run says so.
    wrong = subprocess.run(
        done.args, cwd=BASE_DIR, env=env | {"LOAD_TOKEN": "sai"}, capture_output=True, timeout=120
    )
    assert wrong.returncode == 1
