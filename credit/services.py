"""Writes of collaborative credit: rules, writing committee, names, the lock.

Each service is one transaction that writes its audit row. The list's own rows
(who did what) are never written here: they are counted from the work itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record, diff_fields
from capture.models import Study
from credit import core, selectors
from credit.models import AuthorList, DashboardSetting, NameConfirmation, WritingCommitteeMember

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

RULE_FIELDS = (
    "consortium_name",
    "min_complete_records",
    "min_validations",
    "site_leads_qualify",
    "writing_committee_qualify",
    "credit_roles_qualify",
    "grouping",
)
NAME_FIELDS = ("given_names", "family_name", "orcid", "affiliation")
LOCKED = "The list is locked for submission: unlock it first (the committee, with a reason)."


def _refuse_if_locked(author_list: AuthorList) -> None:
    if author_list.is_locked:
        raise ValidationError(LOCKED)


@transaction.atomic
def rules_save(
    *, actor: User, study: Study, rules: core.Rules, project: Project | None = None
) -> AuthorList:
    """Set the study's authorship rules (creating its author list the first time)."""
    problems = rules.problems()
    if problems:
        raise ValidationError(problems)
    author_list = AuthorList.objects.select_for_update().filter(study=study).first()
    before: dict[str, object] = {}
    if author_list is None:
        author_list = AuthorList(study=study)
    else:
        _refuse_if_locked(author_list)
        before = {name: getattr(author_list, name) for name in (*RULE_FIELDS, "project_id")}
    for name in RULE_FIELDS:
        setattr(author_list, name, getattr(rules, name))
    author_list.consortium_name = rules.consortium_name.strip()
    author_list.project = project
    author_list.updated_by = actor
    if author_list.pk:
        author_list.version += 1
    author_list.save()
    after = {name: getattr(author_list, name) for name in (*RULE_FIELDS, "project_id")}
    audit_record(
        actor=actor, action="credit.rules", obj=author_list, changes=diff_fields(before, after)
    )
    return author_list


@transaction.atomic
def writing_committee_add(
    *, actor: User, author_list: AuthorList, person: User, role: str = "Member"
) -> WritingCommitteeMember:
    _refuse_if_locked(author_list)
    role = role.strip() or "Member"
    if len(role) > 60:
        raise ValidationError({"role": "Keep the role under 60 characters."})
    if author_list.writing_committee.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already on the writing committee."})
    member = WritingCommitteeMember.objects.create(
        author_list=author_list, person=person, role=role
    )
    audit_record(
        actor=actor,
        action="credit.committee_add",
        obj=author_list,
        changes={"writing_committee": (None, f"{person} ({role})")},
    )
    return member


@transaction.atomic
def writing_committee_remove(*, actor: User, member: WritingCommitteeMember) -> None:
    _refuse_if_locked(member.author_list)
    audit_record(
        actor=actor,
        action="credit.committee_remove",
        obj=member.author_list,
        changes={"writing_committee": (f"{member.person} ({member.role})", None)},
    )
    member.delete()


@transaction.atomic
def confirmations_request(*, actor: User, author_list: AuthorList) -> int:
    """Ask everyone who qualifies today, and was not asked before, to confirm their name.

    The first guess is their account name (honorifics dropped) and the site they
    worked at; they correct it themselves on their confirmation page.
    """
    _refuse_if_locked(author_list)
    listing = selectors.computed_list(author_list)
    asked = set(author_list.confirmations.values_list("person_id", flat=True))
    new = [
        NameConfirmation(
            author_list=author_list,
            person_id=person.person_id,
            given_names=person.given_names,
            family_name=person.family_name or "?",
            affiliation=person.affiliation,
            asked_by=actor,
        )
        for group in listing.groups
        for person in group.people
        if person.person_id not in asked
    ]
    NameConfirmation.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="credit.confirmations_request",
            obj=author_list,
            changes={"asked": (None, len(new))},
        )
    return len(new)


def clean_name(values: Mapping[str, object]) -> dict[str, str]:
    """The name fields trimmed and checked; ValidationError names each field at fault."""
    cleaned = {name: str(values.get(name) or "").strip() for name in NAME_FIELDS}
    errors: dict[str, str] = {}
    if not cleaned["family_name"]:
        errors["family_name"] = "Give the family name as it should be printed."
    limits = {"given_names": 120, "family_name": 120, "affiliation": 300}
    for name, limit in limits.items():
        if len(cleaned[name]) > limit:
            errors[name] = f"Keep it under {limit} characters."
    if cleaned["orcid"]:
        problem = core.orcid_problem(cleaned["orcid"])
        if problem:
            errors["orcid"] = problem
        cleaned["orcid"] = core.clean_orcid(cleaned["orcid"])
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def name_confirm(
    *, actor: User, name: NameConfirmation, values: Mapping[str, object]
) -> NameConfirmation:
    """The person confirms (and may correct) their own name, ORCID iD and affiliation."""
    if name.person_id != actor.pk:
        raise ValidationError("Only the person named confirms their own name.")
    if name.author_list.is_locked:
        raise ValidationError(
            "The list is locked for submission: ask the committee to correct your name."
        )
    cleaned = clean_name(values)
    return _write_name(
        actor, name, cleaned, NameConfirmation.State.CONFIRMED, "credit.name_confirm"
    )


