"""Every create, update and delete of the registry, training and certificates is audited: who,
when, from where (page, API, admin, import, command) and what changed, bulk writes included."""

import base64
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from audit.registry import AUDITED, is_audited
from certificates.models import Certificate, Issuer, IssuerName
from certificates.services import revoke_certificate
from coverage.models import Indicator, IndicatorValue
from people.models import (
    Grant,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    Unit,
    UnitLineage,
    UnitPlacement,
)
from people.services import appoint, create_village
from tests.audit.helpers import actions, entries, sources
from tests.certificates.conftest import close_a_course, make_party_issuer
from tests.factories import PersonFactory, UserFactory, grant, role
from tests.training.conftest import make_course, past_sessions
from training import services as training
from training.models import (
    Attendance,
    Course,
    Enrollment,
    Programme,
    Session,
    Target,
    TargetRule,
    TrainingRecord,
)

pytestmark = pytest.mark.django_db
CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE

# The models issue 8 names (targets include their rules; certificates their issuers' names).
NAMED = [
    Unit, UnitPlacement, UnitLineage, Organisation, Person, Position, Grant, Programme, Target,
    TargetRule, Course, Session, Enrollment, Attendance, TrainingRecord, Certificate, Issuer,
    IssuerName,
]  # fmt: skip


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


def test_every_model_the_issue_names_is_audited():
    assert all(is_audited(m) for m in NAMED)
    assert {apps.get_model(label) for label in AUDITED} >= set(NAMED)


def _lifecycle(obj, field: str, value) -> None:  # type: ignore[no-untyped-def]
    setattr(obj, field, value)
    obj.save()
    pk = obj.pk
    obj.delete()
    obj.pk = pk


def test_each_model_gets_a_create_update_and_delete_entry(tree, place_world):
    """Through the ORM, for all of them at once: registration, not a surface (the tests below
    go through the pages, the API, the admin, the imports and the commands)."""
    w = place_world
    unit = Unit(name="Thôn Thử", level="village", kind="thon", edition="local")
    unit.save()
    made = {
        "unit": (unit, "short_name", "Thử"),
        "placement": (UnitPlacement.objects.create(unit=unit, parent=tree.thanh_van), "valid_to",
                      date(2025, 6, 30)),
        "lineage": (UnitLineage.objects.create(old=tree.can_ty, new=tree.nghia_thuan,
                                               kind="part"), "is_default", False),
        "organisation": (Organisation.objects.create(unit=unit, kind=OrgKind.PARTY_CELL,
                                                     name="Chi bộ Thử"), "name", "Chi bộ Thử 2"),
        "person": (PersonFactory(), "phone", "0912345678"),
        "grant": (grant(UserFactory(), tree.quan_ba), "role", Grant.Role.CLERK),
        "programme": (Programme.objects.create(code="thu", title="Thử"), "days", 2),
        "target": (Target.objects.create(code="thu", title="Thử"), "grace_days", 90),
        "rule": (TargetRule.objects.create(target=Target.objects.get(code="nq33-village"),
                                           role=role("front_key_cadre")), "role",
                 role("mass_org_key_cadre")),
        "course": (make_course(w.place, w.programme, title="Lớp thử"), "venue", "Nhà văn hoá"),
        "issuer": (Issuer.objects.create(code="thu", kind="state", number_suffix="T",
                                         place_name="X", signatory_title="A", signatory_name="B"),
                   "place_name", "Y"),
    }  # fmt: skip
    course = made["course"][0]
    session = Session.objects.create(
        course=course, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(hours=2)
    )
    enrollment = Enrollment.objects.create(course=course, person=w.place.holders[0])
    made |= {
        "position": (appoint(person=PersonFactory(), role=role("party_cell_secretary"),
                             organisation=made["organisation"][0], start=date(2024, 1, 1)),
                     "legal_basis",
                     "1-QĐ"),
        "session": (session, "title", "Buổi 1"),
        "attendance": (Attendance.objects.create(session=session, enrollment=enrollment,
                                                 status="present"), "status", "late"),
        "record": (TrainingRecord.objects.create(person=PersonFactory(), programme=w.programme,
                                                 completed_on=date(2024, 5, 1)), "note", "giấy"),
        "issuer_name": (IssuerName.objects.create(issuer=made["issuer"][0], name="Cơ quan"),
                        "name", "Cơ quan 2"),
        "value": (IndicatorValue.objects.create(indicator=Indicator.objects.first(),
                                                unit=tree.thanh_van, year=2024,
                                                value=Decimal(90)), "value", Decimal(95)),
    }  # fmt: skip
    made["enrollment"] = (enrollment, "essay_mark", Decimal("8.5"))
    for key in ["attendance", "enrollment", "session", "course", "record", "position",
                "issuer_name", "issuer", "rule", "target", "programme", "grant", "organisation",
                "placement", "lineage", "value", "person"]:  # fmt: skip
        obj, field, value = made[key]
        _lifecycle(obj, field, value)
        assert actions(obj)[0] == CREATE and UPDATE in actions(obj), key
        assert actions(obj)[-1] == DELETE, key
        changed = [e.changes for e in entries(obj) if e.action == UPDATE]
        assert any(field in c for c in changed), (key, changed)


