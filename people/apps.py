from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "Danh bạ chức danh"

    def ready(self) -> None:
        from people import uploads  # noqa: F401  (registers PendingUpload's access rule)
