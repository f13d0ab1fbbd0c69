"""Django admin of the registry, in Vietnamese.

Every class asks the access policy (access.admin.PolicyAdmin): non-superusers see, choose and
change only what lies inside the units they were granted, with the role that allows it. Search is
accent-insensitive through the folded `search_text` columns ("Quan Ba" finds "Quản Bạ").
Appointments go through people.services, whose PeopleError shows as a form error."""

from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest

from access.admin import PolicyAdmin
from access.policy import can_read_ethnicity, can_read_ids, granted_unit_ids, is_unrestricted
from access.scopes import visible
from access.services import AccessError, grant_access
from audit.admin import erase_people
from people import services
from people.ids import ID_IN_URL, holds_number, mask
from people.models import (
    Grant,
    Level,
    Organisation,
    OrgKind,
    Person,
    Position,
    Role,
    Unit,
    UnitAncestry,
    UnitLineage,
    UnitPlacement,
)
from people.text import clean, fold


def column(path: str, title: str) -> Callable[[Any], Any]:
    """A list column reaching `path` (a__b), titled in Vietnamese."""

    @admin.display(description=title, ordering=path)
    def show(obj: Model) -> Any:
        value: Any = obj
        for part in path.split("__"):
            value = getattr(value, part)
        return value

    return show


