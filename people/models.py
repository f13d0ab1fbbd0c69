"""The registry: administrative units over time, organisations, people and their positions."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from people.text import clean, fold, match_key, name_sort_key, split_full_name, unit_name_key

# The closure table stores open ends as these sentinels so "valid on D" is two plain comparisons.
FAR_PAST = date(1900, 1, 1)
FAR_FUTURE = date(9999, 12, 31)
# The day the two-level local government started (Resolution 202/2025/QH15).
REFORM_DATE = date(2025, 7, 1)


class Level(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    DISTRICT = "district", "Huyện"
    COMMUNE = "commune", "Xã"
    VILLAGE = "village", "Thôn, tổ dân phố"


class UnitQuerySet(models.QuerySet["Unit"]):
    def active_on(self, day: date) -> "UnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def within(self, unit: "Unit | int", *, on: date) -> "UnitQuerySet":
        """The unit and every unit below it in the tree valid on `on` (one indexed join)."""
        return self.filter(
            ancestor_links__ancestor=unit,
            ancestor_links__valid_from__lte=on,
            ancestor_links__valid_to__gte=on,
        )

    def within_ever(self, units: "models.QuerySet[Unit] | list[int]") -> "UnitQuerySet":
        """Units below any of `units` on any date: the scope of a user's grants."""
        return self.filter(
            pk__in=UnitAncestry.objects.filter(ancestor__in=units).values("descendant_id")
        )


class Unit(models.Model):
    """An administrative unit (đơn vị hành chính) of one edition of the official list, or a
    village (thôn, bản, tổ dân phố). Codes are GSO codes valid within the unit's edition only;
    our own key is the primary key."""

    class Kind(models.TextChoices):
        TINH = "tinh", "Tỉnh"
        THANH_PHO = "thanh_pho", "Thành phố"
        HUYEN = "huyen", "Huyện"
        QUAN = "quan", "Quận"
        THI_XA = "thi_xa", "Thị xã"
        XA = "xa", "Xã"
        PHUONG = "phuong", "Phường"
        THI_TRAN = "thi_tran", "Thị trấn"
        DAC_KHU = "dac_khu", "Đặc khu"
        THON = "thon", "Thôn"
        BAN = "ban", "Bản"
        TO_DAN_PHO = "to_dan_pho", "Tổ dân phố"

    class Edition(models.TextChoices):
        LEGACY = "legacy", "Danh mục trước 01/07/2025"
        E2025 = "2025", "Danh mục từ 01/07/2025"
        LOCAL = "local", "Thôn, tổ dân phố"

    name = models.CharField("tên", max_length=200)
    short_name = models.CharField("tên ngắn", max_length=200, blank=True)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    kind = models.CharField("loại", max_length=12, choices=Kind.choices)
    code = models.CharField("mã GSO", max_length=10, blank=True, db_index=True)
    edition = models.CharField("danh mục", max_length=6, choices=Edition.choices)
    source_key = models.CharField("khóa nguồn", max_length=200, blank=True)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    search_text = models.CharField(max_length=200, editable=False, default="")
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "source_key"],
                condition=~Q(source_key=""),
                name="unit_unique_source_key",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.derive_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def derive_keys(self) -> None:
        """Derived keys, not business logic: kept in step with the name wherever it is saved.
        Called by save(), and by bulk writers before bulk_create."""
        self.name = clean(self.name)
        self.short_name = clean(self.short_name)
        self.name_key = unit_name_key(
            self.short_name or self.name, village=self.level == Level.VILLAGE
        )
        self.search_text = fold(self.name)

    def is_active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class UnitPlacement(models.Model):
    """A unit sits under a parent for a period. Official units have one placement; a village
    that moved in the 2025 reorganisation has one under its old commune and one under its new."""

    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="placements"
    )
    parent = models.ForeignKey(
        Unit,
        verbose_name="đơn vị cấp trên",
        on_delete=models.PROTECT,
        related_name="child_placements",
    )
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "vị trí trong cây đơn vị"
        verbose_name_plural = "vị trí trong cây đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "parent", "valid_from"], name="placement_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} ⊂ {self.parent}"


class UnitAncestry(models.Model):
    """Closure table of the tree over time: `ancestor` is above (or is) `descendant` from
    `valid_from` to `valid_to` (inclusive). Derived from placements by people.services."""

    ancestor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="descendant_links")
    descendant = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ancestor_links")
    depth = models.PositiveSmallIntegerField()
    valid_from = models.DateField(default=FAR_PAST)
    valid_to = models.DateField(default=FAR_FUTURE)

    class Meta:
        indexes = [
            models.Index(
                fields=["ancestor", "valid_from", "valid_to"], name="ancestry_by_ancestor"
            ),
            models.Index(fields=["descendant", "depth"], name="ancestry_by_descendant"),
        ]

    def __str__(self) -> str:
        return f"{self.ancestor_id} > {self.descendant_id} ({self.depth})"


