from django.apps import AppConfig


class OutputsConfig(AppConfig):
    name = "outputs"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Outputs", "outputs:mine"),)
    dashboard_panel = "outputs.dashboard.panel"
    demo_seeder = "outputs.demo.seed"
    pending_links = "outputs.selectors.pending_links"
