"""The newcomer's journey, measured: from the sign-up form to a mentor request and a
project application, counting every click and every form field the person fills.

The limits are the product's promise (issue 14): at most 15 clicks and 12 fields. The
request and the application start from what the profile says, so the person types only
what nobody else knows (what they read of the mentor's work). The counts are printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from accounts.tests.test_signup import confirmation_link
from mentors.models import ContactRequest
from mentors.stats import mentor_stats_refresh
from mentors.tests.factories import make_mentor
from network.models import Membership, Role
from network.tests.factories import MembershipFactory, SiteFactory, TrainingSchemeFactory
from people.models import Term
from people.services import taxonomy_seed
from projects.models import Application
from projects.tests.factories import make_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_CLICKS = 15
MAX_FIELDS = 12


@dataclass
class Counter:
    """Every click and every field filled, in order, so a failure shows the journey."""

    page: object
    steps: list[str] = field(default_factory=list)
    clicks: int = 0
    fields: int = 0

    def click(self, locator, what: str) -> None:
        self.clicks += 1
        self.steps.append(f"click {self.clicks}: {what}")
        locator.click()

    def fill(self, locator, value: str, what: str) -> None:
        self.fields += 1
        self.steps.append(f"field {self.fields}: {what}")
        locator.fill(value)

    def choose(self, locator, label: str, what: str) -> None:
        self.fields += 1
        self.steps.append(f"field {self.fields}: {what}")
        locator.select_option(label=label)

    def tick(self, locator, what: str) -> None:
        """A tick box is both a click and a field filled: counted as both."""
        self.clicks += 1
        self.fields += 1
        self.steps.append(f"click {self.clicks} / field {self.fields}: {what}")
        locator.check()


@pytest.fixture
def network(db):
    """A hospital with its site lead, a mentor taking trainees, and a project with roles."""
    taxonomy_seed()
    leeds = SiteFactory.create(name="Leeds General Infirmary", city="Leeds")
    SiteFactory.create(name="St James's University Hospital", city="Leeds")
    scheme = TrainingSchemeFactory.create(name="Yorkshire and Humber radiology")
    lead = UserFactory.create(full_name="Dr Amaka Obi")
    MembershipFactory.create(person=lead, role=Role.SITE_LEAD, site=leeds)
    mentor = UserFactory.create(full_name="Dr Rhys Morgan")
    MembershipFactory.create(person=mentor, role=Role.MENTOR, site=leeds)
    make_mentor(mentor, site=leeds)
    mentor_stats_refresh()  # the directory reads the recounted track records
    neuro = Term.objects.get(kind="subspecialty", name="Neuroradiology")
    make_project(mentor, sites=[leeds], subspecialty=neuro, title="Diffusion MRI in stroke mimics")
    return {"site": leeds, "scheme": scheme, "mentor": mentor, "lead": lead}


def test_a_newcomer_signs_up_and_sends_a_mentor_request_and_an_application_in_few_steps(
    page, live_server, network
):
    base = live_server.url
    journey = Counter(page)
    page.goto(base + "/accounts/signup/")

    # The sign-up form: account, hospital (a searchable list), scheme and grade.
    field = page.locator  # by name: the labels' wording belongs to the product shell
    journey.fill(field("[name=full_name]"), "Dr Priya Shah", "full name")
    journey.fill(field("[name=email]"), "priya.shah@nhs.example", "email")
    journey.fill(field("[name=password1]"), "calm-radiology-2026!", "password")
    journey.fill(field("[name=password2]"), "calm-radiology-2026!", "password again")
    journey.fill(field("[name=hospital]"), "Leeds General Infirmary", "hospital, from the list")
    journey.choose(field("[name=scheme]"), "Yorkshire and Humber radiology", "scheme")
    journey.choose(field("[name=grade]"), "ST3", "grade")
    journey.click(page.get_by_role("button", name=re.compile("Sign up", re.I)), "sign up")
    page.wait_for_url(re.compile("/accounts/confirm-email/"))

    # The verification email, from the outbox; the link's page asks for one confirmation.
    message = next(m for m in mail.outbox if "priya.shah@nhs.example" in m.to)
    link = confirmation_link(message)
    journey.clicks += 1
    journey.steps.append(f"click {journey.clicks}: the link in the email")
    page.goto(base + "/" + link.split("://", 1)[1].split("/", 1)[1])
    journey.click(page.get_by_role("button", name="Confirm"), "confirm the address")
    page.wait_for_url(re.compile("/dashboard/"))
    assert "waiting for its site lead, Dr Amaka Obi" in page.content()
    assert Membership.objects.get(person__email="priya.shah@nhs.example").status == "pending"

    # First steps: the research profile (grade and scheme are there from sign-up).
    journey.click(page.get_by_role("link", name="Complete your research profile"), "profile")
    journey.tick(page.get_by_label("Neuroradiology").first, "interest: neuroradiology")
    journey.fill(page.get_by_label(re.compile("Hours per week", re.I)), "4", "hours a week")
    journey.click(page.get_by_role("button", name="Save"), "save the profile")
    page.wait_for_url(re.compile("/dashboard/"))
    assert "1 of 5 done" in page.content()

    # Find a mentor: the directory, filtered by the profile's interest, near the hospital.
    journey.click(page.get_by_role("link", name="Find a mentor"), "find a mentor")
    journey.click(page.get_by_role("link", name="Dr Rhys Morgan"), "the mentor's page")
    journey.click(page.get_by_role("link", name=re.compile("Write to")), "write to the mentor")
    who = page.get_by_label(re.compile("who I am", re.I))
    assert "ST3 radiology trainee at Leeds General Infirmary" in who.input_value()
    assert "Neuroradiology" in who.input_value()
    assert page.get_by_label(re.compile("Hours a week", re.I)).input_value() == "4"
    # The draft says what the profile says; why this mentor is the newcomer's to add (a
    # request needs at least 20 words of "who I am", and the profile alone gives fewer).
    journey.fill(
        who,
        who.input_value() + " I want to learn diffusion imaging from the person who wrote on it.",
        "why this mentor, added to the drafted 'who I am'",
    )
    journey.fill(
        page.get_by_label(re.compile("what I read", re.I)),
        "Your paper on diffusion MRI in stroke mimics: I would like to extend its reading "
        "protocol to our TIA clinic and collect the cases at Leeds.",
        "what I read of your work",
    )
    journey.click(page.get_by_role("button", name="Send request"), "send the request")
    page.wait_for_url(re.compile("/mentors/requests/"))
    assert ContactRequest.objects.filter(trainee__email="priya.shah@nhs.example").exists()

    # Find a project: the board sorts by fit for the profile.
    journey.click(page.get_by_role("link", name="Projects", exact=True).first, "projects")
    journey.click(page.get_by_role("link", name="Diffusion MRI in stroke mimics"), "the project")
    journey.click(page.get_by_role("link", name=re.compile("^Apply for")).first, "apply")
    note = page.get_by_label(re.compile("Why you", re.I)).input_value()
    assert "Leeds General Infirmary" in note
    assert "4 hours a week" in note
    journey.click(page.get_by_role("button", name="Send application"), "send the application")
    page.wait_for_url(re.compile("/projects/\\d+/"))
    assert Application.objects.filter(applicant__email="priya.shah@nhs.example").exists()

    print("\nNewcomer journey, sign-up form to both requests sent:")
    print("\n".join(f"  {step}" for step in journey.steps))
    print(
        f"  clicks: {journey.clicks} (limit {MAX_CLICKS}); fields: {journey.fields} "
        f"(limit {MAX_FIELDS})"
    )
    assert journey.clicks <= MAX_CLICKS, journey.steps
    assert journey.fields <= MAX_FIELDS, journey.steps
