from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    default_auto_field = "django.db.models.BigAutoField"
    nav_links = (("Projects", "projects:board"),)
    dashboard_panel = "projects.dashboard.panel"
    demo_seeder = "projects.demo.seed"
    pending_links = "projects.selectors.pending_links"
    provides = {
        "open_projects_by_site": "projects.selectors.open_project_counts_by_site",
        "current_projects_for_mentor": "projects.selectors.current_projects_for_mentor",
    }
    first_step = "projects.steps.first_step"
