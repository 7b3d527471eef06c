"""The named people every access test uses: each role, at site A or B, a newcomer whose
request to join site A waits for its site lead (`pending`), and an outsider.

`Personas.build()` makes them through the factories; `personas` (a pytest fixture
in the root conftest) hands them to any test, and `two_factor` hands them over with
two-factor on, as every privileged action asks (network.access).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.testing.mfa import enable_totp
from network.models import Membership, Role, Site
from network.tests.factories import MembershipFactory, RegionFactory, SiteFactory

# persona name -> (role, which site) ; None means network-wide or no membership.
ROSTER: dict[str, tuple[Role | None, str | None]] = {
    "trainee": (Role.TRAINEE, "a"),
    "mentor": (Role.MENTOR, "a"),
    "site_lead_a": (Role.SITE_LEAD, "a"),
    "site_lead_b": (Role.SITE_LEAD, "b"),
    "committee": (Role.COMMITTEE, None),
    "statistician": (Role.STATISTICIAN, None),
    "admin": (Role.ADMIN, None),
    "pending": (Role.TRAINEE, "a"),
    "outsider": (None, None),
}
# Personas whose membership is a request still waiting (network.access: pending members).
PENDING = frozenset({"pending"})


@dataclass
class Personas:
    site_a: Site
    site_b: Site
    people: dict[str, User]

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["people"][name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def names(self) -> list[str]:
        return list(self.people)

    def with_two_factor(self, *names: str) -> Personas:
        """Turn TOTP on for the personas named (all of them when none is named)."""
        for name in names or self.names:
            enable_totp(self.people[name])
        return self

    @classmethod
    def build(cls) -> Personas:
        region = RegionFactory.create(name="Persona region")
        site_a = SiteFactory.create(name="Site A Hospital", region=region)
        site_b = SiteFactory.create(name="Site B Hospital", region=region)
        sites = {"a": site_a, "b": site_b}
        people: dict[str, User] = {}
        for name, (role, site_key) in ROSTER.items():
            title = name.replace("_", " ").title()
            person = UserFactory.create(email=f"{name}@personas.test", full_name=title)
            if role is not None:
                status = Membership.Status.PENDING if name in PENDING else Membership.Status.ACTIVE
                MembershipFactory.create(
                    person=person, role=role, site=sites.get(site_key or ""), status=status
                )
            people[name] = person
        return cls(site_a=site_a, site_b=site_b, people=people)
