from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    name = "core"
    default = True
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import (
            checks,  # noqa: F401 - registers `manage.py check --deploy`'s storage check
            fragments,
        )

        fragments.connect()  # cached page content follows every save


class AdminConfig(admin_apps.AdminConfig):
    """Installed in place of `django.contrib.admin`: `admin.site` is core.adminsite's site."""

    default = False
    default_site = "core.adminsite.AdminSite"
