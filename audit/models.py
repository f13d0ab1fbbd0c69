"""Import batches (lô nhập liệu) and erasures on request (xoá dữ liệu cá nhân theo yêu cầu).

The audit entries themselves are django-auditlog's `LogEntry` rows: one table, changes as JSON
{field: [before, after]}, the actor, the address, `additional_data` (source, command, operator,
batch) and a correlation id (`cid`), which is the batch's for every row an import wrote."""

import hashlib

from django.conf import settings
from django.db import models

from people.models import Person, Unit


class ImportBatch(models.Model):
    """One file imported for real (not a dry run): who, when, the file as it was uploaded, and
    how many rows it read, created, changed or left unchanged. Every audit entry written by the
    import carries the batch's correlation id, so each row links back to its file."""

    class Kind(models.TextChoices):
        ROSTER = "roster", "Danh sách chức danh"
        TRAINING_RECORDS = "training_records", "Kết quả tập huấn"
        ATTENDANCE = "attendance", "Điểm danh"
        INVITATIONS = "invitations", "Danh sách mời"
        INDICATORS = "indicators", "Số liệu chỉ tiêu"

    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # "nhaplieu", or "command import_roster (root)": kept if the account is deleted.
    operator = models.CharField("người thực hiện", max_length=200, blank=True)
    source = models.CharField("nguồn", max_length=10)
    at = models.DateTimeField("lúc", auto_now_add=True)
    file_name = models.CharField("tên tệp", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveIntegerField("kích thước (byte)", default=0)
    content = models.BinaryField("tệp gốc", editable=False)
    # A batch whose file named a person later erased keeps its hash but not the file.
    content_removed_at = models.DateTimeField("đã xoá tệp gốc lúc", null=True, blank=True)
    rows_read = models.PositiveIntegerField("số dòng đọc", default=0)
    rows_created = models.PositiveIntegerField("số dòng tạo mới", default=0)
    rows_changed = models.PositiveIntegerField("số dòng thay đổi", default=0)
    rows_unchanged = models.PositiveIntegerField("số dòng không đổi", default=0)
    units = models.ManyToManyField(
        Unit, verbose_name="đơn vị liên quan", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "lô nhập liệu"
        verbose_name_plural = "lô nhập liệu"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["kind", "at"], name="batch_kind_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.file_name} ({self.at:%d/%m/%Y %H:%M})"

    @property
    def cid(self) -> str:
        """The correlation id of every audit entry the import wrote."""
        return f"batch-{self.pk}"

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()


class Erasure(models.Model):
    """A person's data erased on request (Law on Personal Data Protection; Decree 356/2025):
    the person, who did it, when and why. The person's row, positions, training records and
    certificates stay, anonymised, so every figure stays the same."""

    person = models.OneToOneField(
        Person, verbose_name="người", on_delete=models.PROTECT, related_name="erasure"
    )
    at = models.DateTimeField("lúc", auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    operator = models.CharField("người thực hiện (ghi lại)", max_length=200, blank=True)
    source = models.CharField("nguồn", max_length=10)
    reason = models.TextField("lý do")

    class Meta:
        verbose_name = "xoá dữ liệu cá nhân"
        verbose_name_plural = "xoá dữ liệu cá nhân"
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.person_id} — {self.at:%d/%m/%Y %H:%M}"
