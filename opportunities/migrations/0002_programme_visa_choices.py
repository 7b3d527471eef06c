"""Visa sponsorship becomes a choice of known visas (`Programme.Visa`): rewrite the free
text saved before in that form, keeping anything unrecognised in the notes."""

from __future__ import annotations

from typing import Any

from django.db import migrations

# The choices as they stood when this migration was written, in their stored order.
ORDER = ["J-1", "H-1B", "O-1", "Skilled Worker", "Other", "None"]
SYNONYMS = {
    "j-1": "J-1",
    "j1": "J-1",
    "h-1b": "H-1B",
    "h1b": "H-1B",
    "o-1": "O-1",
    "o1": "O-1",
    "skilled worker": "Skilled Worker",
    "skilled worker visa": "Skilled Worker",
    "tier 2": "Skilled Worker",
    "tier 2 visa": "Skilled Worker",
    "other": "Other",
    "none": "None",
    "no": "None",
}


def normalise(text: str) -> tuple[str, bool]:
    """The value in the new form, and whether something had to be guessed."""
    parts = [p.strip() for p in text.replace("/", ",").replace(";", ",").split(",") if p.strip()]
    found = {SYNONYMS.get(p.lower(), "Other") for p in parts}
    guessed = any(p.lower() not in SYNONYMS for p in parts)
    if "None" in found and len(found) > 1:
        found.discard("None")
        guessed = True
    return ", ".join(v for v in ORDER if v in found), guessed


def forwards(apps: Any, schema_editor: Any) -> None:
    Programme = apps.get_model("opportunities", "Programme")
    for programme in Programme.objects.exclude(visa_sponsorship=""):
        value, guessed = normalise(programme.visa_sponsorship)
        if value == programme.visa_sponsorship:
            continue
        if guessed:
            before = f"Visa sponsorship as entered before: {programme.visa_sponsorship}."
            programme.notes = f"{programme.notes}\n\n{before}".strip()
        programme.visa_sponsorship = value
        programme.save(update_fields=["visa_sponsorship", "notes"])


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