@transaction.atomic
def name_decline(*, actor: User, name: NameConfirmation) -> NameConfirmation:
    """The person asks not to be listed (they can confirm again while the list is open)."""
    if name.person_id != actor.pk:
        raise ValidationError("Only the person named declines for themselves.")
    _refuse_if_locked(name.author_list)
    values = {field: getattr(name, field) for field in NAME_FIELDS}
    return _write_name(actor, name, values, NameConfirmation.State.DECLINED, "credit.name_decline")


@transaction.atomic
def name_correct(
    *, actor: User, name: NameConfirmation, values: Mapping[str, object], reason: str
) -> NameConfirmation:
    """The committee corrects a name; once the list is locked this needs a reason, and
    the locked list is corrected with it."""
    author_list = AuthorList.objects.select_for_update().get(pk=name.author_list_id)
    if author_list.is_locked and not reason.strip():
        raise ValidationError({"reason": "Say why a locked list changes (it is audited)."})
    cleaned = clean_name(values)
    name = _write_name(actor, name, cleaned, name.state, "credit.name_correct", reason)
    if author_list.is_locked:
        for group in author_list.locked_list.get("groups", []):
            for person in group["people"]:
                if person["person_id"] == name.person_id:
                    person.update(cleaned)
        author_list.save(update_fields=["locked_list", "updated_at"])
    return name


def _write_name(
    actor: User,
    name: NameConfirmation,
    values: dict[str, str],
    state: str,
    action: str,
    reason: str = "",
) -> NameConfirmation:
    before = {field: getattr(name, field) for field in (*NAME_FIELDS, "state")}
    for field, value in values.items():
        setattr(name, field, value)
    name.state = state
    if action != "credit.name_correct":
        name.answered_at = timezone.now()
    name.save(update_fields=[*NAME_FIELDS, "state", "answered_at", "updated_at"])
    after = {field: getattr(name, field) for field in (*NAME_FIELDS, "state")}
    audit_record(
        actor=actor, action=action, obj=name, changes=diff_fields(before, after), reason=reason
    )
    return name


@transaction.atomic
def list_lock(*, actor: User, author_list: AuthorList) -> core.AuthorList:
    """Lock the list at submission: what it is now is what exports and the page show."""
    author_list = AuthorList.objects.select_for_update().get(pk=author_list.pk)
    _refuse_if_locked(author_list)
    listing = selectors.computed_list(author_list)
    if not listing.size:
        raise ValidationError("Nobody qualifies under these rules: there is no list to lock.")
    author_list.locked_list = core.to_json(listing)
    author_list.locked_at = timezone.now()
    author_list.locked_by = actor
    author_list.save(update_fields=["locked_list", "locked_at", "locked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="credit.lock",
        obj=author_list,
        changes={"locked": (False, True), "collaborators": (None, listing.size)},
    )
    return listing


@transaction.atomic
def list_unlock(*, actor: User, author_list: AuthorList, reason: str) -> AuthorList:
    """Reopen a locked list (a journal asks for a change): the committee, with a reason."""
    author_list = AuthorList.objects.select_for_update().get(pk=author_list.pk)
    if not author_list.is_locked:
        raise ValidationError("The list is not locked.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the locked list is reopened (it is audited)."})
    size = core.from_json(author_list.locked_list).size if author_list.locked_list else 0
    author_list.locked_at = None
    author_list.locked_by = None
    author_list.locked_list = {}
    author_list.save(update_fields=["locked_list", "locked_at", "locked_by", "updated_at"])
    audit_record(
        actor=actor,
        action="credit.unlock",
        obj=author_list,
        changes={"locked": (True, False), "collaborators": (size, None)},
        reason=reason.strip(),
    )
    return author_list


@transaction.atomic
def dashboard_setting_save(*, actor: User, public_summary: bool) -> DashboardSetting:
    """Switch the dashboard's public summary on or off; an audit row says who did."""
    setting = DashboardSetting.current()
    before = {"public_summary": setting.public_summary}
    setting.public_summary = public_summary
    setting.updated_by = actor
    setting.save()
    audit_record(
        actor=actor,
        action="credit.dashboard.settings",
        obj=setting,
        changes=diff_fields(before, {"public_summary": public_summary}),
    )
    return setting
