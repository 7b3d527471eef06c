from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "outputs"
    default_auto_field = "django.db.models.BigAutoField"
