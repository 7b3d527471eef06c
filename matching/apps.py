from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Mentoring", "matching:index"),)
    demo_seeder = "matching.demo.seed"
