from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Nhật ký thay đổi, lô nhập liệu, dữ liệu cá nhân"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from access.policy import Cap
        from access.scopes import register
        from audit.batches import batches_seen, no_rows
        from audit.commands import audit_commands
        from audit.erasure import erasures_seen
        from audit.models import Erasure, ImportBatch
        from audit.record import fill_entry
        from audit.registry import register_all

        register_all()
        pre_save.connect(fill_entry, sender=LogEntry, dispatch_uid="audit_fill_entry")
        register(ImportBatch, ((Cap.AUDIT_READ, batches_seen), (Cap.AUDIT_READ, no_rows)))
        register(Erasure, ((Cap.AUDIT_READ, erasures_seen), (Cap.PEOPLE_ERASE, no_rows)))
        audit_commands()
