from django.apps import AppConfig


class RecommendConfig(AppConfig):
    name = "recommend"
    verbose_name = "For you"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("For you", "recommend:for_you", "recommend.access.shows_for_you"),)
    dashboard_panel = "recommend.dashboard.panel"
    demo_seeder = "recommend.demo.seed"
