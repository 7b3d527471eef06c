from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "credit"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Credit", "credit:mine", "credit.access.shows_credit"),)
    demo_seeder = "credit.demo.seed"
    pending_links = "credit.selectors.pending_links"
    provides = {"citable_contributions": "credit.contributions.citable_for"}
