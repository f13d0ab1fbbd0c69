"""Training: programmes and targets (the catalogue), courses with sessions, invitations,
attendance, and the training records coverage counts."""

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from people.models import Organisation, Person, Role, Unit

SHARE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


class Programme(models.Model):
    """A training programme (chương trình tập huấn, bồi dưỡng) with its completion rule."""

    class Kind(models.TextChoices):
        CONFERENCE = "conference", "Hội nghị tập huấn"
        COURSE = "course", "Lớp bồi dưỡng"

    code = models.SlugField("mã chương trình", max_length=50, unique=True)
    title = models.CharField("tên chương trình", max_length=255)
    kind = models.CharField(
        "hình thức", max_length=12, choices=Kind.choices, default=Kind.CONFERENCE
    )
    days = models.PositiveSmallIntegerField("số ngày", default=1)
    topics = models.TextField("chuyên đề", blank=True)
    min_attendance_share = models.DecimalField(
        "tỷ lệ buổi tham dự tối thiểu",
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=SHARE,
    )
    requires_essay = models.BooleanField("có bài thu hoạch", default=False)
    passing_mark = models.DecimalField(
        "điểm đạt", max_digits=5, decimal_places=2, null=True, blank=True
    )
    validity_months = models.PositiveSmallIntegerField(
        "hiệu lực (tháng)", null=True, blank=True, help_text="Để trống: không hết hạn"
    )
    has_certificate = models.BooleanField("cấp giấy chứng nhận", default=False)

    class Meta:
        verbose_name = "chương trình"
        verbose_name_plural = "chương trình"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendance_share__gte=0) & Q(min_attendance_share__lte=1),
                name="programme_share_0_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class TargetQuerySet(models.QuerySet["Target"]):
    def valid_on(self, day: date) -> "TargetQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def current(self, code: str, *, on: date) -> "Target":
        """The version of target `code` valid on `on` (the latest-starting one if several)."""
        found = self.valid_on(on).filter(code=code).order_by(F("valid_from").desc(nulls_last=True))
        target = found.first()
        if target is None:
            raise Target.DoesNotExist(f"Không có chỉ tiêu {code} hiệu lực ngày {on:%d/%m/%Y}")
        return target


