"""The programme shortlist, as plain arithmetic (no Django): which programmes an applicant
can apply to, how likely each is to offer an interview, and which list gives the most
interviews one can expect within a budget.

1. Hard requirements exclude a programme, each with its reason: the visa the applicant
   needs is not one it sponsors, they graduated longer ago than it accepts, their Step 2
   CK score is under its stated minimum, or (fellowships) it is in another subspecialty.
   A requirement the programme does not publish excludes no one: the reason says to ask.
2. Interview likelihood per programme: the programme's own published rate (interviews
   offered / applications received) where curated, else a labelled assumption; then
   multiplied by stated fit factors (score against the median, research against the
   expectation, a preferred region). The applicant may replace any estimate with their
   own, which is then labelled as theirs. The numbers estimate interview offers only:
   the shortlist never turns them into anything about being matched.
3. The list: expected interviews = the sum of the chosen programmes' likelihoods (true
   whatever the dependence between programmes, by linearity of expectation). With a
   budget of N programmes the N highest likelihoods are optimal (any other choice swaps
   in a lower one). With a money budget the cost of a list is the fee for its size (tiers
   as in ERAS: a flat fee for the first programmes, then a fee per programme that rises)
   plus each programme's own fee, so the choice is a knapsack with a count: solved
   exactly by dynamic programming over (number chosen, programme fees spent).
4. Groups: reach, target and likely by the estimate against stated thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

RESIDENCY = "residency"
FELLOWSHIP = "fellowship"
STAGES = (RESIDENCY, FELLOWSHIP)

REACH, TARGET, LIKELY = "reach", "target", "likely"
GROUPS = (REACH, TARGET, LIKELY)

# An estimate is kept inside these bounds: no programme is certain, none impossible once
# its hard requirements are met.
FLOOR, CEILING = 0.01, 0.95


@dataclass(frozen=True)
class Programme:
    """The facts of one programme that the shortlist uses; `None` means not published.

    `visas` is the set of visas it sponsors (empty: it says it sponsors none; None: not
    published). `sources` maps a fact's name (`FACTS`) to where it comes from, as one
    line such as "programme website, as of 1 Sep 2026".
    """

    id: int
    name: str
    kind: str = RESIDENCY
    region: str = ""
    subspecialty: str = ""
    positions: int | None = None
    visas: frozenset[str] | None = None
    graduated_within: int | None = None
    step2_minimum: int | None = None
    step2_median: int | None = None
    research: str = "encouraged"  # none, encouraged, required
    applications: int | None = None
    interviews: int | None = None
    fee_cents: int = 0
    sources: Mapping[str, str] = field(default_factory=dict)

    def source(self, fact: str) -> str:
        found = self.sources.get(fact)
        return f" (source: {found})" if found else " (no source recorded)"


@dataclass(frozen=True)
class Applicant:
    """What the applicant tells us. `visas`: the visas that would work for them (empty:
    they need none). `graduation_year`: of their primary medical degree."""

    stage: str = RESIDENCY
    graduation_year: int | None = None
    step2: int | None = None
    visas: frozenset[str] = frozenset()
    research_outputs: int = 0
    presentations: int = 0
    regions: frozenset[str] = frozenset()
    subspecialty: str = ""


@dataclass(frozen=True)
class Fees:
    """What applying to n programmes costs, in cents: `flat` covers the first
    `flat_count`; then each further programme costs the price of its tier, a tier being
    (up to this many programmes, price each), the last with no limit (None)."""

    flat: int = 99_00
    flat_count: int = 10
    tiers: tuple[tuple[int | None, int], ...] = ((20, 17_00), (30, 21_00), (None, 28_00))

    def cost(self, n: int) -> int:
        if n <= 0:
            return 0
        total, counted = self.flat, self.flat_count
        for up_to, price in self.tiers:
            if n <= counted:
                break
            block = n - counted if up_to is None else min(n, up_to) - counted
            total += max(block, 0) * price
            counted += max(block, 0)
        return total

    def describe(self) -> str:
        parts = [f"${self.flat / 100:,.0f} for up to {self.flat_count} programmes"]
        start = self.flat_count
        for up_to, price in self.tiers:
            span = f"{start + 1} to {up_to}" if up_to is not None else f"{start + 1} and beyond"
            parts.append(f"${price / 100:,.0f} each for {span}")
            start = up_to if up_to is not None else start
        return "; ".join(parts)


# Fee tiers in the style of ERAS (the US residency application service): an assumption
# to be checked against the current fees and changed on the page.
ERAS_STYLE = Fees()


@dataclass(frozen=True)
class Budget:
    """Either a number of programmes or an amount of money (cents) with its fee tiers."""

    programmes: int | None = None
    money: int | None = None
    fees: Fees = ERAS_STYLE

    def __post_init__(self) -> None:
        if (self.programmes is None) == (self.money is None):
            raise ValueError("A budget is either a number of programmes or an amount of money.")


@dataclass(frozen=True)
class Assumptions:
    """The stated, editable numbers of the method (docs/shortlist.md explains each)."""

    # The interview rate assumed when a programme publishes none, by kind.
    residency_rate: float = 0.10
    fellowship_rate: float = 0.25
    score_margin: int = 5  # points either side of the median that count as "near" it
    above_median: float = 1.5
    below_median: float = 0.6
    research_short: float = 0.5  # research required, none yet
    research_strong: float = 1.2  # research required, two outputs or more
    research_some: float = 1.1  # research encouraged, at least one output or talk
    preferred_region: float = 1.2
    reach_under: float = 0.15
    likely_from: float = 0.40

    def rate_for(self, kind: str) -> float:
        return self.fellowship_rate if kind == FELLOWSHIP else self.residency_rate


@dataclass(frozen=True)
class Estimate:
    """An interview likelihood and how it was reached, step by step."""

    value: float
    basis: str  # "published", "assumed" or "yours"
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Exclusion:
    programme: Programme
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Pick:
    programme: Programme
    estimate: Estimate
    group: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Shortlist:
    chosen: tuple[Pick, ...]
    left_out: tuple[Pick, ...]
    excluded: tuple[Exclusion, ...]
    expected_interviews: float
    cost: int | None  # cents, for a money budget
    budget_text: str
    warnings: tuple[str, ...] = ()

    def group(self, name: str) -> list[Pick]:
        return [pick for pick in self.chosen if pick.group == name]


def percent(value: float) -> str:
    return f"{value * 100:.0f}%"


# 1. Hard requirements -------------------------------------------------------------------


def exclusion_reasons(programme: Programme, applicant: Applicant, year: int) -> list[str]:
    """Why the applicant cannot apply to the programme (empty: they can)."""
    reasons = []
    if (
        programme.kind == FELLOWSHIP
        and applicant.subspecialty
        and programme.subspecialty
        and programme.subspecialty != applicant.subspecialty
    ):
        reasons.append(
            f"It is a fellowship in {programme.subspecialty}; you chose {applicant.subspecialty}."
        )
    if applicant.visas and programme.visas is not None and not (applicant.visas & programme.visas):
        offered = ", ".join(sorted(programme.visas)) or "no visa"
        needed = " or ".join(sorted(applicant.visas))
        reasons.append(f"Visa: it sponsors {offered}; you need {needed}{programme.source('visa')}.")
    if programme.graduated_within is not None and applicant.graduation_year is not None:
        years = year - applicant.graduation_year
        if years > programme.graduated_within:
            reasons.append(
                f"Graduation year: it accepts graduates of the last {programme.graduated_within}"
                f" years; you graduated {years} years ago{programme.source('graduation')}."
            )
    minimum, score = programme.step2_minimum, applicant.step2
    if minimum is not None and score is not None and score < minimum:
        reasons.append(
            f"Step 2 CK: its minimum is {minimum}; yours is {score}{programme.source('step2')}."
        )
    return reasons


def cautions(programme: Programme, applicant: Applicant) -> list[str]:
    """Requirements the programme does not publish, or the applicant did not answer."""
    notes = []
    if applicant.visas and programme.visas is None:
        notes.append("Visa sponsorship is not published: ask the programme before applying.")
    if programme.step2_minimum is not None and applicant.step2 is None:
        notes.append(
            f"It states a Step 2 CK minimum of {programme.step2_minimum}; you gave no score."
        )
    if programme.graduated_within is not None and applicant.graduation_year is None:
        notes.append(
            f"It accepts graduates of the last {programme.graduated_within} years;"
            " you gave no graduation year."
        )
    return notes


# 2. Interview likelihood ----------------------------------------------------------------


def _base(programme: Programme, assumptions: Assumptions) -> tuple[float, str, str]:
    applications, interviews = programme.applications, programme.interviews
    if applications and interviews is not None:
        rate = interviews / applications
        text = (
            f"Published: {interviews:,} interviews offered to"
            f" {applications:,} applicants ({percent(rate)})"
            f"{programme.source('interviews')}."
        )
        return rate, "published", text
    rate = assumptions.rate_for(programme.kind)
    text = (
        f"No interview numbers published: assumed {percent(rate)} for a {programme.kind}"
        " programme (an assumption you can change)."
    )
    return rate, "assumed", text


def _score_factor(p: Programme, a: Applicant, s: Assumptions) -> tuple[float, str] | None:
    if a.step2 is None or p.step2_median is None:
        return None
    gap = a.step2 - p.step2_median
    median = f"its median Step 2 CK {p.step2_median}{p.source('step2')}"
    if gap >= s.score_margin:
        return (
            s.above_median,
            f"Your score {a.step2} is {gap} above {median}: times {s.above_median}.",
        )
    if gap <= -s.score_margin:
        return (
            s.below_median,
            f"Your score {a.step2} is {-gap} below {median}: times {s.below_median}.",
        )
    return 1.0, f"Your score {a.step2} is near {median}: no change."


def _research_factor(p: Programme, a: Applicant, s: Assumptions) -> tuple[float, str] | None:
    outputs, talks = a.research_outputs, a.presentations
    mine = f"you have {outputs} research output{'s' * (outputs != 1)}"
    expects = f"it expects research{p.source('research')}"
    if p.research == "required":
        if outputs == 0:
            return s.research_short, f"Research: {expects}; {mine}: times {s.research_short}."
        if outputs >= 2:
            return s.research_strong, f"Research: {expects}; {mine}: times {s.research_strong}."
        return 1.0, f"Research: {expects}; {mine}: no change."
    if p.research == "encouraged" and outputs + talks >= 1:
        text = f"Research is encouraged and you have outputs or talks: times {s.research_some}."
        return s.research_some, text
    return None


def _region_factor(p: Programme, a: Applicant, s: Assumptions) -> tuple[float, str] | None:
    if p.region and p.region in a.regions:
        return s.preferred_region, (
            f"In {p.region}, a region you prefer (programmes tend to favour applicants with"
            f" ties to their region; assumed): times {s.preferred_region}."
        )
    return None


def estimate(
    programme: Programme,
    applicant: Applicant,
    assumptions: Assumptions = Assumptions(),
    own: float | None = None,
) -> Estimate:
    """The interview likelihood: the base rate times each fit factor, kept within
    [FLOOR, CEILING]; or the applicant's own figure, labelled as theirs."""
    value, basis, first = _base(programme, assumptions)
    steps = [first]
    for rule in (_score_factor, _research_factor, _region_factor):
        found = rule(programme, applicant, assumptions)
        if found is not None:
            value *= found[0]
            steps.append(found[1])
    bounded = min(max(value, FLOOR), CEILING)
    if bounded != value:
        steps.append(f"Kept between {percent(FLOOR)} and {percent(CEILING)}.")
    steps.append(f"Estimate: {percent(bounded)}.")
    if own is not None:
        steps.append(f"You replaced it with your own estimate: {percent(own)}.")
        return Estimate(min(max(own, 0.0), 1.0), "yours", tuple(steps))
    return Estimate(bounded, basis, tuple(steps))


