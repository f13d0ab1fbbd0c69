"""Walk every URL pattern of the project and every operation of the OpenAPI schema as a user of
one commune, with path and query parameters naming another commune's rows, and assert that
nothing of the other commune comes back and nothing of it changes.

A new endpoint with path parameters fails `test_every_url_pattern_is_walked` until it is given
a filler below: that is how it joins the walk."""

import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from audit.models import ImportBatch
from certificates.models import Certificate, Issuer
from coverage.models import FrozenReport, IndicatorValue
from people.models import Grant, Organisation, Person, Position, Role, Unit, UnitPlacement
from tests.access.conftest import Side, World
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Programme,
    Session,
    Target,
    TrainingRecord,
)

pytestmark = pytest.mark.django_db

Filler = Callable[[Side], dict[str, Any]]


def _job_of(side: Side) -> int:
    """A background job of that side's user (another user must get 404 for it)."""
    from jobs.models import Job

    return Job.objects.get_or_create(kind=Job.Kind.REPORT, owner=side.user)[0].pk


# URL name → its path parameters, filled from one side's rows.
FILL: dict[str, Filler] = {
    "planning:invite_gaps": lambda s: {"pk": s.course.pk},
    "planning:signin_sheet": lambda s: {"session_id": s.session.pk},
    "planning:attendance_template": lambda s: {"session_id": s.session.pk},
    "planning:attendance_upload": lambda s: {"session_id": s.session.pk},
    "training:course_detail": lambda s: {"pk": s.course.pk},
    "training:course_edit": lambda s: {"pk": s.course.pk},
    "training:invite": lambda s: {"pk": s.course.pk},
    "training:confirm_course": lambda s: {"pk": s.course.pk},
    "training:start_course": lambda s: {"pk": s.course.pk},
    "training:close_course": lambda s: {"pk": s.course.pk},
    "training:invitations_pdf": lambda s: {"pk": s.course.pk},
    "training:invitation_pdf": lambda s: {"pk": s.course.pk, "enrollment_pk": s.enrollment.pk},
    "training:invite_file": lambda s: {"pk": s.course.pk},
    "training:add_session": lambda s: {"pk": s.course.pk},
    "training:results": lambda s: {"pk": s.course.pk},
    "training:delete_session": lambda s: {"pk": s.course.pk, "session_pk": s.session.pk},
    "training:attendance": lambda s: {"pk": s.course.pk, "session_pk": s.session.pk},
    "training:enrollment_action": lambda s: {
        "pk": s.course.pk,
        "enrollment_pk": s.enrollment.pk,
        "verb": "cancel",
    },
    "training:override": lambda s: {"pk": s.course.pk, "enrollment_pk": s.enrollment.pk},
    "certificates:detail": lambda s: {"pk": s.certificate.pk},
    "certificates:pdf": lambda s: {"pk": s.certificate.pk},
    "certificates:revoke": lambda s: {"pk": s.certificate.pk},
    "certificates:reissue": lambda s: {"pk": s.certificate.pk},
    "certificates:course_pdf": lambda s: {"course_id": s.course.pk},
    "certificates:course_zip": lambda s: {"course_id": s.course.pk},
    "certificates:course_issue": lambda s: {"course_id": s.course.pk},
    "jobs:detail": lambda s: {"pk": _job_of(s)},
    "jobs:json": lambda s: {"pk": _job_of(s)},
    "jobs:file": lambda s: {"pk": _job_of(s)},
    "coverage:frozen_compare": lambda s: {"pk": s.frozen.pk},
    "coverage:frozen_xlsx": lambda s: {"pk": s.frozen.pk},
    "people:person": lambda s: {"pk": s.person.pk},
    "audit:export": lambda s: {"pk": s.person.pk, "fmt": "json"},
    "audit:erase": lambda s: {"pk": s.person.pk},
    "audit:batch": lambda s: {"pk": s.batch.pk},
    "audit:batch_file": lambda s: {"pk": s.batch.pk},
    "import-batch-detail": lambda s: {"pk": s.batch.pk},
    "import-batch-file": lambda s: {"pk": s.batch.pk},
    # The token is the credential (its owner's courses): the walk tries one nobody holds.
    "training:calendar_feed": lambda s: {"token": "khong-co-ma-nay-" + "x" * 27},
    # API
    "unit-detail": lambda s: {"pk": s.village.pk},
    "organisation-detail": lambda s: {"pk": s.cell.pk},
    "person-detail": lambda s: {"pk": s.person.pk},
    "position-detail": lambda s: {"pk": s.position.pk},
    "course-invite-gaps": lambda s: {"pk": s.course.pk},
    "session-sign-in-sheet": lambda s: {"pk": s.session.pk},
    "course-calendar-file": lambda s: {"pk": s.course.pk},
    "organiser-calendar": lambda s: {"organisation_id": s.body.pk},
    "course-detail": lambda s: {"pk": s.course.pk},
    "course-calendar": lambda s: {"pk": s.course.pk},
    "course-close": lambda s: {"pk": s.course.pk},
    "course-confirm": lambda s: {"pk": s.course.pk},
    "course-start": lambda s: {"pk": s.course.pk},
    "course-invite-file": lambda s: {"pk": s.course.pk},
    "course-schedule": lambda s: {"pk": s.course.pk},
    "session-detail": lambda s: {"pk": s.session.pk},
    "enrollment-detail": lambda s: {"pk": s.enrollment.pk},
    "enrollment-cancel": lambda s: {"pk": s.enrollment.pk},
    "enrollment-confirm": lambda s: {"pk": s.enrollment.pk},
    "enrollment-override": lambda s: {"pk": s.enrollment.pk},
    "training-record-detail": lambda s: {"pk": s.record.pk},
    "certificate-detail": lambda s: {"pk": s.certificate.pk},
    "certificate-pdf": lambda s: {"pk": s.certificate.pk},
    "certificate-reissue": lambda s: {"pk": s.certificate.pk},
    "certificate-revoke": lambda s: {"pk": s.certificate.pk},
    "issuer-detail": lambda s: {"pk": s.issuer.pk},
    # The catalogue is read by every signed-in user: any row will do.
    "role-detail": lambda s: {"pk": Role.objects.order_by("pk").first().pk},  # type: ignore[union-attr]
    "programme-detail": lambda s: {"pk": s.course.programme_id},
    "target-detail": lambda s: {"pk": Target.objects.order_by("pk").first().pk},  # type: ignore[union-attr]
}
# Public by design: anyone holding a certificate's code may read what the certificate states
# (holder's name and birth year included); never the citizen ID or the full birth date.
PUBLIC = {
    "certificates:verify": lambda s: {"code": s.certificate.code},
    "certificate-verify": lambda s: {"code": s.certificate.code},
}
# Patterns with nothing of a commune behind their parameters (a format suffix, the admin's
# catch-all), and POSTs that would end the walking session.
SKIPPED = {"api-root"}
NO_POST = {"logout", "admin:logout", "login", "admin:login", "set_language"}


