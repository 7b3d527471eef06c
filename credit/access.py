"""Who may see and change a study's collaborator list: the one place credit asks.

- The network committee sees everyone's contributions and why they qualify, sets the
  rules, names the writing committee, asks people to confirm their names, corrects
  names, locks and unlocks the list and exports it. Each of these is a privileged
  action, so it needs two-factor authentication, as `network.access.PRIVILEGED` asks of
  every other committee action.
- A person who holds (or held) a role in the study sees their own contributions and
  the published (locked) list, and confirms their own name.
- Anyone else is told the study does not exist (404), as capture does.

The network dashboard (`credit.dashboard`) is the committee's, with two-factor, like
every other committee page: its figures are counts, but by site. Its public summary
(counts by region only, small counts suppressed) is anyone's once the committee switches
it on (`DashboardSetting.public_summary`), and a 404 until then.

Portfolio studies (`credit.portfolio`) are kept by the site lead of their site and by
the committee, both with two-factor; everyone else is told they do not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from capture.models import Study, StudyRole
from credit.models import AuthorList, DashboardSetting, NameConfirmation, PortfolioStudy
from network import access as network_access
from network.models import Role, Site

if TYPE_CHECKING:
    from accounts.models import User
    from credit.models import ContributionRecord


def is_committee(user: User) -> bool:
    """The role alone (navigation and page layout ask it); `require_committee` is the gate."""
    return Role.COMMITTEE in network_access.roles_of(user)


def require_committee(user: User) -> None:
    """The gate before any change to rules, names or the lock: committee, then two-factor."""
    if not is_committee(user):
        raise PermissionDenied("Only the network committee changes authorship lists.")
    if not network_access.has_two_factor(user):
        raise network_access.TwoFactorRequired(
            "Authorship lists need two-factor authentication: set it up under Account → Two-factor."
        )


def has_study_role(user: User, study: Study) -> bool:
    """Whether the person holds or held any role in the study (ended roles still count:
    people who did the work and moved on are still credited)."""
    return StudyRole.objects.filter(study=study, person_id=user.pk).exists()


def get_study(user: User, pk: int) -> Study:
    """A study the person may see the credit of: the committee, or someone in the study."""
    study = Study.objects.filter(pk=pk).first()
    if study is None or not (is_committee(user) or has_study_role(user, study)):
        raise Http404("No such study.")
    return study


def get_study_to_manage(user: User, pk: int) -> tuple[Study, AuthorList | None]:
    """A study and its author list (None before rules are set), for the committee only."""
    study = get_study(user, pk)
    require_committee(user)
    return study, AuthorList.objects.filter(study=study).first()


def get_author_list_to_manage(user: User, pk: int) -> AuthorList:
    _, author_list = get_study_to_manage(user, pk)
    if author_list is None:
        raise Http404("Set the authorship rules of this study first.")
    return author_list


def get_own_name(user: User, pk: int) -> NameConfirmation:
    """The person's own name on a study's list; 404 when they were never asked."""
    study = get_study(user, pk)
    name = (
        NameConfirmation.objects.filter(author_list__study=study, person_id=user.pk)
        .select_related("author_list__study")
        .first()
    )
    if name is None:
        raise Http404("You have not been asked to confirm a name for this study.")
    return name


def may_see_full_list(user: User) -> bool:
    """The full computed list, with everyone's reasons: the committee's view only."""
    return is_committee(user)


def require_dashboard(user: User) -> None:
    """The gate of the network dashboard, its exports and its settings."""
    if not is_committee(user):
        raise PermissionDenied("The network dashboard is the committee's.")
    if not network_access.has_two_factor(user):
        raise network_access.TwoFactorRequired(
            "The network dashboard needs two-factor authentication: "
            "set it up under Account → Two-factor."
        )


def public_summary_on() -> bool:
    return DashboardSetting.objects.filter(pk=1, public_summary=True).exists()


def require_public_summary() -> None:
    if not public_summary_on():
        raise Http404("The network has not published a summary.")


def sites_led(user: User) -> list[Site]:
    """The sites where the person is an active site lead."""
    return [
        m.site
        for m in network_access.memberships_of(user)
        if m.role == Role.SITE_LEAD and m.site is not None
    ]


def portfolio_sites(user: User) -> list[Site]:
    """Where the person may record portfolio studies: every site for the committee."""
    if is_committee(user):
        return list(Site.objects.order_by("name"))
    return sites_led(user)


def may_keep_portfolio(user: User) -> bool:
    """Navigation's question: the role alone."""
    return is_committee(user) or bool(sites_led(user))


