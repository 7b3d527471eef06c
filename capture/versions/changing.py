"""Changing the dictionary of a study: a draft replaced, or the one proposed version."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.services import audit_record
from capture.logic.changes import rule_changes
from capture.models import Designation, DictionaryVersion, Entry, Study
from capture.services import audit_scope, read_dictionary
from capture.versions.preview import Fate
from capture.versions.reading import (
    MAX_CSV_CHARS,
    _fields,
    applied_version,
    digest,
    needs_versioning,
    proposal_of,
)
from core.exceptions import EditConflict
from formats.datadictionary import (
    Issue,
)

if TYPE_CHECKING:
    from accounts.models import User

# --- Changing the dictionary ----------------------------------------------------------


@transaction.atomic
def dictionary_change(
    *,
    actor: User,
    study: Study,
    csv_text: str,
    note: str = "",
    base: str | None = None,
    keep_plan: bool = False,
) -> tuple[DictionaryVersion, tuple[Issue, ...]]:
    """A new dictionary for the study: in design without data it replaces the draft;
    otherwise it becomes (or replaces) the study's proposed version, to be previewed.

    `base` is the fingerprint of the dictionary text the person started from (the
    draft or the proposal); a change made from a stale one raises EditConflict. A new
    text clears the proposal's renames and mappings unless `keep_plan` (the builder's
    edits keep them, an upload states them afresh).
    """
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.status == Study.Status.CLOSED:
        raise ValidationError({"dictionary": "The study is closed: its dictionary is final."})
    if len(csv_text) > MAX_CSV_CHARS:
        raise ValidationError({"dictionary": "The dictionary is over 2 MB: is it the right file?"})
    _, issues, _ = read_dictionary(csv_text)
    if not needs_versioning(study):
        return _replace_draft(actor, study, csv_text, note, base), issues
    proposal = proposal_of(study)
    working = proposal.csv if proposal else applied_version(study).csv
    _check_base(working, base)
    if proposal is None:
        applied = applied_version(study)
        proposal = DictionaryVersion(
            study=study,
            number=applied.number + 1,
            state=DictionaryVersion.State.PROPOSED,
            design=applied.design,  # the events in use go on with the new dictionary
        )
    previous = digest(proposal.csv) if proposal.pk else None
    proposal.csv, proposal.note, proposal.created_by = csv_text, note[:300], actor
    if not keep_plan:
        proposal.renames, proposal.mappings = {}, {}
    if proposal.pk:
        proposal.save(update_fields=["csv", "note", "created_by", "renames", "mappings"])
    else:
        proposal.save()
    audit_record(
        actor=actor,
        action="dictionary.propose",
        obj=study,
        changes={"proposed_version": (previous, f"v{proposal.number} {digest(csv_text)}")},
        reason=note,
        scope=audit_scope(study),
    )
    return proposal, issues


def _check_base(working: str, base: str | None) -> None:
    if base is not None and base != digest(working):
        raise EditConflict(
            "Someone changed the data dictionary since you opened it: reload and make "
            "your change again.",
            current={},
            version=0,
        )


def _replace_draft(
    actor: User, study: Study, csv_text: str, note: str, base: str | None
) -> DictionaryVersion:
    draft = applied_version(study)
    _check_base(draft.csv, base)
    dead = dead_rules(draft.csv, csv_text) + designated_missing(study, csv_text)
    if dead:
        raise ValidationError({"dictionary": dead})
    before = digest(draft.csv)
    draft.csv = csv_text
    draft.note = note[:300] or draft.note
    draft.save(update_fields=["csv", "note"])
    audit_record(
        actor=actor,
        action="dictionary.replace",
        obj=study,
        changes={"dictionary": (before, digest(csv_text))},
        reason=note,
        scope=audit_scope(study),
    )
    return draft


def designated_missing(study: Study, csv_text: str) -> list[str]:
    """Forms a longitudinal study's events collect that a new dictionary no longer has."""
    designated = Designation.objects.filter(event__study=study).values_list(
        "instrument", "event__unique_name"
    )
    if not designated:
        return []
    forms = {f.form for f in _fields(csv_text)}
    return [
        f"The form {form} is collected at the event {event}: keep it, or stop collecting it "
        "there first (Events and arms)."
        for form, event in designated
        if form not in forms
    ]


def _moves_off_events(study: Study, fates: dict[str, Fate]) -> list[str]:
    """Fields moving to a form that is not collected at an event where records hold them:
    in a longitudinal study a value moves within its event, so the new form must be there."""
    moving = [f for f in fates.values() if f.new is not None and f.new.form != f.old.form]
    if not moving:
        return []
    forms_at: dict[str, set[str]] = {}
    for event, form in Designation.objects.filter(event__study=study).values_list(
        "event__unique_name", "instrument"
    ):
        forms_at.setdefault(event, set()).add(form)
    held = Entry.objects.filter(record__study=study, event__isnull=False)
    found = []
    for fate in moving:
        assert fate.new is not None
        events = (
            held.filter(instrument=fate.old.form, data__has_key=fate.old.name)
            .values_list("event__unique_name", flat=True)
            .distinct()
        )
        found += [
            f"{fate.old.name} moves to the form {fate.new.form}, which is not collected at the "
            f"event {event} where records hold it: designate {fate.new.form} there first."
            for event in sorted(events)
            if fate.new.form not in forms_at.get(event, set())
        ]
    return found


def dead_rules(old_csv: str, new_csv: str) -> list[str]:
    """Rules a draft keeps that read a choice code the new text no longer has.

    A draft has no data and so no mappings: the rule is named for the designer to change.
    """
    old, _, _ = read_dictionary(old_csv)
    new, _, _ = read_dictionary(new_csv)
    kept = {f.name for f in new.fields}
    names = {f.name: f.name for f in old.fields if f.name in kept}
    return [
        f"{rule.field}, {rule.column} “{rule.proposed}”: {dead.problem}; change the rule "
        "or keep the code"
        for rule in rule_changes(old.fields, new.fields, names, {})
        for dead in rule.dead
    ]


@transaction.atomic
def proposal_plan(
    *,
    actor: User,
    version: DictionaryVersion,
    renames: dict[str, str],
    mappings: dict[str, dict[str, str]],
) -> DictionaryVersion:
    """Store the admin's renames and mappings on the proposal (checked on preview and apply)."""
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("That version is no longer a proposal.")
    version.renames = {str(k): str(v) for k, v in renames.items()}
    version.mappings = {
        str(name): {str(code): str(target) for code, target in codes.items()}
        for name, codes in mappings.items()
    }
    version.save(update_fields=["renames", "mappings"])
    return version


@transaction.atomic
def proposal_discard(*, actor: User, version: DictionaryVersion) -> None:
    """Drop a proposal that was never applied (the applied version and all data stay)."""
    if version.state != DictionaryVersion.State.PROPOSED:
        raise ValidationError("Only a proposed version can be discarded.")
    study = version.study
    audit_record(
        actor=actor,
        action="dictionary.discard",
        obj=study,
        changes={"proposed_version": (f"v{version.number} {digest(version.csv)}", None)},
        scope=audit_scope(study),
    )
    version.delete()