def _admin_pk(model: type[Model], side: Side) -> Any:
    """The row of `model` the admin pages of the walk open: the other side's, where it has one."""
    rows: dict[type[Model], Model] = {
        Unit: side.village,
        UnitPlacement: UnitPlacement.objects.filter(unit=side.village).first(),  # type: ignore[dict-item]
        Organisation: side.cell,
        Person: side.person,
        Position: side.position,
        Grant: side.grant,
        Course: side.course,
        Session: side.session,
        Enrollment: side.enrollment,
        Attendance: side.attendance,
        TrainingRecord: side.record,
        Certificate: side.certificate,
        Issuer: side.issuer,
        IndicatorValue: side.value,
        FrozenReport: side.frozen,
        ImportBatch: side.batch,
        get_user_model(): side.user,  # type: ignore[dict-item]
    }
    if model in rows:
        return rows[model].pk
    # A model with no row of the other side (or none at all): a row that does not exist, so
    # the page is still opened.
    first = model._default_manager.order_by("pk").first()
    return first.pk if first is not None else 999_999


def _patterns(resolver: URLResolver, ns: str = "") -> Iterator[tuple[str, set[str]]]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, ns + (f"{p.namespace}:" if p.namespace else ""))
        elif isinstance(p, URLPattern) and p.name:
            yield ns + p.name, set(p.pattern.regex.groupindex)