# 3. The list within the budget ----------------------------------------------------------


def best_by_count(values: Sequence[float], n: int) -> list[int]:
    """The indices of the n largest values (ties by index): optimal for a sum."""
    order = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return sorted(order[: max(n, 0)])


Chain = tuple[int, "Chain"] | None  # the chosen indices as a linked list: cheap to extend
State = dict[int, tuple[float, Chain]]  # own fees spent -> (value, chosen)


def best_by_money(
    values: Sequence[float], fees_each: Sequence[int], money: int, fees: Fees
) -> list[int]:
    """The indices that maximise the sum of values (each at least 0) with fees.cost(count)
    plus the chosen programmes' own fees within `money`: exact dynamic programming.

    Programmes without a fee of their own differ only in value, so for any number of
    them the best are the highest values: the programme runs over the programmes with a
    fee, keeping for each count k the Pareto frontier of (own fees spent, value), and
    then fills what each state leaves of the budget with the best of the others.
    """
    costs = [0]  # costs[k]: the service's fee for k programmes, while affordable
    while len(costs) <= len(values) and fees.cost(len(costs)) <= money:
        costs.append(fees.cost(len(costs)))
    most = len(costs) - 1
    free = sorted((i for i, f in enumerate(fees_each) if f == 0), key=lambda i: (-values[i], i))
    paid = [i for i, f in enumerate(fees_each) if f > 0]
    prefix = [0.0]
    for i in free[:most]:
        prefix.append(prefix[-1] + values[i])
    frontier: list[State] = [{0: (0.0, None)}]
    for i in paid:
        own, value = fees_each[i], values[i]
        for k in range(min(len(frontier), most) - 1, -1, -1):
            limit = money - costs[k + 1] - own
            if limit < 0:
                continue
            if k + 1 == len(frontier):
                frontier.append({})
            above = frontier[k + 1]
            for spent, (total, chain) in frontier[k].items():
                if spent > limit:
                    continue
                held = above.get(spent + own)
                if held is None or total + value > held[0]:
                    above[spent + own] = (total + value, (i, chain))
            frontier[k + 1] = _pareto(above)
    best: tuple[float, Chain, int] = (-1.0, None, 0)
    for k, states in enumerate(frontier):
        for spent, (total, chain) in states.items():
            extra = min(most - k, len(free))
            while extra > 0 and costs[k + extra] + spent > money:
                extra -= 1
            if total + prefix[extra] > best[0] + 1e-12:
                best = (total + prefix[extra], chain, extra)
    chosen, chain = list(free[: best[2]]), best[1]
    while chain is not None:
        chosen.append(chain[0])
        chain = chain[1]
    return sorted(chosen)


