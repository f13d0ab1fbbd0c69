from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Tập huấn"

    def ready(self) -> None:
        from training.feeds import register_scope

        register_scope()
