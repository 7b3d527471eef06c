from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Mentors", "mentors:directory"),)
    first_step = "mentors.steps.first_step"
    dashboard_panel = "mentors.dashboard.panel"
