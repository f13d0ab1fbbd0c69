"""Certificates (giấy chứng nhận): issuing bodies, their yearly number counters, print layouts,
the issued certificates as snapshots, and the log of public verifications."""

import copy
import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from people.models import Organisation, Person

# Base32-like alphabet without look-alikes (0/O, 1/I/L) so a code can be read out and typed.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_code() -> str:
    """A random, unguessable verification code (12 of 31 symbols ≈ 59 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Issuer(models.Model):
    """A body that issues certificates (cơ quan cấp giấy chứng nhận). Its printed name is
    versioned (`IssuerName`) because bodies were merged and renamed in 2025."""

    class Kind(models.TextChoices):
        PARTY = "party", "Cơ quan Đảng"
        STATE = "state", "Cơ quan nhà nước"
        FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"

    code = models.SlugField("mã", max_length=50, unique=True)
    kind = models.CharField("loại cơ quan", max_length=6, choices=Kind.choices)
    number_suffix = models.CharField(
        "ký hiệu số", max_length=30, help_text="Ví dụ BTGDV → 12-GCN/BTGDV; UBMTTQ → 12/GCN-UBMTTQ"
    )
    place_name = models.CharField("địa danh", max_length=100, help_text="Ví dụ: Tuyên Quang")
    signatory_title = models.CharField("chức vụ người ký", max_length=200)
    signatory_name = models.CharField("họ tên người ký", max_length=200)
    seal_image = models.FileField(
        "ảnh chữ ký, con dấu (PNG)", upload_to="certificates/seals/", blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="tổ chức",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issuers",
    )
    layout = models.ForeignKey(
        "Layout", verbose_name="mẫu in", on_delete=models.SET_NULL, null=True, blank=True
    )
    is_default = models.BooleanField(
        "mặc định", default=False, help_text="Cấp cho các lớp mà đơn vị tổ chức chưa có cơ quan cấp"
    )

    class Meta:
        verbose_name = "cơ quan cấp"
        verbose_name_plural = "cơ quan cấp"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="issuer_one_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name_on(date.today()).name if self.pk else self.code

    def name_on(self, day: date) -> "IssuerName":
        """The name printed on `day` (the latest-starting version valid then)."""
        names = sorted(self.names.all(), key=lambda n: n.valid_from or date.min, reverse=True)
        for name in names:
            if name.is_valid_on(day):
                return name
        if names:
            return names[0]
        return IssuerName(issuer=self, name=self.code)

    def format_number(self, serial: int) -> str:
        """`12-GCN/BTGDV` for a Party body, `12/GCN-UBMTTQ` for a state or Front body."""
        if self.kind == self.Kind.PARTY:
            return f"{serial}-GCN/{self.number_suffix}"
        return f"{serial}/GCN-{self.number_suffix}"


class IssuerName(models.Model):
    """One version of an issuer's printed name, valid from/to (inclusive)."""

    issuer = models.ForeignKey(
        Issuer, verbose_name="cơ quan cấp", on_delete=models.CASCADE, related_name="names"
    )
    name = models.CharField("tên đầy đủ", max_length=255)
    header = models.TextField(
        "dòng tiêu đề",
        blank=True,
        help_text="Các dòng in ở góc trái, ví dụ «TỈNH ỦY TUYÊN QUANG» rồi «BAN TUYÊN GIÁO VÀ "
        "DÂN VẬN». Để trống: tên viết hoa.",
    )
    place_name = models.CharField(
        "địa danh", max_length=100, blank=True, help_text="Để trống: địa danh của cơ quan cấp"
    )
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    class Meta:
        verbose_name = "tên cơ quan cấp"
        verbose_name_plural = "tên cơ quan cấp"
        ordering = ["issuer_id", "valid_from"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def header_text(self) -> str:
        return self.header.strip() or self.name.upper()


class NumberCounter(models.Model):
    """The last number an issuer gave in a year; locked while the next one is taken."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="counters")
    year = models.PositiveSmallIntegerField("năm")
    last_number = models.PositiveIntegerField("số cuối cùng", default=0)

    class Meta:
        verbose_name = "bộ đếm số"
        verbose_name_plural = "bộ đếm số"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="counter_unique_issuer_year"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer.code} {self.year}: {self.last_number}"


def default_layout_data() -> dict:
    from certificates.pdf import DEFAULT_LAYOUT

    return copy.deepcopy(DEFAULT_LAYOUT)


class Layout(models.Model):
    """A print design (mẫu in) as data: page size, positions in mm, fonts and sizes."""

    name = models.CharField("tên mẫu", max_length=100, unique=True)
    data = models.JSONField("thiết kế", default=default_layout_data)

    class Meta:
        verbose_name = "mẫu in"
        verbose_name_plural = "mẫu in"

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """An issued certificate (giấy chứng nhận): a snapshot of what was printed. Later edits to
    the person or the course never change it; nothing issued is ever deleted."""

    class Status(models.TextChoices):
        VALID = "valid", "Còn hiệu lực"
        REVOKED = "revoked", "Đã thu hồi"
        SUPERSEDED = "superseded", "Đã được cấp lại"

    class RevocationCategory(models.TextChoices):
        """Why it was revoked, as the public sees it (the free-text reason is for staff)."""

        ISSUED_BY_MISTAKE = "issued_by_mistake", "Cấp nhầm"
        WRONG_DETAILS = "wrong_details", "Sai thông tin"
        RESULT_CORRECTED = "result_corrected", "Điều chỉnh kết quả"
        OTHER = "other", "Lý do khác"

    issuer = models.ForeignKey(
        Issuer, verbose_name="cơ quan cấp", on_delete=models.PROTECT, related_name="certificates"
    )
    year = models.PositiveSmallIntegerField("năm")
    serial = models.PositiveIntegerField("số thứ tự")
    number = models.CharField("số giấy chứng nhận", max_length=60)
    code = models.CharField("mã xác minh", max_length=20, unique=True, default=new_code)

    holder_name = models.CharField("họ và tên", max_length=255)
    holder_birth_date = models.DateField("ngày sinh", null=True, blank=True)
    role_label = models.CharField("chức danh", max_length=255, blank=True)
    unit_name = models.CharField("đơn vị", max_length=255, blank=True)
    programme_title = models.CharField("chương trình", max_length=255)
    course_title = models.CharField("lớp", max_length=255, blank=True)
    course_dates = models.CharField("thời gian", max_length=120, blank=True)
    course_place = models.CharField("địa điểm", max_length=255, blank=True)
    issuer_name_printed = models.CharField("cơ quan cấp (như in)", max_length=255)
    issuer_header_printed = models.TextField("dòng tiêu đề (như in)", blank=True)
    place_printed = models.CharField("địa danh (như in)", max_length=100, blank=True)
    signatory_title = models.CharField("chức vụ người ký", max_length=200)
    signatory_name = models.CharField("họ tên người ký", max_length=200)
    issued_on = models.DateField("ngày cấp")

    person = models.ForeignKey(
        Person, verbose_name="người", on_delete=models.PROTECT, related_name="certificates"
    )
    enrollment = models.ForeignKey(
        "training.Enrollment",
        verbose_name="lượt học",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    training_record = models.ForeignKey(
        "training.TrainingRecord",
        verbose_name="kết quả tập huấn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "training.Course",
        verbose_name="lớp",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificates",
    )

    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_on = models.DateField("ngày thu hồi", null=True, blank=True)
    revocation_category = models.CharField(
        "loại lý do thu hồi", max_length=20, choices=RevocationCategory.choices, blank=True
    )
    revocation_reason = models.TextField("lý do thu hồi", blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thu hồi",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    superseded_by = models.ForeignKey(
        "self",
        verbose_name="được thay bằng",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supersedes",
    )
    pdf = models.FileField("tệp PDF", upload_to="certificates/%Y/", blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cấp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "giấy chứng nhận"
        verbose_name_plural = "giấy chứng nhận"
        ordering = ["-year", "issuer_id", "-serial"]
        constraints = [
            # Numbers repeat every year (12-GCN/BTGDV in 2025 and in 2026), never within one.
            models.UniqueConstraint(
                fields=["issuer", "year", "serial"], name="certificate_unique_serial"
            ),
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="certificate_unique_number"
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_enrollment",
            ),
            models.UniqueConstraint(
                fields=["training_record"],
                condition=Q(status="valid"),
                name="certificate_one_valid_per_record",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revocation_category=""),
                name="certificate_revocation_has_category",
            ),
        ]
        indexes = [models.Index(fields=["number"], name="certificate_number")]

    def __str__(self) -> str:
        return self.number

    @property
    def verify_path(self) -> str:
        return f"/xac-minh/{self.code}/"

    @property
    def verify_url(self) -> str:
        return f"{settings.SITE_URL}{self.verify_path}"

    @property
    def birth_year(self) -> int | None:
        return self.holder_birth_date.year if self.holder_birth_date else None


class Verification(models.Model):
    """One look-up on the public verification page or API (nhật ký xác minh)."""

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifications",
    )
    code = models.CharField("mã tra cứu", max_length=100)
    ip = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)
    channel = models.CharField("kênh", max_length=10, default="web")
    at = models.DateTimeField("lúc", auto_now_add=True)
    found = models.BooleanField("tìm thấy", default=False)

    class Meta:
        verbose_name = "lượt xác minh"
        verbose_name_plural = "lượt xác minh"
        ordering = ["-at"]
        indexes = [models.Index(fields=["at"], name="verification_at")]

    def __str__(self) -> str:
        return f"{self.code} {self.at:%d/%m/%Y %H:%M}"
