from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Phân quyền"

    def ready(self) -> None:
        from django.contrib import admin

        from access.admin import lock_other_admins

        lock_other_admins(admin.site)