def named_patterns() -> dict[str, set[str]]:
    """Every named URL pattern of the project with its parameters (format variants merged)."""
    found: dict[str, set[str]] = {}
    for name, params in _patterns(get_resolver()):
        params.discard("format")
        found.setdefault(name, params)
        if len(params) < len(found[name]):
            found[name] = params
    return found


def _admin_url(name: str, params: set[str], side: Side) -> str | None:
    """admin:<app>_<model>_<view> with the other side's row of that model."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            pk = _admin_pk(model, side)
            kwargs = {"object_id": pk} if "object_id" in params else {"id": pk}
            return reverse(name, kwargs=kwargs)
    if name == "admin:app_list":
        return reverse(name, kwargs={"app_label": "people"})
    if name == "admin:view_on_site":
        return None  # needs a content type id and an object: none of our models has a site URL
    return None


def urls_for(side: Side) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, url) of every walked page, and the names of patterns nobody knows how to fill."""
    walked, unknown = [], []
    for name, params in sorted(named_patterns().items()):
        if name in SKIPPED or name in PUBLIC:
            continue
        if not params:
            walked.append((name, reverse(name)))
        elif name.startswith("admin:"):
            url = _admin_url(name, params, side)
            if url is None and name not in ("admin:view_on_site",):
                unknown.append(name)
            elif url is not None:
                walked.append((name, url))
        elif name in FILL:
            walked.append((name, reverse(name, kwargs=FILL[name](side))))
        else:
            unknown.append(name)
    return walked, unknown


def text_of(response: Any) -> str:
    """Everything a user could read in a response: pages, JSON, and the files inside
    spreadsheets, PDFs and ZIP archives."""
    raw = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    return _text(raw, response.get("Content-Type", ""))


def _text(raw: bytes, kind: str) -> str:
    if raw.startswith(b"%PDF"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(raw)).pages)
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if "xl/workbook.xml" in archive.namelist():
                book = load_workbook(io.BytesIO(raw), read_only=True)
                return "\n".join(
                    " ".join(str(c) for c in row if c is not None)
                    for sheet in book.worksheets
                    for row in sheet.iter_rows(values_only=True)
                )
            names = "\n".join(archive.namelist())
            return names + "\n".join(_text(archive.read(n), "") for n in archive.namelist())
    text = raw.decode("utf-8", errors="replace")
    if "json" in kind:
        try:  # \u escapes would hide Vietnamese names from a plain search
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def leaks(text: str, side: Side) -> list[str]:
    return [m for m in side.markers if m.casefold() in text.casefold()]


def query_variants(side: Side) -> list[dict[str, Any]]:
    """Query strings naming the other side's rows, one parameter at a time (filters AND-ed
    together would hide a leak behind an empty result)."""
    return [
        {},
        {"unit": side.commune.pk},
        {"unit": side.village.pk},
        {"area_of": side.commune.pk},
        {"course": side.course.pk},
        {"course": Course.objects.get(title="Lớp ghép hai xã").pk},
        {"person": side.person.pk},
        {"organisation": side.cell.pk},
        {"session": side.session.pk},
        {"enrollment": side.enrollment.pk},
        {"issuer": side.issuer.pk},
        {"don_vi": side.commune.pk},
        {"q": side.person.given_name},
    ]