def _pareto(states: State) -> State:
    """Keep a state only if no cheaper one has as much value."""
    kept: State = {}
    best = float("-inf")
    for spent in sorted(states):
        if states[spent][0] > best:
            kept[spent] = states[spent]
            best = states[spent][0]
    return kept


# 4. Groups and the whole shortlist ------------------------------------------------------


def group_of(value: float, assumptions: Assumptions = Assumptions()) -> tuple[str, str]:
    if value < assumptions.reach_under:
        return REACH, f"Reach: an estimate under {percent(assumptions.reach_under)}."
    if value >= assumptions.likely_from:
        return LIKELY, f"Likely: an estimate of {percent(assumptions.likely_from)} or more."
    return TARGET, (
        f"Target: an estimate from {percent(assumptions.reach_under)} to under"
        f" {percent(assumptions.likely_from)}."
    )


def _pick(programme: Programme, found: Estimate, notes: list[str], s: Assumptions) -> Pick:
    group, why = group_of(found.value, s)
    return Pick(programme, found, group, (why, *found.steps, *notes))


def shortlist(
    programmes: Iterable[Programme],
    applicant: Applicant,
    budget: Budget,
    *,
    year: int,
    assumptions: Assumptions = Assumptions(),
    own: Mapping[int, float] | None = None,
) -> Shortlist:
    """The whole method: filter, estimate, choose within the budget, group and explain.

    Only programmes of the applicant's stage count (residency before residency,
    fellowship after); `year` is the year of applying, for graduation-year limits;
    `own` maps a programme id to the applicant's own estimate.
    """
    own = own or {}
    candidates: list[Pick] = []
    excluded: list[Exclusion] = []
    for programme in programmes:
        if programme.kind != applicant.stage:
            continue
        reasons = exclusion_reasons(programme, applicant, year)
        if reasons:
            excluded.append(Exclusion(programme, tuple(reasons)))
            continue
        found = estimate(programme, applicant, assumptions, own.get(programme.id))
        candidates.append(_pick(programme, found, cautions(programme, applicant), assumptions))
    values = [c.estimate.value for c in candidates]
    if budget.programmes is not None:
        chosen_at = best_by_count(values, budget.programmes)
        budget_text = f"up to {budget.programmes} programmes"
        cost = None
    else:
        assert budget.money is not None
        fees_each = [c.programme.fee_cents for c in candidates]
        chosen_at = best_by_money(values, fees_each, budget.money, budget.fees)
        cost = budget.fees.cost(len(chosen_at)) + sum(fees_each[i] for i in chosen_at)
        budget_text = f"${budget.money / 100:,.0f} ({budget.fees.describe()})"
    chosen_set = set(chosen_at)
    order = sorted(range(len(candidates)), key=lambda i: (-values[i], candidates[i].programme.name))
    chosen = tuple(candidates[i] for i in order if i in chosen_set)
    left_note = (
        f"Left out: the budget ({budget_text}) is spent on programmes with higher estimates."
    )
    left_out = tuple(
        replace(candidates[i], reasons=(left_note, *candidates[i].reasons))
        for i in order
        if i not in chosen_set
    )
    warnings = []
    if not candidates and not excluded:
        warnings.append(f"The directory has no {applicant.stage} programmes yet.")
    elif not candidates:
        warnings.append("No programme meets your requirements: see the exclusions below.")
    elif not chosen:
        warnings.append("The budget does not cover even one application.")
    return Shortlist(
        chosen=chosen,
        left_out=left_out,
        excluded=tuple(sorted(excluded, key=lambda e: e.programme.name)),
        expected_interviews=sum(values[i] for i in chosen_at),
        cost=cost,
        budget_text=budget_text,
        warnings=tuple(warnings),
    )
