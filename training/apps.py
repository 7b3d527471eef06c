from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Training and portfolio"
    nav_links = (("Training", "training:home"),)
    dashboard_panel = "training.dashboard.panel"
    demo_seeder = "training.demo.seed"
    first_step = "training.steps.first_step"
