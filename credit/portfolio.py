"""Portfolio-study recruitment: external (e.g. NIHR portfolio) studies a site takes part
in, the site's target, its monthly recruitment and the trainees involved.

The site lead of the site keeps them (and the committee may); the dashboard totals them
by region and year (`figures`). Every change is an audit row (`credit.portfolio.*`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from audit.services import audit_record, diff_fields
from credit.models import PortfolioRecruitment, PortfolioStudy, PortfolioTrainee
from network.models import Site

if TYPE_CHECKING:
    from accounts.models import User
    from credit.dashboard import Figure


def _audit(actor: User, action: str, study: PortfolioStudy, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=f"credit.portfolio.{action}",
        obj=study,
        changes=diff_fields({}, changes) if action != "update" else changes,
        site=study.site,
    )


@transaction.atomic
def study_save(
    *,
    actor: User,
    site: Site,
    title: str,
    reference: str,
    target: int,
    study: PortfolioStudy | None = None,
) -> PortfolioStudy:
    """Record a study at the site, or change one; the caller checked access (site lead)."""
    if study is None:
        study = PortfolioStudy.objects.create(
            site=site, title=title, reference=reference, target=target, recorded_by=actor
        )
        _audit(actor, "create", study, {"title": title, "reference": reference, "target": target})
        return study
    old = {"title": study.title, "reference": study.reference, "target": study.target}
    study.title, study.reference, study.target = title, reference, target
    study.save(update_fields=["title", "reference", "target", "updated_at"])
    new = {"title": title, "reference": reference, "target": target}
    _audit(actor, "update", study, diff_fields(old, new))
    return study


@transaction.atomic
def month_record(
    *, actor: User, study: PortfolioStudy, month: dt.date, recruited: int
) -> PortfolioRecruitment:
    """The month's recruitment (a second entry for the same month replaces the first)."""
    first = month.replace(day=1)
    row, _ = PortfolioRecruitment.objects.update_or_create(
        study=study, month=first, defaults={"recruited": recruited}
    )
    _audit(actor, "month", study, {"month": first.isoformat(), "recruited": recruited})
    return row


@transaction.atomic
def trainee_add(*, actor: User, study: PortfolioStudy, person: User, part: str) -> PortfolioTrainee:
    row, _ = PortfolioTrainee.objects.update_or_create(
        study=study, person=person, defaults={"part": part}
    )
    _audit(actor, "trainee", study, {"person": person.pk, "part": part})
    return row


@transaction.atomic
def trainee_remove(*, actor: User, row: PortfolioTrainee) -> None:
    audit_record(
        actor=actor,
        action="credit.portfolio.trainee_remove",
        obj=row.study,
        changes={"person": (row.person_id, None)},
        site=row.study.site,
    )
    row.delete()


def recruited_total(study: PortfolioStudy) -> int:
    return study.months.aggregate(n=Sum("recruited"))["n"] or 0


def figures() -> list[Figure]:
    """The dashboard's totals by region, and recruitment per year by region."""
    from credit.dashboard import Figure, region_names, suppress, years
    from credit.dashboard import per_year as yearly_sums

    studies = Counter[str]()
    target = Counter[str]()
    for row in PortfolioStudy.objects.values("site__region__name").annotate(
        n=Count("pk"), target=Sum("target")
    ):
        studies[row["site__region__name"]] += row["n"]
        target[row["site__region__name"]] += row["target"] or 0
    span = years(timezone.localdate())
    recruited = Counter[str]()
    per_year: dict[str, Counter[int]] = defaultdict(Counter)
    for row in PortfolioRecruitment.objects.values("study__site__region__name").annotate(
        n=Sum("recruited"), **yearly_sums("month", span, dates=True, total="recruited")
    ):
        region = row["study__site__region__name"]
        recruited[region] += row["n"] or 0
        for i, year in enumerate(span):
            per_year[region][year] += row[f"y{i}"] or 0
    trainees = Counter[str]()
    for region, n in PortfolioTrainee.objects.values_list("study__site__region__name").annotate(
        n=Count("person", distinct=True)
    ):
        trainees[region] += n
    totals = Figure(
        "portfolio-region",
        "Recruitment to portfolio studies by region",
        "External (e.g. NIHR portfolio) studies the region's sites take part in, as their "
        "site leads record them: target, participants recruited, and trainees involved.",
        ["Studies", "Target", "Recruited", "Trainees involved"],
    )
    for name in region_names(studies):
        if studies[name]:
            totals.rows.append(
                (name, [studies[name], target[name], recruited[name], trainees[name]])
            )
    yearly = Figure(
        "portfolio-year",
        "Portfolio recruitment per year",
        "Participants recruited to portfolio studies, by region (1 to 4 shown as “<5”).",
        [*map(str, span), "All"],
        suppressed=True,
    )
    for name in region_names(per_year):
        if name in per_year:
            counts = [per_year[name][y] for y in span]
            yearly.rows.append((name, [*map(suppress, counts), suppress(sum(counts))]))
    return [totals, yearly]
