"""The models whose every create, update and delete is audited, and the fields left out
(keys derived from other fields, timestamps the row keeps itself)."""

from auditlog.registry import auditlog
from django.apps import apps
from django.db.models import Model

# "app_label.Model": fields not recorded.
AUDITED: dict[str, tuple[str, ...]] = {
    "people.Unit": ("name_key", "search_text"),
    "people.UnitPlacement": (),
    "people.UnitLineage": (),
    "people.Organisation": ("search_text",),
    "people.Role": ("label_key",),
    "people.Person": ("name_key", "sort_key", "search_text"),
    "people.Position": ("created_at",),
    "people.Grant": (),
    "training.Programme": (),
    "training.Target": (),
    "training.TargetRule": (),
    "training.Course": ("created_at",),
    "training.Session": (),
    "training.Enrollment": ("created_at",),
    "training.Attendance": ("recorded_at",),
    "training.TrainingRecord": ("created_at",),
    "certificates.Issuer": (),
    "certificates.IssuerName": (),
    "certificates.Certificate": ("created_at",),
    "coverage.IndicatorValue": ("entered_at",),
}
# Many-to-many fields recorded as [before, after] lists of the related rows.
M2M = {"training.Course": {"audience_units"}, "training.TargetRule": {"programmes"}}

# The personal fields of a person (masked, dropped or erased in history).
ID_FIELDS = ("citizen_id", "legacy_id")
ETHNICITY_FIELDS = ("ethnicity",)


def audited_models() -> list[type[Model]]:
    return [apps.get_model(label) for label in AUDITED]


def is_audited(model: type[Model]) -> bool:
    return auditlog.contains(model)


def tracked_fields(model: type[Model], excluded: tuple[str, ...]) -> list[str]:
    """The model's own columns (not reverse relations, not the primary key)."""
    return [
        f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in excluded
    ]


def register_all() -> None:
    for label, excluded in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(
                model,
                include_fields=tracked_fields(model, excluded),
                m2m_fields=M2M.get(label, set()),
            )
