from django.apps import AppConfig


class CaptureConfig(AppConfig):
    name = "capture"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Studies", "capture:studies", "capture.access.shows_studies"),)
    dashboard_panel = "capture.dashboard.panel"
    demo_seeder = "capture.demo.seed_all"
    # Core's idle sign-out asks whether someone holds a role in any study.
    provides = {"study_roles_of": "capture.access.active_study_roles"}