def test_a_certificate_gets_create_and_update_entries(tree, place_world):
    make_party_issuer()
    closed = close_a_course(unit=tree.nghia_thuan, n=1)
    certificate = Certificate.objects.get(person=closed.people[0])
    assert actions(certificate) == [CREATE]
    revoke_certificate(certificate=certificate, reason="Cấp nhầm", by=None)
    assert entries(certificate)[-1].changes["status"] == ["valid", "revoked"]


# --- surfaces and their sources ------------------------------------------------------------


def basic(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    token = base64.b64encode(f"{user.username}:matkhau123".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def test_the_api_names_a_basic_auth_user_and_its_address(tree):
    clerk = UserFactory(username="nhaplieu")
    grant(clerk, tree.quan_ba, Grant.Role.CLERK)
    client = basic(clerk)
    created = client.post(
        "/api/v1/people/", {"full_name": "Lò Thị Mai", "home_unit": tree.thanh_van.pk},
        format="json", REMOTE_ADDR="10.1.2.3",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    person = Person.objects.get(pk=created.json()["id"])
    client.patch(f"/api/v1/people/{person.pk}/", {"phone": "0912000111"}, format="json")
    create, update = entries(person)
    assert (create.actor, create.remote_addr) == (clerk, "10.1.2.3")
    assert create.additional_data == {
        "source": "api", "path": "/api/v1/people/", "username": "nhaplieu",
    }  # fmt: skip
    assert update.changes == {"phone": ["", "0912000111"]}


def test_the_admin_is_the_source_of_admin_changes(tree, client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    person = PersonFactory(home_unit=tree.thanh_van)
    url = f"/admin/people/person/{person.pk}/change/"
    data = {
        "family_name": person.family_name, "middle_name": person.middle_name,
        "given_name": person.given_name, "full_name": person.full_name,
        "birth_date": "01/01/1980", "sex": "M", "citizen_id": "", "legacy_id": "",
        "phone": "0987654321", "email": "", "home_unit": tree.thanh_van.pk, "user": "",
        "ethnicity": "",
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    client.post(f"/admin/people/person/{person.pk}/delete/", {"post": "yes"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert [e.action for e in entries(person)] == [CREATE, UPDATE, DELETE]
    change, delete = entries(person)[1:]
    assert change.changes == {"phone": ["", "0987654321"]}
    assert (change.additional_data["source"], change.actor) == ("admin", admin)
    assert delete.additional_data["source"] == "admin"


def test_the_attendance_grid_is_logged_in_bulk_from_the_page(
    client, place_world, django_assert_max_num_queries
):
    w = place_world
    course = make_course(w.place, w.programme)
    session = past_sessions(course, 1)[0]
    invited = [training.invite(course=course, person=p) for p in w.place.holders]
    client.force_login(w.organiser)
    url = f"/lop/{course.pk}/buoi/{session.pk}/diem-danh/"
    response = client.post(url, {f"m{e.pk}": "present" for e in invited})
    assert response.status_code == 302
    marks = list(Attendance.objects.filter(session=session))
    assert len(marks) == 2
    for mark in marks:
        (entry,) = entries(mark)
        assert entry.action == CREATE and entry.changes["status"] == [None, "present"]
        assert (entry.additional_data["source"], entry.actor) == ("page", w.organiser)
    course.refresh_from_db()
    assert entries(course)[-1].changes == {"status": ["open", "running"]}
    client.post(url, {f"m{invited[0].pk}": "late"})
    late = Attendance.objects.get(session=session, enrollment=invited[0])
    assert entries(late)[-1].changes == {"status": ["present", "late"]}


def test_closing_a_course_logs_results_records_and_certificates(tree):
    make_party_issuer()
    closed = close_a_course(unit=tree.nghia_thuan, n=2)
    completed = Enrollment.objects.filter(course=closed.course, status="completed")
    for enrollment in completed:
        assert entries(enrollment)[-1].changes["status"] == ["invited", "completed"]
    absent = Enrollment.objects.get(course=closed.course, person=closed.absent)
    assert entries(absent)[-1].changes["status"] == ["invited", "not_completed"]
    for record in TrainingRecord.objects.filter(course=closed.course):
        assert actions(record) == [CREATE]
    certificates = Certificate.objects.filter(course=closed.course)
    assert certificates.count() == 2
    assert all(actions(c) == [CREATE] for c in certificates)


def test_planning_commits_through_a_command_named_with_its_operator(world_for_planning):
    from tests.training.test_planning import run
    from tests.training.test_planning_support import fill_village

    fill_village(world_for_planning.na_ma, ["Thào Mí A", "Thào Mí B"])
    run(
        "--target", "nq33-village", "--unit", "02", "--as-of", "03/03/2025",
        "--start", "09/03/2026", "--capacity", "30", "--days", "1", "--commit",
    )  # fmt: skip
    course = Course.objects.get()
    invited = list(course.enrollments.all())
    assert len(invited) == 2
    for obj in [course, *course.sessions.all(), *invited]:
        entry = entries(obj)[0]
        assert entry.action == CREATE
        assert entry.additional_data["source"] == "command"
        assert entry.additional_data["command"] == "plan_courses"
    from audit.history import Viewer, as_dict

    shown = as_dict(entries(invited[0])[0], Viewer(ids=False, ethnicity=False))
    assert shown["user"].startswith("command plan_courses (")


def test_bulk_certificates_by_command_are_logged(tree):
    make_party_issuer()
    programme = Programme.objects.create(code="bd", title="Bồi dưỡng", has_certificate=True)
    course = Course.objects.create(programme=programme, title="Lớp", status="open", capacity=9)
    start = timezone.now() - timedelta(days=3)
    session = training.add_session(
        course=course, starts_at=start, ends_at=start + timedelta(hours=3)
    ).sessions[0]
    people = [PersonFactory() for _ in range(3)]
    marks = {training.invite(course=course, person=p).pk: "present" for p in people}
    training.record_attendance(session=session, marks=marks)
    with TestCase.captureOnCommitCallbacks(execute=False):
        training.close_course(course=course)  # the certificates are left to the command
    call_command("issue_certificates", "--course", str(course.pk), stdout=StringIO())
    certificates = Certificate.objects.filter(course=course)
    assert certificates.count() == 3
    for certificate in certificates:
        (entry,) = entries(certificate)
        assert entry.additional_data["command"] == "issue_certificates"


def test_load_units_logs_official_units_in_bulk(db):
    call_command("load_units", "--province", "02", stdout=StringIO())
    unit = Unit.objects.get(code="00889", edition="legacy")
    (entry,) = entries(unit)
    assert entry.action == CREATE and entry.changes["name"] == [None, "Xã Thanh Vân"]
    assert entry.additional_data["command"] == "load_units"
    placement = UnitPlacement.objects.filter(unit=unit).get()
    assert actions(placement) == [CREATE]


def test_sources_of_a_village_created_in_a_test_are_system(tree):
    village = create_village(commune=tree.thanh_van, name="Khau Lan")
    assert sources(village) == {"system"}


def test_a_role_of_the_catalogue_is_audited_too(db):
    r = Role.objects.get(code="front_key_cadre")
    r.label = "Cán bộ chủ chốt MTTQ"
    r.save()
    assert entries(r)[-1].changes == {
        "label": ["Cán bộ chủ chốt Ủy ban MTTQ", "Cán bộ chủ chốt MTTQ"]
    }
