from django.apps import AppConfig


class MentorsConfig(AppConfig):
    name = "mentors"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Mentors", "mentors:directory"),)
    first_step = "mentors.steps.first_step"
    dashboard_panel = "mentors.dashboard.panel"
    demo_seeder = "mentors.demo.seed"
    # Lower layers whose writes change a track record's inputs ask for the recount
    # (people's profiles, outputs' authors); the board filters by a mentor's record.
    provides = {
        "track_records_recount": "mentors.stats.mentor_stats_refresh_for_people",
        "people_with_mentor_record": "mentors.selectors.people_with_record",
    }
