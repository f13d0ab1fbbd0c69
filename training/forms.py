"""Forms of the training pages; they parse, services decide."""

from datetime import date, time
from typing import Any

from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Q
from django.utils import timezone

from access.scopes import visible
from config.dates import show
from people.models import Level, Organisation, OrgKind, Unit
from people.text import name_sort_key
from training.calendar import WEEKDAY_NAMES, at, check_year
from training.models import Course, Programme, Target
from training.services import Recurrence

ORGANISER_KINDS = [
    OrgKind.AGENCY,
    OrgKind.PARTY_COMMITTEE,
    OrgKind.PEOPLE_COMMITTEE,
    OrgKind.FRONT_COMMITTEE,
]
DATE = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
CLOCK = forms.TimeInput(format="%H:%M", attrs={"placeholder": "HH:MM", "size": 6})


def organisation_ended(org: Organisation) -> date | None:
    """The day the organisation, or the unit it sits at, ended (the earlier), if any."""
    ends = [d for d in (org.end, org.unit.valid_to) if d is not None]
    return min(ends) if ends else None


class OrganiserIterator(forms.models.ModelChoiceIterator):
    """Choices in Vietnamese name order (đ after d, tones only break ties), then by unit."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        orgs = sorted(
            self.queryset,
            key=lambda o: (
                name_sort_key("", "", o.name),
                name_sort_key("", "", o.unit.name),
                organisation_ended(o) is not None,
                o.pk,
            ),
        )
        for org in orgs:
            yield self.choice(org)


class OrganiserField(forms.ModelChoiceField):
    """«Đơn vị tổ chức»: each body labelled with its unit, and its end when it has ended
    (the old and the new bodies of a merged commune often share a name)."""

    iterator = OrganiserIterator

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def label_from_instance(self, obj: Organisation) -> str:
        label = f"{obj.name} — {obj.unit.name}"
        ended = organisation_ended(obj)
        if ended is not None and ended < self.today:
            label += f" (đến {show(ended)})"
        return label


def organiser_choices(user: Any, *, today: date, selected: int | None) -> Any:
    """Organising bodies the user sees; those whose unit, or which themselves, ended more
    than a year ago are left out unless already chosen."""
    cutoff = today - relativedelta(years=1)
    recent = Q(end__isnull=True) | Q(end__gte=cutoff)
    recent &= Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=cutoff)
    if selected is not None:
        recent |= Q(pk=selected)
    return (
        visible(user, Organisation)
        .filter(kind__in=ORGANISER_KINDS)
        .filter(recent)
        .select_related("unit")
    )


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "programme", "title", "organiser", "organiser_name", "venue", "venue_unit",
            "trainer", "capacity", "target", "audience_units", "registration_deadline", "status",
            "invitation_number", "signer_title", "signer_name",
        ]  # fmt: skip
        widgets = {"registration_deadline": DATE}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        units = visible(user, Unit.objects.all()).active_on(today).exclude(level=Level.VILLAGE)
        fields: Any = self.fields
        fields["programme"].queryset = Programme.objects.order_by("code")
        fields["target"].queryset = Target.objects.valid_on(today).order_by("code")
        fields["audience_units"].queryset = units.order_by("level", "name")
        fields["audience_units"].widget.attrs["size"] = 6
        fields["venue_unit"].queryset = units.order_by("level", "name")
        fields["organiser"] = OrganiserField(
            queryset=organiser_choices(
                user, today=today, selected=self.instance.organiser_id if self.instance else None
            ),
            today=today,
            required=fields["organiser"].required,
            label=fields["organiser"].label,
            help_text=fields["organiser"].help_text,
        )
        # A course is completed by closing it (results and records), never by editing it.
        fields["status"].choices = [
            c for c in Course.Status.choices if c[0] != Course.Status.COMPLETED
        ]
        fields["organiser_name"].help_text = "Để trống: lấy tên của đơn vị tổ chức đã chọn"

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"audience_units": data.pop("audience_units"), **data}


def plannable(day: date | None) -> date | None:
    """A form's date inside the years training can be planned in (1900–2100)."""
    if day is None:
        return None
    try:
        return check_year(day)
    except ValueError as e:
        raise forms.ValidationError(str(e)) from e


class RecurrenceForm(forms.Form):
    """Optional sessions to add: N working days from a date, or one weekday for N weeks."""

    MODES = [
        ("", "Không thêm buổi học"),
        ("days", "Các ngày làm việc liên tiếp"),
        ("weekly", "Hằng tuần vào một thứ"),
    ]
    mode = forms.ChoiceField(label="Lịch học", choices=MODES, required=False)
    start = forms.DateField(label="Từ ngày", required=False, widget=DATE)
    days = forms.IntegerField(label="Số ngày", min_value=1, max_value=60, required=False)
    weekday = forms.TypedChoiceField(
        label="Vào",
        choices=list(enumerate(WEEKDAY_NAMES[:5])),
        coerce=int,
        required=False,
    )
    weeks = forms.IntegerField(label="Số tuần", min_value=1, max_value=104, required=False)
    starts = forms.TimeField(label="Giờ bắt đầu", initial=time(7, 30), widget=CLOCK)
    ends = forms.TimeField(label="Giờ kết thúc", initial=time(16, 30), widget=CLOCK)
    skip_holidays = forms.BooleanField(label="Bỏ qua ngày lễ, Tết", required=False, initial=True)

    def clean_start(self) -> date | None:
        return plannable(self.cleaned_data.get("start"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        mode = data.get("mode")
        if mode and not data.get("start"):
            self.add_error("start", "Chọn ngày bắt đầu")
        if mode == "days" and not data.get("days"):
            self.add_error("days", "Nhập số ngày")
        if mode == "weekly" and (data.get("weekday") in (None, "") or not data.get("weeks")):
            self.add_error("weeks", "Chọn thứ và số tuần")
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "Giờ kết thúc phải sau giờ bắt đầu")
        return data

    def recurrence(self) -> Recurrence | None:
        data = self.cleaned_data
        if not data.get("mode"):
            return None
        weekly = data["mode"] == "weekly"
        return Recurrence(
            start=data["start"],
            days=0 if weekly else data["days"],
            weekday=data["weekday"] if weekly else None,
            weeks=data["weeks"] if weekly else 0,
            starts=data["starts"],
            ends=data["ends"],
            skip_holidays=data["skip_holidays"],
        )


class SessionForm(forms.Form):
    day = forms.DateField(label="Ngày", widget=DATE)
    starts = forms.TimeField(label="Từ", initial=time(7, 30), widget=CLOCK)
    ends = forms.TimeField(label="Đến", initial=time(11, 30), widget=CLOCK)
    title = forms.CharField(label="Nội dung", required=False, max_length=255)

    def clean_day(self) -> date | None:
        return plannable(self.cleaned_data.get("day"))

    def times(self) -> tuple[Any, Any]:
        day: date = self.cleaned_data["day"]
        return at(day, self.cleaned_data["starts"]), at(day, self.cleaned_data["ends"])


class OverrideForm(forms.Form):
    completed = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("1", "Hoàn thành"), ("0", "Không hoàn thành")],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label="Lý do (bắt buộc)", widget=forms.Textarea(attrs={"rows": 2}))


class RecordsUploadForm(forms.Form):
    file = forms.FileField(label="Tệp .xlsx hoặc .csv")
    dry_run = forms.BooleanField(label="Chỉ kiểm tra, chưa ghi", required=False)
