"""Signals other apps may listen to without `people` importing them.

``trainee_profile_changed`` is sent once per saved change of a trainee profile (fields or
interests and skills), after the audit row, inside the saving transaction; ``person_id``
names whose, and ``created`` says whether the profile was new. Listeners that start work
elsewhere should do so on commit.
"""

from __future__ import annotations

from django.dispatch import Signal

trainee_profile_changed = Signal()
