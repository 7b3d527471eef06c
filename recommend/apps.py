from django.apps import AppConfig


class RecommendConfig(AppConfig):
    name = "recommend"
    verbose_name = "For you"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("For you", "recommend:for_you", "recommend.access.shows_for_you"),)
    dashboard_panel = "recommend.dashboard.panel"
    demo_seeder = "recommend.demo.seed"

    def ready(self) -> None:
        from people.signals import trainee_profile_changed
        from recommend.signals import queue_refresh_on_profile_change

        trainee_profile_changed.connect(
            queue_refresh_on_profile_change, dispatch_uid="recommend.profile_changed"
        )