def foreign_body(side: Side) -> dict[str, Any]:
    """A form or JSON body naming the other side's rows in every field a write could take."""
    return {
        "person": side.person.pk,
        "course": side.course.pk,
        "session": side.session.pk,
        "enrollment": side.enrollment.pk,
        "organisation": side.cell.pk,
        "organiser": side.body.pk,
        "unit": side.commune.pk,
        "home_unit": side.village.pk,
        "parent": side.commune.pk,
        "venue_unit": side.commune.pk,
        "record": side.record.pk,
        "training_record": side.record.pk,
        "issuer": side.issuer.pk,
        "role": "party_cell_secretary",
        "programme": side.course.programme.code,
        "full_name": "Người thử",
        "name": "Tên thử",
        "title": "Lớp thử",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "completed_on": "2025-01-01",
        "reason": "thử",
        "completed": "true",
        "status": "absent",
        "note": "thử",
        "username": "ke_tan_cong",
        "password": "matkhau12345",
        f"m{side.enrollment.pk}": "absent",
        "post": "yes",
    }


WATCHED: list[type[Model]] = [
    Unit, UnitPlacement, Organisation, Person, Position, Grant, Role, Programme, Target, Course,
    Session, Enrollment, Attendance, TrainingRecord, Certificate, Issuer, IndicatorValue,
    FrozenReport, ImportBatch,
]  # fmt: skip


def fingerprint() -> dict[str, list[dict[str, Any]]]:
    """Every watched row as it is: a walk that changes any of them has written something."""
    users = list(get_user_model().objects.order_by("pk").values("pk", "username", "is_staff"))
    return {
        "users": users,
        "history": [LogEntry.objects.count()],  # type: ignore[dict-item]
        **{m.__name__: list(m._default_manager.order_by("pk").values()) for m in WATCHED},
    }


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _check(response: Any, where: str, side: Side, echo: str = "") -> None:
    """No 500 and no row of `side`; `echo` is a searched text the page may repeat back."""
    assert response.status_code < 500, f"{where}: {response.status_code}"
    text = text_of(response)
    found = leaks(text.replace(echo, "") if echo else text, side)
    assert not found, f"{where} shows {found}"


ATTACKERS = ["clerk_of_old_commune", "organiser_of_new_commune"]


@pytest.fixture(params=ATTACKERS)
def attacker(request, world: World, new_commune_organiser: Any) -> Any:  # type: ignore[no-untyped-def]
    if request.param == "clerk_of_old_commune":
        return world.ours.user
    return new_commune_organiser


def test_every_url_pattern_is_walked(world: World) -> None:
    walked, unknown = urls_for(world.theirs)
    assert not unknown, f"give these URL patterns a filler in tests/access/test_walk.py: {unknown}"
    assert len(walked) > 200  # the admin's pages, every app's pages, the API


def test_no_page_shows_or_changes_another_communes_rows(world: World, attacker: Any) -> None:
    theirs = world.theirs
    client = signed_in(attacker)
    walked, _ = urls_for(theirs)
    paramless = {name for name, params in named_patterns().items() if not params}
    before = fingerprint()
    for name, url in walked:
        # Query strings on lists and forms; a page of one row is already named by its path.
        variants = query_variants(theirs) if name in paramless else [{}]
        for params in variants:
            echo = str(params.get("q", ""))
            _check(client.get(url, params), f"GET {url} {params}", theirs, echo)
        if name not in NO_POST:
            _check(client.post(url, foreign_body(theirs)), f"POST {url}", theirs)
    assert fingerprint() == before


def test_public_pages_state_the_certificate_and_nothing_personal(world: World) -> None:
    theirs = world.theirs
    client = Client()
    for name, fill in PUBLIC.items():
        text = text_of(client.get(reverse(name, kwargs=fill(theirs))))
        assert theirs.certificate.number in text
        for private in (theirs.person.citizen_id, "17/09/1977", "1977-09-17", "0912000"):
            assert private not in text, (name, private)


# --- the API, operation by operation, from its OpenAPI schema -------------------------------