class UnitLineage(models.Model):
    """Old → new: an old unit merged whole or in part into a new one on a date (kế thừa)."""

    class Kind(models.TextChoices):
        WHOLE = "whole", "Nhập toàn bộ"
        PART = "part", "Nhập một phần"

    old = models.ForeignKey(
        Unit, verbose_name="đơn vị cũ", on_delete=models.CASCADE, related_name="successor_links"
    )
    new = models.ForeignKey(
        Unit, verbose_name="đơn vị mới", on_delete=models.CASCADE, related_name="predecessor_links"
    )
    kind = models.CharField("hình thức", max_length=5, choices=Kind.choices)
    is_default = models.BooleanField(
        "đơn vị nhận thôn, tổ dân phố",
        default=True,
        help_text="Nơi các thôn của đơn vị cũ chuyển về",
    )
    effective = models.DateField("ngày hiệu lực", default=REFORM_DATE)

    class Meta:
        verbose_name = "kế thừa đơn vị"
        verbose_name_plural = "kế thừa đơn vị"
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="lineage_unique")]

    def __str__(self) -> str:
        return f"{self.old} → {self.new}"


class OrgKind(models.TextChoices):
    PARTY_CELL = "party_cell", "Chi bộ"
    FRONT_WORK_COMMITTEE = "front_work_committee", "Ban công tác Mặt trận"
    MOBILIZATION_TEAM = "mobilization_team", "Tổ dân vận"
    PEOPLE_INSPECTION_BOARD = "people_inspection_board", "Ban thanh tra nhân dân"
    INVESTMENT_SUPERVISION_BOARD = "investment_supervision_board", "Ban giám sát đầu tư cộng đồng"
    FRONT_COMMITTEE = "front_committee", "Ủy ban Mặt trận Tổ quốc"
    WOMEN_UNION = "women_union", "Hội Liên hiệp Phụ nữ"
    YOUTH_UNION = "youth_union", "Đoàn Thanh niên"
    FARMERS_ASSOCIATION = "farmers_association", "Hội Nông dân"
    VETERANS_ASSOCIATION = "veterans_association", "Hội Cựu chiến binh"
    TRADE_UNION = "trade_union", "Công đoàn"
    AGENCY = "agency", "Cơ quan, đơn vị"
    PARTY_COMMITTEE = "party_committee", "Đảng ủy, cấp ủy"
    PEOPLE_COMMITTEE = "people_committee", "Ủy ban nhân dân"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active_on(self, day: date) -> "OrganisationQuerySet":
        return self.filter(
            Q(start__isnull=True) | Q(start__lte=day), Q(end__isnull=True) | Q(end__gte=day)
        )

    def within(self, unit: "Unit | int", *, on: date) -> "OrganisationQuerySet":
        return self.filter(unit__in=Unit.objects.within(unit, on=on).values("pk"))