class Target(models.Model):
    """A training target (chỉ tiêu) of a resolution, one version valid from/to."""

    class Counting(models.TextChoices):
        PERSON = "person", "Theo người"
        BOARD = "board", "Theo ban"
        VILLAGE = "village", "Theo thôn"

    code = models.SlugField("mã chỉ tiêu", max_length=50)
    title = models.CharField("tên chỉ tiêu", max_length=500)
    legal_basis = models.CharField("căn cứ", max_length=500, blank=True)
    counting = models.CharField(
        "đơn vị tính", max_length=10, choices=Counting.choices, default=Counting.PERSON
    )
    deadline = models.DateField("thời hạn", null=True, blank=True)
    grace_days = models.PositiveIntegerField("số ngày ân hạn", default=180)
    member_share = models.DecimalField(
        "tỷ lệ thành viên được tập huấn",
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=SHARE,
    )
    recognised_since = models.DateField("công nhận từ ngày", null=True, blank=True)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "chỉ tiêu"
        verbose_name_plural = "chỉ tiêu"
        ordering = ["code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="target_unique_version"),
            # NULL valid_from ("since always") is distinct in SQL, so it gets its own constraint.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="target_unique_first_version",
            ),
            models.CheckConstraint(
                condition=Q(member_share__gte=0) & Q(member_share__lte=1),
                name="target_member_share_0_1",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="target_valid_to_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"


class TargetRule(models.Model):
    """Which programmes a target accepts for holders of one role."""

    target = models.ForeignKey(
        Target, verbose_name="chỉ tiêu", on_delete=models.CASCADE, related_name="rules"
    )
    role = models.ForeignKey(
        Role, verbose_name="chức danh", on_delete=models.PROTECT, related_name="target_rules"
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name="chương trình được công nhận", blank=True, related_name="rules"
    )

    class Meta:
        verbose_name = "quy tắc chỉ tiêu"
        verbose_name_plural = "quy tắc chỉ tiêu"
        ordering = ["target_id", "role__order"]
        constraints = [
            models.UniqueConstraint(fields=["target", "role"], name="target_rule_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.target.code}: {self.role.code}"


class CourseQuerySet(models.QuerySet["Course"]):
    def upcoming(self, *, now: object = None) -> "CourseQuerySet":
        from django.utils import timezone

        return self.filter(sessions__ends_at__gte=now or timezone.now()).distinct()


class Course(models.Model):
    """A course or training conference (lớp, hội nghị tập huấn) of one programme."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Dự thảo"
        OPEN = "open", "Đang mời"
        RUNNING = "running", "Đang diễn ra"
        COMPLETED = "completed", "Đã kết thúc"
        CANCELLED = "cancelled", "Đã hủy"

    programme = models.ForeignKey(
        Programme, verbose_name="chương trình", on_delete=models.PROTECT, related_name="courses"
    )
    organiser = models.ForeignKey(
        Organisation,
        verbose_name="đơn vị tổ chức",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    organiser_name = models.CharField("tên đơn vị tổ chức", max_length=255, blank=True)
    title = models.CharField("tên lớp", max_length=255)
    venue = models.CharField("địa điểm", max_length=255, blank=True)
    venue_unit = models.ForeignKey(
        Unit,
        verbose_name="đơn vị nơi tổ chức",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    trainer = models.CharField("giảng viên, báo cáo viên", max_length=255, blank=True)
    capacity = models.PositiveIntegerField("số học viên tối đa", default=50)
    target = models.ForeignKey(
        Target,
        verbose_name="chỉ tiêu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="courses",
    )
    audience_units = models.ManyToManyField(
        Unit, verbose_name="đơn vị được mời", blank=True, related_name="+"
    )
    registration_deadline = models.DateField("hạn đăng ký", null=True, blank=True)
    status = models.CharField(
        "trạng thái", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Printed on the giấy mời (training.invitations_pdf): the document number the organiser's
    # office gave it, and who signs it for the organiser.
    invitation_number = models.CharField(
        "số giấy mời",
        max_length=60,
        blank=True,
        help_text="Ví dụ «125-GM/BDV»; để trống thì giấy in ra để chỗ viết tay",
    )
    signer_title = models.CharField(
        "chức vụ người ký", max_length=120, blank=True, help_text="Ví dụ «Trưởng ban»"
    )
    signer_name = models.CharField("họ tên người ký", max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tạo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người kết thúc",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = "lớp tập huấn"
        verbose_name_plural = "lớp tập huấn"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="course_capacity_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="course_status")]

    def __str__(self) -> str:
        return self.title


class SessionQuerySet(models.QuerySet["Session"]):
    def overlapping(self, starts_at: object, ends_at: object) -> "SessionQuerySet":
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)


class Session(models.Model):
    """One sitting (buổi học) of a course; aware times, shown in Asia/Ho_Chi_Minh."""

    course = models.ForeignKey(
        Course, verbose_name="lớp", on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField("bắt đầu")
    ends_at = models.DateTimeField("kết thúc")
    title = models.CharField("nội dung", max_length=255, blank=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = "buổi học"
        verbose_name_plural = "buổi học"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="session_times")]

    def __str__(self) -> str:
        return f"{self.course} — {self.starts_at:%d/%m/%Y %H:%M}"


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def holding_seats(self) -> "EnrollmentQuerySet":
        """Invitations that use up a place (waitlisted and cancelled ones do not)."""
        return self.filter(status__in=Enrollment.SEAT_STATUSES)


class Enrollment(models.Model):
    """A person's invitation to a course (giấy mời) and its result."""

    class Status(models.TextChoices):
        INVITED = "invited", "Đã mời"
        CONFIRMED = "confirmed", "Đã xác nhận"
        WAITLISTED = "waitlisted", "Danh sách chờ"
        CANCELLED = "cancelled", "Đã hủy"
        COMPLETED = "completed", "Hoàn thành"
        NOT_COMPLETED = "not_completed", "Không hoàn thành"

    SEAT_STATUSES = (
        Status.INVITED,
        Status.CONFIRMED,
        Status.COMPLETED,
        Status.NOT_COMPLETED,
    )

    course = models.ForeignKey(
        Course, verbose_name="lớp", on_delete=models.CASCADE, related_name="enrollments"
    )
    person = models.ForeignKey(
        Person, verbose_name="học viên", on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        "trạng thái", max_length=14, choices=Status.choices, default=Status.INVITED
    )
    role_label = models.CharField("chức danh", max_length=255, blank=True)
    unit_name = models.CharField("đơn vị", max_length=255, blank=True)
    essay_mark = models.DecimalField(
        "điểm bài thu hoạch", max_digits=5, decimal_places=2, null=True, blank=True
    )
    override_reason = models.TextField("lý do điều chỉnh kết quả", blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người điều chỉnh",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    overridden_at = models.DateTimeField("điều chỉnh lúc", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người mời",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("mời lúc", auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = "học viên được mời"
        verbose_name_plural = "học viên được mời"
        ordering = ["person__sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "person"], name="enrollment_unique"),
        ]
        indexes = [models.Index(fields=["course", "status"], name="enrollment_course_status")]

    def __str__(self) -> str:
        return f"{self.person} — {self.course}"


class Attendance(models.Model):
    """A person's attendance mark (điểm danh) for one session."""

    class Status(models.TextChoices):
        PRESENT = "present", "Có mặt"
        LATE = "late", "Đi muộn"
        ABSENT = "absent", "Vắng"
        EXCUSED = "excused", "Vắng có phép"

    # Present and late attend the session; excused is an absence (it is only recorded as such).
    ATTENDED = (Status.PRESENT, Status.LATE)

    session = models.ForeignKey(
        Session, verbose_name="buổi học", on_delete=models.CASCADE, related_name="attendances"
    )
    enrollment = models.ForeignKey(
        Enrollment, verbose_name="học viên", on_delete=models.CASCADE, related_name="attendances"
    )
    status = models.CharField("điểm danh", max_length=8, choices=Status.choices)
    recorded_at = models.DateTimeField("ghi lúc", auto_now=True)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        constraints = [
            models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.person} — {self.get_status_display()}"


class TrainingRecordQuerySet(models.QuerySet["TrainingRecord"]):
    def valid_on(self, day: date) -> "TrainingRecordQuerySet":
        """Completed on or before `day` and not expired on it."""
        return self.filter(completed_on__lte=day).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=day)
        )


class TrainingRecord(models.Model):
    """A person completed a programme on a date (kết quả tập huấn) — from a course, an import of
    historical paper records, or entered by hand. Coverage counts these, whatever the source."""

    class Source(models.TextChoices):
        COURSE = "course", "Lớp tập huấn"
        IMPORT = "import", "Nhập từ tệp"
        MANUAL = "manual", "Nhập tay"

    person = models.ForeignKey(
        Person, verbose_name="người", on_delete=models.PROTECT, related_name="training_records"
    )
    programme = models.ForeignKey(
        Programme, verbose_name="chương trình", on_delete=models.PROTECT, related_name="records"
    )
    completed_on = models.DateField("ngày hoàn thành")
    expires_on = models.DateField("hết hiệu lực", null=True, blank=True)
    course = models.ForeignKey(
        Course,
        verbose_name="lớp",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
    )
    enrollment = models.OneToOneField(
        Enrollment,
        verbose_name="lượt học",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="record",
    )
    organiser_name = models.CharField("đơn vị tổ chức", max_length=255, blank=True)
    certificate_number = models.CharField("số giấy chứng nhận", max_length=100, blank=True)
    note = models.TextField("ghi chú", blank=True)
    source = models.CharField("nguồn", max_length=8, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    objects = TrainingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "kết quả tập huấn"
        verbose_name_plural = "kết quả tập huấn"
        ordering = ["-completed_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("completed_on")),
                name="record_expires_after_completion",
            ),
            # Replaying an import or closing a course twice must not count a person twice.
            models.UniqueConstraint(
                fields=["person", "programme", "completed_on"], name="record_unique_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "completed_on"], name="record_programme_date"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.programme.code} ({self.completed_on:%d/%m/%Y})"


class Notice(models.Model):
    """An e-mail sent about an invitation — the invitation itself (giấy mời), the waitlist
    notice, or the reminder before the first session — kept so each is sent once."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Giấy mời"
        WAITLIST = "waitlist", "Báo danh sách chờ"
        REMINDER = "reminder", "Nhắc lịch học"

    enrollment = models.ForeignKey(
        Enrollment, verbose_name="học viên", on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField("gửi lúc", auto_now_add=True)

    class Meta:
        verbose_name = "thư đã gửi"
        verbose_name_plural = "thư đã gửi"
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "kind"], name="notice_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.enrollment}"


def new_feed_token() -> str:
    """An unguessable feed token (32 random bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret calendar address (đường dẫn lịch riêng) that a phone or Outlook subscribes to
    without a login: the sessions of every course its user may see. One active per user;
    renewing revokes the old one, and a revoked address answers 404."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người dùng",
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token = models.CharField("mã bí mật", max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "đường dẫn lịch riêng"
        verbose_name_plural = "đường dẫn lịch riêng"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        # Never the token: it is the password of the feed.
        return f"Lịch riêng của {self.user} ({self.created_at:%d/%m/%Y})"

    @property
    def path(self) -> str:
        return f"/lich/feed/{self.token}.ics"
