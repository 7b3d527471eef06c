from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    default_auto_field = "django.db.models.BigAutoField"
    first_step = "people.steps.first_step"
    demo_seeder = "people.demo.seed_people"