def titled(title: str, base: type = admin.FieldListFilter) -> type:
    """A field list filter with a Vietnamese title (for fields without a verbose name)."""

    class Titled(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


PLACEMENT_LABELS = {
    "unit": "đơn vị",
    "parent": "đơn vị cha",
    "valid_from": "từ ngày",
    "valid_to": "đến ngày",
}


def _inside(unit_id: str | None) -> QuerySet:
    """Ids of units below `unit_id` on any date (the admin filters are not dated)."""
    return UnitAncestry.objects.filter(ancestor_id=int(unit_id or 0)).values("descendant_id")


def _unit_label(unit: Unit) -> str:
    old = " — trước 01/07/2025" if unit.edition == Unit.Edition.LEGACY else ""
    code = f" ({unit.code})" if unit.code else ""
    return f"{unit.name}{code}{old}"


class UnitListFilter(admin.SimpleListFilter):
    """Provinces (and granted units); once one is chosen, its communes too."""

    title = "đơn vị (tỉnh, xã)"
    parameter_name = "don_vi"
    unit_path = "unit"  # from the listed model to its Unit

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        visible_units = visible(request.user, Unit)
        roots = visible_units.filter(
            Q(level=Level.PROVINCE) | Q(pk__in=granted_unit_ids(request.user))
        ).order_by("edition", "name")
        choices = [(str(u.pk), _unit_label(u)) for u in roots]
        if self.value():
            choices += [(str(u.pk), f"— {_unit_label(u)}") for u in self._communes(visible_units)]
        return choices

    def _communes(self, visible: QuerySet) -> QuerySet:
        """Communes of the province the chosen unit is (or lies) in."""
        above = UnitAncestry.objects.filter(
            descendant_id=int(self.value() or 0), ancestor__level=Level.PROVINCE
        ).values("ancestor_id")
        provinces = Unit.objects.filter(Q(pk__in=above) | Q(pk=self.value(), level=Level.PROVINCE))
        inside = UnitAncestry.objects.filter(ancestor__in=provinces).values("descendant_id")
        return visible.filter(level=Level.COMMUNE, pk__in=inside).order_by("name")

    def value(self) -> str | None:
        raw = super().value()
        return raw if raw and str(raw).isdigit() else None

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        return queryset.filter(**{f"{self.unit_path}__in": _inside(self.value())})


class UnitOwnFilter(UnitListFilter):
    unit_path = "pk"


class OrganisationUnitFilter(UnitListFilter):
    unit_path = "organisation__unit"


class PersonUnitFilter(UnitListFilter):
    """People registered in, or holding a position in, the chosen unit."""

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if not self.value():
            return queryset
        inside = _inside(self.value())
        serving = Position.objects.filter(organisation__unit__in=inside).values("person_id")
        return queryset.filter(Q(home_unit__in=inside) | Q(pk__in=serving))


class RegistryAdmin(PolicyAdmin):
    """Scoped lists and choices (PolicyAdmin), accent-insensitive search."""

    folded_search_fields: tuple[str, ...] = ()
    exact_search_fields: tuple[str, ...] = ()

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        folded, exact = fold(search_term), search_term.strip()
        if not folded:
            return queryset, False
        match = Q()
        for field in self.folded_search_fields:
            match |= Q(**{f"{field}__contains": folded})
        for field in self.exact_search_fields:
            match |= Q(**{field: exact})
        return queryset.filter(match), False


class PlacementForm(forms.ModelForm):
    class Meta:
        model = UnitPlacement
        fields = ["unit", "parent", "valid_from", "valid_to"]
        labels = PLACEMENT_LABELS


class PlacementInline(admin.TabularInline):
    model = UnitPlacement
    form = PlacementForm
    fk_name = "unit"
    extra = 0
    autocomplete_fields = ["parent"]
    verbose_name = "đơn vị cha"
    verbose_name_plural = "đơn vị cha theo thời gian"


@admin.register(Unit)
class UnitAdmin(RegistryAdmin):
    list_display = ["name", "code", "level", "kind", "edition", "valid_from", "valid_to"]
    list_filter = ["level", "kind", "edition", UnitOwnFilter]
    search_fields = ["search_text"]  # shows the search box; the search itself is folded
    folded_search_fields = ("search_text",)
    exact_search_fields = ("code",)
    fields = ["name", "short_name", "code", "level", "kind", "edition", "valid_from", "valid_to"]
    readonly_fields = ["edition"]
    inlines = [PlacementInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Official units come from `load_units`, villages from rosters (create_village).
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return is_unrestricted(request.user) and super().has_delete_permission(request, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        moved = {"valid_from", "valid_to"} & set(form.changed_data)
        if moved or any(formset.has_changed() for formset in formsets):
            services.rebuild_ancestry([form.instance])  # the closure table follows the tree


@admin.register(UnitPlacement)
class UnitPlacementAdmin(RegistryAdmin):
    form = PlacementForm
    list_display = [
        column("unit", "đơn vị"),
        column("parent", "đơn vị cha"),
        column("valid_from", "từ ngày"),
        column("valid_to", "đến ngày"),
    ]
    list_select_related = ["unit", "parent"]
    list_filter = [UnitListFilter]
    search_fields = ["unit__search_text"]
    folded_search_fields = ("unit__search_text", "parent__search_text")
    autocomplete_fields = ["unit", "parent"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.rebuild_ancestry([obj.unit])

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        unit = obj.unit
        super().delete_model(request, obj)
        services.rebuild_ancestry([unit])


class LineageForm(forms.ModelForm):
    class Meta:
        model = UnitLineage
        fields = ["old", "new", "kind", "is_default", "effective"]
        labels = {
            "old": "đơn vị cũ",
            "new": "đơn vị mới",
            "kind": "cách sắp xếp",
            "is_default": "nhận thôn của đơn vị cũ",
            "effective": "ngày hiệu lực",
        }
        help_texts = {"is_default": "Các thôn của đơn vị cũ chuyển về đơn vị mới này"}


@admin.register(UnitLineage)
class UnitLineageAdmin(RegistryAdmin):
    form = LineageForm
    list_display = [
        column("old", "đơn vị cũ"),
        column("new", "đơn vị mới"),
        column("get_kind_display", "cách sắp xếp"),
        column("is_default", "nhận thôn của đơn vị cũ"),
        column("effective", "ngày hiệu lực"),
    ]
    list_select_related = ["old", "new"]
    list_filter = [("kind", titled("cách sắp xếp", admin.ChoicesFieldListFilter))]
    search_fields = ["old__search_text"]
    folded_search_fields = ("old__search_text", "new__search_text")
    autocomplete_fields = ["old", "new"]


@admin.register(Organisation)
class OrganisationAdmin(RegistryAdmin):
    list_display = ["name", "kind", "unit", "start", "end"]
    list_select_related = ["unit"]
    list_filter = ["kind", UnitListFilter]
    search_fields = ["search_text"]
    folded_search_fields = ("search_text", "unit__search_text")
    autocomplete_fields = ["unit"]


class RoleForm(forms.ModelForm):
    org_kinds = forms.MultipleChoiceField(
        label="loại tổ chức",
        choices=OrgKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Role
        fields = [
            "code", "label", "org_kinds", "level", "single_seat", "min_holders", "is_head",
            "order",
        ]  # fmt: skip
        labels = {"order": "thứ tự"}


@admin.register(Role)
class RoleAdmin(PolicyAdmin):
    """The role catalogue is data: an administrator decides who counts as a key cadre."""

    form = RoleForm
    list_display = ["label", "code", "level", "single_seat", "min_holders", "is_head", "order"]
    list_editable = ["order"]
    list_filter = ["level", "single_seat"]
    search_fields = ["label", "code"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # A dozen rows: folding in Python is simpler than a folded column.
        folded = fold(search_term)
        if not folded:
            return queryset, False
        hits = [r.pk for r in queryset if folded in fold(r.label) or folded in r.code]
        return queryset.filter(pk__in=hits), False


PERSON_FIELDS = [f.name for f in dataclass_fields(services.PersonData)]


class PersonForm(forms.ModelForm):
    """Checks a person the way people.services does (citizen ID against sex and birth year)."""

    class Meta:
        model = Person
        fields = [
            "family_name", "middle_name", "given_name", "full_name", "birth_date", "sex",
            "ethnicity", "citizen_id", "legacy_id", "phone", "email", "home_unit", "user",
        ]  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = {n: getattr(self.instance, n) for n in PERSON_FIELDS} | {
            n: cleaned[n] for n in PERSON_FIELDS if n in cleaned
        }
        values = {k: "" if v is None and k != "birth_date" else v for k, v in values.items()}
        data = services.PersonData(**values)
        for field, problem in data.normalised().problems().items():
            self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(Person)
class PersonAdmin(RegistryAdmin):
    form = PersonForm
    list_display = ["full_name", "birth_date", "sex", "masked_citizen_id", "home_unit"]
    list_select_related = ["home_unit"]
    list_filter = ["sex", PersonUnitFilter]
    search_fields = ["search_text"]
    folded_search_fields = ("search_text",)
    autocomplete_fields = ["home_unit", "user"]
    readonly_fields = ["masked_citizen_id"]
    actions = [erase_people]

    @admin.display(description="số CCCD")
    def masked_citizen_id(self, obj: Person) -> str:
        return (obj.citizen_id or "") if self._show_ids else mask(obj.citizen_id)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        self._show_ids = can_read_ids(request.user)  # once per page, not per row
        return super().changelist_view(request, extra_context)

    def get_fields(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        self._show_ids = can_read_ids(request.user)
        fields = list(PersonForm.Meta.fields)
        if not self._show_ids:
            fields[fields.index("citizen_id")] = "masked_citizen_id"
            fields.remove("legacy_id")
        if not can_read_ethnicity(request.user):
            fields.remove("ethnicity")  # sensitive personal data (Decree 356/2025)
        if not is_unrestricted(request.user):
            fields.remove("user")  # a trainee account is linked through «Phân quyền»
        return fields

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        if holds_number(search_term):  # never an ID in the URL: the POST form above the list
            messages.warning(request, ID_IN_URL)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


class _DryRun(Exception):
    """Rolls a trial run of a service back."""


def _try(action: Callable[[], object]) -> None:
    """Run a service and undo it: the form shows its PeopleError; save_model runs it for real."""
    try:
        with transaction.atomic():
            action()
            raise _DryRun
    except _DryRun:
        pass


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["person", "role", "organisation", "start", "end", "legal_basis"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            _try(self.apply)
        except services.PeopleError as e:
            raise forms.ValidationError(str(e)) from e
        return cleaned

    def apply(self) -> Position:
        """The service call this form stands for: appoint, or end the position."""
        c, position = self.cleaned_data, self.instance
        if position.pk is None:
            return services.appoint(
                person=c["person"], role=c["role"], organisation=c["organisation"],
                start=c["start"], end=c.get("end"), legal_basis=c.get("legal_basis", ""),
            )  # fmt: skip
        if c.get("end"):
            services.end_position(position=position, end=c["end"])
        else:
            self._check_reopening(position)
            position.end = None
        position.legal_basis = clean(c.get("legal_basis", ""))
        position.save(update_fields=["end", "legal_basis"])
        return position

    def _check_reopening(self, position: Position) -> None:
        others = services.overlapping_positions(
            role=position.role, organisation=position.organisation, start=position.start,
            end=None, person=position.person,
        )  # fmt: skip
        clash = cast(QuerySet[Position], others).exclude(pk=position.pk).first()
        if clash:
            raise services.PeopleError(
                f"Không thể bỏ ngày kết thúc: {clash.person.full_name} giữ chức danh này "
                f"từ {clash.start:%d/%m/%Y}"
            )


@admin.register(Position)
class PositionAdmin(RegistryAdmin):
    form = PositionForm
    list_display = ["person", "role", "organisation", "unit_name", "start", "end", "legal_basis"]
    list_select_related = ["person", "role", "organisation__unit"]
    list_filter = ["role", OrganisationUnitFilter]
    search_fields = ["person__search_text"]
    folded_search_fields = ("person__search_text", "organisation__search_text")
    autocomplete_fields = ["person", "organisation"]
    date_hierarchy = "start"

    @admin.display(description="đơn vị", ordering="organisation__unit__name")
    def unit_name(self, obj: Position) -> str:
        return obj.organisation.unit.name

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        # Who, what and since when are the appointment itself: end it and appoint anew instead.
        return ["person", "role", "organisation", "start"] if obj else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = form.apply()
        obj.pk, obj.created_at, obj._state = saved.pk, saved.created_at, saved._state


class GrantForm(forms.ModelForm):
    """A grant names the account by its user name: a new name creates the account
    (access.services.grant_access), so nobody picks from a list of every account."""

    username = forms.CharField(label="tài khoản", max_length=150)
    password = forms.CharField(
        label="mật khẩu (tài khoản mới, hoặc để đặt lại)",
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )

    class Meta:
        model = Grant
        fields = ["unit", "role"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username
            self.fields["username"].disabled = True


@admin.register(Grant)
class GrantAdmin(RegistryAdmin):
    """Grants are changed by administrators only, on units inside their own (the policy)."""

    form = GrantForm
    list_display = [column("user", "tài khoản"), "role", "unit"]
    list_select_related = ["user", "unit"]
    list_filter = ["role", UnitListFilter]
    search_fields = ["user__username"]
    folded_search_fields = ("unit__search_text",)
    exact_search_fields = ("user__username",)
    autocomplete_fields = ["unit"]
    fields = ["username", "password", "unit", "role"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        c = form.cleaned_data
        username = obj.user.username if change else c["username"]
        try:
            done = grant_access(
                username=username, role=c["role"], unit=c["unit"],
                password=c.get("password") or None, by=request.user,
            )  # fmt: skip
        except AccessError as e:
            raise PermissionDenied(str(e)) from e
        if change and done.grant and done.grant.pk != obj.pk:
            obj.delete()  # the grant moved to another unit or role
        assert done.grant is not None
        obj.pk, obj._state = done.grant.pk, done.grant._state