def require_portfolio(user: User) -> None:
    """The gate of the portfolio pages: a site lead or the committee, then two-factor."""
    if not may_keep_portfolio(user):
        raise Http404("No such page.")
    if not network_access.has_two_factor(user):
        raise network_access.TwoFactorRequired(
            "Portfolio studies need two-factor authentication: "
            "set it up under Account → Two-factor."
        )


def require_portfolio_site(user: User, site: Site) -> None:
    require_portfolio(user)
    if not is_committee(user) and site.pk not in {s.pk for s in sites_led(user)}:
        raise PermissionDenied("Only the site lead of this site records its portfolio studies.")


def get_portfolio_study(user: User, pk: int) -> PortfolioStudy:
    """A portfolio study the person keeps: the site lead of its site, or the committee."""
    study = PortfolioStudy.objects.select_related("site__region").filter(pk=pk).first()
    led = {s.pk for s in sites_led(user)} if user.is_authenticated else set()
    if study is None or not (is_committee(user) or study.site_id in led):
        raise Http404("No such portfolio study.")
    require_portfolio(user)
    return study


def shows_credit(user: User) -> bool:
    """Whether the navigation offers Credit: to the people Studies is offered to (those who
    take part in a study, and the committee who set its authorship rules and reads the
    dashboard) and to site leads, who keep their portfolio studies here. A way in only;
    each credit page still asks the rules above."""
    from capture.access import shows_studies

    return shows_studies(user) or (user.is_authenticated and may_keep_portfolio(user))


# --- Contribution records (credit.contributions) ---------------------------------------


def sites_confirmed_by(user: User, study: Study) -> set[int]:
    """The network sites whose collaborators' contributions `user` confirms in `study`:
    where they are the study's site lead now (an ended role confirms nothing), or the
    network's site lead of a participating site."""
    if not user.is_authenticated:
        return set()
    in_study = set(
        StudyRole.objects.filter(
            study=study,
            person_id=user.pk,
            role=StudyRole.Role.SITE_LEAD,
            ended_at__isnull=True,
            study_site__isnull=False,
        ).values_list("study_site__site_id", flat=True)
    )
    participating = set(study.study_sites.values_list("site_id", flat=True))
    return in_study | ({s.pk for s in sites_led(user)} & participating)


def get_study_to_confirm(user: User, pk: int) -> tuple[Study, set[int] | None]:
    """A study whose contribution records the person confirms, and the sites they may
    (None: every site, the committee). 404 for anyone who confirms none; two-factor."""
    study = Study.objects.filter(pk=pk).first()
    if study is None:
        raise Http404("No such study.")
    if is_committee(user):
        require_committee(user)
        return study, None
    sites = sites_confirmed_by(user, study)
    if not sites:
        raise Http404("No such study.")
    if not network_access.has_two_factor(user):
        raise network_access.TwoFactorRequired(
            "Confirming contributions needs two-factor authentication: "
            "set it up under Account → Two-factor."
        )
    return study, sites


def may_confirm(sites: set[int] | None, home: int | None, user: User, person_id: int) -> bool:
    """Whether someone who confirms `sites` (None: the committee) may confirm the record
    of a person credited under `home`: never their own, and a site lead only at their
    sites (people of no site, a steering committee, are the committee's to confirm)."""
    if person_id == user.pk:
        return False
    return sites is None or (home is not None and home in sites)


def get_contribution_record(user: User, study_pk: int, person_pk: int) -> ContributionRecord:
    """A confirmed contribution record: its person, their site's confirmers, the committee."""
    from credit.models import ContributionRecord

    found = (
        ContributionRecord.objects.filter(study_id=study_pk, person_id=person_pk)
        .select_related("study", "person", "site", "confirmed_by")
        .first()
    )
    if found is None:
        raise Http404("No confirmed contribution record.")
    if found.person_id == user.pk:
        return found
    if is_committee(user):
        require_committee(user)
        return found
    if found.site_id is None or found.site_id not in sites_confirmed_by(user, found.study):
        raise Http404("No confirmed contribution record.")
    return found