class Organisation(models.Model):
    """A body placed at a unit whose members hold the required roles: a party cell (chi bộ), a
    Front work committee, a People's Inspection Board, an investment supervision board (one per
    project, with a start and an end)..."""

    kind = models.CharField("loại tổ chức", max_length=40, choices=OrgKind.choices)
    name = models.CharField("tên", max_length=255)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="organisations"
    )
    start = models.DateField("từ ngày", null=True, blank=True)
    end = models.DateField("đến ngày", null=True, blank=True)
    search_text = models.CharField(max_length=255, editable=False, default="")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "tổ chức"
        verbose_name_plural = "tổ chức"
        ordering = ["unit__name", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                name="organisation_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["unit", "kind"], name="organisation_unit_kind")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.derive_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def derive_keys(self) -> None:
        """Called by save(), and by bulk imports before bulk_create."""
        self.name = clean(self.name)
        self.search_text = fold(self.name)


class Role(models.Model):
    """A required role (chức danh) of the catalogue. Data, not code: an administrator decides
    who counts as a key cadre."""

    class Level(models.TextChoices):
        VILLAGE = "village", "Thôn, tổ dân phố"
        COMMUNE = "commune", "Xã, phường"
        ANY = "any", "Mọi cấp"

    code = models.SlugField("mã", max_length=50, unique=True)
    label = models.CharField("tên chức danh", max_length=200)
    org_kinds = models.JSONField("loại tổ chức", default=list)
    level = models.CharField("cấp", max_length=10, choices=Level.choices)
    single_seat = models.BooleanField("một người mỗi tổ chức", default=False)
    min_holders = models.PositiveSmallIntegerField("số người tối thiểu", default=0)
    is_head = models.BooleanField("là trưởng ban", default=False)
    order = models.PositiveSmallIntegerField(default=0)
    label_key = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        verbose_name = "chức danh"
        verbose_name_plural = "chức danh"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: object, **kwargs: object) -> None:
        self.label_key = match_key(self.label)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Sex(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class PersonQuerySet(models.QuerySet["Person"]):
    def vietnamese_order(self) -> "PersonQuerySet":
        return self.order_by("sort_key", "pk")

    def inside_units(self, unit_ids: "models.QuerySet | list[int]") -> "PersonQuerySet":
        """People registered at, or holding a position in, one of `unit_ids`."""
        held = Position.objects.filter(organisation__unit_id__in=unit_ids).values("person_id")
        return self.filter(Q(home_unit_id__in=unit_ids) | Q(pk__in=held))


class Person(models.Model):
    """A person who holds or held a required role. Names are kept as declared (Mông and Dao
    names do not always split like Kinh names); matching and sorting use derived keys."""

    family_name = models.CharField("họ", max_length=100, blank=True)
    middle_name = models.CharField("chữ đệm", max_length=100, blank=True)
    given_name = models.CharField("tên", max_length=100, blank=True)
    full_name = models.CharField("họ và tên", max_length=255)
    name_key = models.CharField(max_length=255, editable=False, db_index=True)
    sort_key = models.CharField(max_length=600, editable=False, db_index=True)
    search_text = models.CharField(max_length=255, editable=False, default="")
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=50, blank=True)
    citizen_id = models.CharField("số CCCD", max_length=12, null=True, blank=True, unique=True)
    legacy_id = models.CharField("số CMND cũ", max_length=9, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    home_unit = models.ForeignKey(
        Unit,
        verbose_name="nơi đăng ký",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản học viên",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "người"
        verbose_name_plural = "người"
        ordering = ["sort_key", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=r"^[0-9]{12}$"),
                name="person_citizen_id_12_digits",
            ),
        ]
        indexes = [models.Index(fields=["name_key", "birth_date"], name="person_name_birth")]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        self.derive_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def derive_keys(self) -> None:
        """Derived keys only (see people.text); validation lives in people.services.
        Called by save(), and by bulk imports before bulk_create."""
        self.family_name, self.middle_name = clean(self.family_name), clean(self.middle_name)
        self.given_name = clean(self.given_name)
        declared = " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)
        self.full_name = clean(self.full_name) or declared
        parts = (
            (self.family_name, self.middle_name, self.given_name)
            if self.given_name
            else split_full_name(self.full_name)
        )
        self.name_key = match_key(self.full_name)
        self.sort_key = name_sort_key(*parts)
        self.search_text = fold(self.full_name)
        self.citizen_id = self.citizen_id or None


class PositionQuerySet(models.QuerySet["Position"]):
    def active_on(self, day: date) -> "PositionQuerySet":
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))

    def within(self, unit: "Unit | int", *, on: date) -> "PositionQuerySet":
        return self.filter(organisation__unit__in=Unit.objects.within(unit, on=on).values("pk"))


class Position(models.Model):
    """A person holds a role in an organisation from `start` to `end` (both inclusive)."""

    person = models.ForeignKey(
        Person, verbose_name="người", on_delete=models.PROTECT, related_name="positions"
    )
    role = models.ForeignKey(
        Role, verbose_name="chức danh", on_delete=models.PROTECT, related_name="positions"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="tổ chức", on_delete=models.PROTECT, related_name="positions"
    )
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    legal_basis = models.CharField("quyết định", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["organisation_id", "role_id", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="position_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "role", "start"], name="position_org_role"),
            models.Index(fields=["role", "start", "end"], name="position_role_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.role} ({self.organisation})"


class Grant(models.Model):
    """A user may work on a unit and everything below it, with one of four roles."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Quản trị"
        COMMISSION = "commission", "Ban Tuyên giáo và Dân vận"
        ORGANISER = "organiser", "Đơn vị tổ chức"
        CLERK = "clerk", "Cán bộ nhập liệu"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        on_delete=models.CASCADE,
        related_name="grants",
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class PendingUpload(models.Model):
    """A file kept between its preview and its confirmation (a roster import), in the database
    rather than a shared folder: only its owner's token reads it; it is removed on
    confirmation, on cancel, and after settings.PENDING_UPLOAD_HOURS (people.uploads)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField("loại", max_length=30)
    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField("tên tệp", max_length=255)
    content = models.BinaryField("nội dung")
    created_at = models.DateTimeField("tải lên lúc", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "tệp chờ xác nhận"
        verbose_name_plural = "tệp chờ xác nhận"

    def __str__(self) -> str:
        return f"{self.filename} ({self.owner})"
