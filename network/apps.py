from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Network", "network:sites"),)
    demo_seeder = "network.demo.seed"
    # What core's shared pages and audit's trail ask of the network (core.extensions).
    provides = {
        "dashboard": "network.dashboard.dashboard_for",
        "navigation": "network.provided.navigation",
        "refusal": "network.provided.refusal",
        "may_use_admin": "network.access.may_use_admin",
        "require_admin": "network.access.require_admin",
        "sees_study_data": "network.provided.sees_study_data",
        "audit_sites": "network.provided.audit_sites",
    }
