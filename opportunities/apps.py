from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Opportunities", "opportunities:list"),)
    demo_seeder = "opportunities.demo.seed"
