"""Ship one research-certificate template and the associate-PI checklist; both stay editable."""

from django.db import migrations

CERTIFICATE = "Research certificate (college model)"
CERTIFICATE_DESCRIPTION = (
    "Modelled on a college research certificate for radiology trainees: evidence of taking "
    "part in research across training. Administrators may edit the counts for their programme."
)
# name, description, pieces of evidence needed
CATEGORIES = [
    (
        "Research meetings and journal clubs",
        "Attendance at departmental research meetings or journal clubs.",
        6,
    ),
    ("Annual research day", "Attendance at the annual research day of the region or college.", 1),
    (
        "Undertaking research",
        "Taking an active part in a research project, audit or collaborative study.",
        1,
    ),
    ("Presenting", "Presenting research at a local, national or international meeting.", 1),
    ("Publishing", "A peer-reviewed publication or a published abstract.", 1),
    (
        "Courses",
        "Courses in research methods: statistics, Good Clinical Practice, critical appraisal.",
        2,
    ),
]

ASSOCIATE_PI = "Associate principal investigator scheme"
ASSOCIATE_PI_DESCRIPTION = (
    "At least six months working alongside the principal investigator of a portfolio study; "
    "each item is signed off by the named supervisor."
)
ITEMS = [
    "Signing the study delegation log",
    "Completing case report forms and resolving data queries",
    "Completing the screening log",
    "Taking consent and recruiting participants",
    "Training staff in the study",
    "Presenting the study to the department",
    "Attending study team meetings",
    "Deputising for the principal investigator",
    "Patient and public involvement activity",
]


def seed(apps, schema_editor):
    RequirementSet = apps.get_model("training", "RequirementSet")
    RequirementCategory = apps.get_model("training", "RequirementCategory")
    ChecklistTemplate = apps.get_model("training", "ChecklistTemplate")
    ChecklistTemplateItem = apps.get_model("training", "ChecklistTemplateItem")
    requirement_set, created = RequirementSet.objects.get_or_create(
        name=CERTIFICATE, defaults={"description": CERTIFICATE_DESCRIPTION}
    )
    if created:
        RequirementCategory.objects.bulk_create(
            RequirementCategory(
                requirement_set=requirement_set,
                name=name,
                description=description,
                required_count=count,
                position=position,
            )
            for position, (name, description, count) in enumerate(CATEGORIES, start=1)
        )
    template, created = ChecklistTemplate.objects.get_or_create(
        name=ASSOCIATE_PI, defaults={"description": ASSOCIATE_PI_DESCRIPTION, "minimum_months": 6}
    )
    if created:
        ChecklistTemplateItem.objects.bulk_create(
            ChecklistTemplateItem(template=template, text=text, position=position)
            for position, text in enumerate(ITEMS, start=1)
        )


def unseed(apps, schema_editor):
    apps.get_model("training", "RequirementSet").objects.filter(
        name=CERTIFICATE, trackers__isnull=True
    ).delete()
    apps.get_model("training", "ChecklistTemplate").objects.filter(
        name=ASSOCIATE_PI, checklists__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_credentials_trackers_checklists_goals")]

    operations = [migrations.RunPython(seed, unseed)]
