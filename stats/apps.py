from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = "Statistics"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Statistics", "stats:index", "stats.access.shows_statistics"),)
    demo_seeder = "stats.demo.seed"
    # capture's study page links to the analyses without importing this later app.
    provides = {"may_analyse_study": "stats.access.may_analyse"}
