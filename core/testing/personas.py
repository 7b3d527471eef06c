"""The named people every access test uses: each role, at site A or B, a newcomer whose
request to join site A waits for its site lead (`pending`), and an outsider.

`Personas.build()` makes them through the factories; `personas` (a pytest fixture
in the root conftest) hands them to any test, and `two_factor` hands them over with
two-factor on, as every privileged action asks (network.access).
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.tests.factories import PASSWORD_HASH
from core.testing.mfa import enable_totp
from network.models import Membership, Role, Site
from network.tests.factories import RegionFactory, SiteFactory

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
        """The region, the two sites, then the people, their addresses and their
        memberships a table at a time: nearly every database test builds them, and a
        factory's save per row took 32 queries (3.6 ms on SQLite, 8 ms on PostgreSQL)."""
        region = RegionFactory.create(name="Persona region")
        site_a = SiteFactory.create(name="Site A Hospital", region=region)
        site_b = SiteFactory.create(name="Site B Hospital", region=region)
        sites = {"a": site_a, "b": site_b}
        people = dict(
            zip(
                ROSTER,
                User.objects.bulk_create(
                    User(
                        email=f"{name}@personas.test",
                        full_name=name.replace("_", " ").title(),
                        password=PASSWORD_HASH,
                    )
                    for name in ROSTER
                ),
                strict=True,
            )
        )
        # A verified primary address, as allauth needs to let a person sign in.
        EmailAddress.objects.bulk_create(
            EmailAddress(user=person, email=person.email, verified=True, primary=True)
            for person in people.values()
        )
        Membership.objects.bulk_create(
            Membership(
                person=people[name],
                role=role,
                site=sites.get(site_key or ""),
                status=Membership.Status.PENDING if name in PENDING else Membership.Status.ACTIVE,
            )
            for name, (role, site_key) in ROSTER.items()
            if role is not None
        )
        return cls(site_a=site_a, site_b=site_b, people=people)