PATH_ROWS: dict[str, Callable[[Side], Any]] = {
    "units": lambda s: s.village.pk,
    "organisations": lambda s: s.cell.pk,
    "people": lambda s: s.person.pk,
    "positions": lambda s: s.position.pk,
    "courses": lambda s: s.course.pk,
    "sessions": lambda s: s.session.pk,
    "enrollments": lambda s: s.enrollment.pk,
    "training-records": lambda s: s.record.pk,
    "certificates": lambda s: s.certificate.pk,
    "issuers": lambda s: s.issuer.pk,
    "organisers": lambda s: s.body.pk,
    "import-batches": lambda s: s.batch.pk,
    "verify": lambda s: s.certificate.code,
    "roles": lambda s: Role.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
    "programmes": lambda s: s.course.programme_id,
    "targets": lambda s: Target.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
}
# Rows every signed-in user may read (the catalogue, the issuers printed on certificates) and
# the public verification: their detail pages answer 200.
READABLE = {"roles", "programmes", "targets", "issuers", "verify"}
QUERY_ROWS: dict[str, Callable[[Side], Any]] = {
    "course": lambda s: [s.course.pk, Course.objects.get(title="Lớp ghép hai xã").pk],
    "person": lambda s: s.person.pk,
    "organisation": lambda s: s.cell.pk,
    "organiser": lambda s: s.body.pk,
    "unit": lambda s: s.commune.code,
    "area_of": lambda s: s.commune.code,
    "within": lambda s: s.commune.pk,
    "parent": lambda s: s.commune.pk,
    "session": lambda s: s.session.pk,
    "enrollment": lambda s: s.enrollment.pk,
    "issuer": lambda s: s.issuer.pk,
    "code": lambda s: s.commune.code,
    "search": lambda s: s.person.given_name,
    "object": lambda s: [f"people.person:{s.person.pk}", f"training.course:{s.course.pk}"],
    "q": lambda s: s.person.given_name,
}


def operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    found = []
    for path, item in schema.json()["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((path, method, operation))
    return found


def _path(path: str, side: Side) -> tuple[str, str]:
    """The path with its parameters naming the other side's rows, and its resource."""
    resource = path.split("/")[3]
    if "{" in path:
        assert resource in PATH_ROWS, f"give {path} a row in PATH_ROWS (tests/access/test_walk.py)"
        path = re.sub(r"\{[^}]+\}", str(PATH_ROWS[resource](side)), path)
    return path, resource


def test_no_api_operation_shows_or_changes_another_communes_rows(
    world: World, attacker: Any
) -> None:
    theirs = world.theirs
    client = signed_in(attacker)
    ops = operations(client)
    assert len(ops) > 50
    before = fingerprint()
    for path, method, operation in ops:
        url, resource = _path(path, theirs)
        names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        if resource == "verify":
            continue  # public by design: test_public_pages_state_the_certificate_...
        if method == "get":
            response = client.get(url)
            _check(response, f"GET {url}", theirs)
            if "{" in path and resource not in READABLE:
                assert response.status_code in (403, 404), f"GET {url}: {response.status_code}"
            for name in sorted(names & set(QUERY_ROWS)):
                values = QUERY_ROWS[name](theirs)
                for value in values if isinstance(values, list) else [values]:
                    echo = str(value) if name in ("q", "search") else ""
                    _check(
                        client.get(url, {name: value}), f"GET {url} {name}={value}", theirs, echo
                    )
            continue
        body = foreign_body(theirs)
        if resource == "attendance":
            body = [{"session": theirs.session.pk, "enrollment": theirs.enrollment.pk,
                     "status": "absent"}]  # type: ignore[assignment]  # fmt: skip
        response = getattr(client, method)(url, body, content_type="application/json")
        _check(response, f"{method.upper()} {url}", theirs)
        assert response.status_code >= 400, f"{method.upper()} {url}: {response.status_code}"
    assert fingerprint() == before


def test_the_walk_would_see_its_own_rows(world: World) -> None:
    """The walk is not blind: the same pages show the walker's own commune."""
    ours = world.ours
    client = signed_in(ours.user)
    for url in (
        "/danh-ba/",
        f"/lop/{ours.course.pk}/",
        f"/giay-chung-nhan/{ours.certificate.pk}/",
        f"/api/v1/people/{ours.person.pk}/",
        f"/api/v1/certificates/?course={ours.course.pk}",
        f"/admin/people/person/{ours.person.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert leaks(text_of(response), ours), url
