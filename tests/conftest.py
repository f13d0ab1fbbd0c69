"""Shared fixtures: a small two-edition tree that mirrors the 2025 reorganisation.

Legacy (until 30/06/2025): Tỉnh Hà Giang > Huyện Quản Bạ > Xã Thanh Vân (00889), Xã Cán Tỷ (00880)
2025 edition (from 01/07/2025): Tỉnh Tuyên Quang > Xã Nghĩa Thuận (00889, merged from Thanh Vân)
                                                 > Xã Cán Tỷ mới (00883, merged from Cán Tỷ)
"""

import importlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from people.models import Level, Unit, UnitLineage
from tests.factories import make_unit

LEGACY_END = date(2025, 6, 30)
REFORM = date(2025, 7, 1)


@dataclass
class Tree:
    ha_giang: Unit
    quan_ba: Unit
    thanh_van: Unit
    can_ty: Unit
    tuyen_quang: Unit
    nghia_thuan: Unit
    can_ty_new: Unit


SEEDS = (
    ("people.migrations.0003_seed_roles", "people", "Role"),
    ("training.migrations.0002_seed_catalogue", "training", "Programme"),
    ("coverage.migrations.0002_seed_indicators", "coverage", "Indicator"),
)


@pytest.fixture(scope="session", autouse=True)
def private_media(tmp_path_factory) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Files the code writes (certificate PDFs, job files, kept uploads) go to a folder of this
    test run's own: never the project's media/, and never another worker's (pytest-xdist runs
    several at once, each numbering its certificates from 1)."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def seeded_catalogues(request) -> None:  # type: ignore[no-untyped-def]
    """The catalogues seeded by data migrations (roles, programmes, targets, indicators).

    A transactional test (live server, threads) ends with a flush that empties them; the next
    test gets them back here. This replaces serialized rollback, which clashes with the content
    types Django recreates after a flush."""
    names = request.fixturenames  # every fixture the test uses, directly or not
    if request.node.get_closest_marker("django_db") is None:
        # The database comes through a fixture (e.g. `tree(db)`): open it first, as the
        # marker does. Under pytest-xdist such a test may run right after a flush.
        wanted = [n for n in ("transactional_db", "db") if n in names]
        if not wanted:
            return
        request.getfixturevalue(wanted[0])
    restore_catalogues()


def restore_catalogues() -> None:
    """Seed again what a flush removed (also for module-scoped fixtures that write rows)."""
    from django.apps import apps

    for module, app, model in SEEDS:
        if not apps.get_model(app, model).objects.exists():
            importlib.import_module(module).seed(apps, None)


@pytest.fixture
def tree(db) -> Tree:  # type: ignore[no-untyped-def]
    K, E = Unit.Kind, Unit.Edition
    legacy = {"edition": E.LEGACY, "valid_to": LEGACY_END}
    modern = {"edition": E.E2025, "valid_from": REFORM}
    hg = make_unit(name="Tỉnh Hà Giang", level=Level.PROVINCE, kind=K.TINH, code="02", **legacy)
    qb = make_unit(
        name="Huyện Quản Bạ", level=Level.DISTRICT, kind=K.HUYEN, code="027", parent=hg, **legacy
    )
    tv = make_unit(
        name="Xã Thanh Vân", level=Level.COMMUNE, kind=K.XA, code="00889", parent=qb, **legacy
    )
    ct = make_unit(
        name="Xã Cán Tỷ", level=Level.COMMUNE, kind=K.XA, code="00880", parent=qb, **legacy
    )
    tq = make_unit(name="Tỉnh Tuyên Quang", level=Level.PROVINCE, kind=K.TINH, code="08", **modern)
    nt = make_unit(
        name="Xã Nghĩa Thuận", level=Level.COMMUNE, kind=K.XA, code="00889", parent=tq, **modern
    )
    ct2 = make_unit(
        name="Xã Cán Tỷ", level=Level.COMMUNE, kind=K.XA, code="00883", parent=tq, **modern
    )
    UnitLineage.objects.create(old=tv, new=nt, kind=UnitLineage.Kind.WHOLE)
    UnitLineage.objects.create(old=ct, new=ct2, kind=UnitLineage.Kind.WHOLE)
    return Tree(hg, qb, tv, ct, tq, nt, ct2)


# ---- A real Chromium (Debian's package) driven by Playwright against Django's live server.
# Defined once here: a second sync Playwright in the same thread would fail.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM guard must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it with apt-get as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh page; `page.base_url` is the live server's address."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login(page):  # type: ignore[no-untyped-def]
    """login(user) signs `user` in through the real login form (password 'matkhau123')."""

    def sign_in(user) -> None:  # type: ignore[no-untyped-def]
        page.goto(page.base_url + "/dang-nhap/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", "matkhau123")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert page.url == page.base_url + "/", page.url

    return sign_in
