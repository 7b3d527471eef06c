from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Calendar and events"
    nav_links = (("Calendar", "events:calendar"),)
    dashboard_panel = "events.dashboard.panel"
    demo_seeder = "events.demo.seed"
    first_step = "events.steps.first_step"
