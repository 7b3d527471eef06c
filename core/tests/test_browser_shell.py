"""Every main page of every role, on a phone: no sideways scrolling, no serious axe finding.

One live server, one browser and one demo network for the whole test, so that it stays
fast: each persona (core/testing/personas.py, two-factor on, as their roles ask) opens
every main page at 390 x 844 and the test collects every failure before it reports them
all at once. The accessibility check is axe-core, vendored in core/testing/vendor (no test
needs the internet); a finding counts when axe rates it serious or critical.

The same network checks the shell itself: the sections a trainee sees, the Menu button on
a phone, the focus ring's contrast and that Esc closes a glossary tooltip.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from core.testing.browser import axe_findings, with_axe
from core.testing.demo import demo_network
from core.testing.personas import Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
DEMO_DICTIONARY = Path(__file__).resolve().parents[2] / "capture/data/demo_ct_head_audit.csv"

# What sticks out past the right edge: the outermost elements wider than the viewport that
# no scrolling box of their own contains.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  // An absolutely placed element may escape its scrolling box: it counts as loose.
  const contained = e => {
    if (getComputedStyle(e).position === "absolute") return false;
    for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll("body *")].filter(e => {
    const box = e.getBoundingClientRect();
    return box.right > width + 1 && getComputedStyle(e).position !== "fixed" && !contained(e);
  });
  const outermost = wide.filter(e => !wide.includes(e.parentElement)).slice(0, 4);
  const name = e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim()
      ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  return `scrollWidth ${document.documentElement.scrollWidth} > ${width}: ` + outermost
    .map(e => `${name(e)} in ${name(e.parentElement)} ` +
              `(right ${Math.round(e.getBoundingClientRect().right)})`)
    .join(", ");
}"""


@dataclass(frozen=True)
class Place:
    label: str
    path: str


def persona_study(personas: Personas) -> dict[str, str]:
    """A live study at site A: its site lead enters data, the statistician analyses it.
    The trainee holds no study role, so Studies and Statistics stay out of their menu."""
    from capture import services

    committee = personas.committee
    study, _ = services.study_create(
        actor=committee,
        title="Persona CT head audit",
        dictionary_csv=DEMO_DICTIONARY.read_text(encoding="utf-8"),
    )
    site = services.study_add_site(actor=committee, study=study, site=personas.site_a, code="AAA")
    services.study_go_live(actor=committee, study=study)
    services.study_grant_role(
        actor=committee, study=study, person=personas.site_lead_a, role="site_lead", study_site=site
    )
    services.study_grant_role(
        actor=committee, study=study, person=personas.statistician, role="statistician"
    )
    services.study_grant_role(actor=committee, study=study, person=personas.admin, role="admin")
    record = services.record_create(actor=personas.site_lead_a, study=study, study_site=site)
    return {
        "study": reverse("capture:study", args=[study.pk]),
        "records": reverse("capture:records", args=[study.pk]),
        "entry": reverse("capture:entry", args=[study.pk, record.pk, "baseline"]),
        "analysis": reverse("stats:study", args=[study.pk]),
        "tokens": reverse("capture:tokens", args=[study.pk]),
    }


def main_pages(personas: Personas, study: dict[str, str]) -> list[Place]:
    """The pages people come for (radcollab/urls.py), with one record of each kind."""
    from capture.models import Study
    from credit.demo import TITLE as CLOSED_STUDY
    from events.models import Conference
    from opportunities.models import Opportunity, Programme
    from people.models import MentorProfile
    from projects.models import Project

    closed = Study.objects.get(title=CLOSED_STUDY)
    mentor = MentorProfile.objects.order_by("pk").first()
    project = Project.objects.order_by("pk").first()
    conference = Conference.objects.order_by("pk").first()
    opportunity = Opportunity.objects.order_by("pk").first()
    programme = Programme.objects.order_by("pk").first()
    # seed_demo made one of each.
    assert mentor is not None
    assert project is not None
    assert conference is not None
    assert opportunity is not None
    assert programme is not None
    return [
        Place("dashboard", reverse("dashboard")),
        Place("mentor directory", reverse("mentors:directory")),
        Place("a mentor", reverse("mentors:mentor", args=[mentor.person_id])),
        Place("mentoring requests", reverse("mentors:requests")),
        Place("project board", reverse("projects:board")),
        Place("my projects", reverse("projects:mine")),
        Place("a project", project.get_absolute_url()),
        Place("calendar", reverse("events:calendar")),
        Place("a conference", conference.get_absolute_url()),
        Place("feeds", reverse("events:feeds")),
        Place("opportunities", reverse("opportunities:list")),
        Place("an opportunity", reverse("opportunities:detail", args=[opportunity.pk])),
        Place("programmes", reverse("opportunities:programmes")),
        Place("a programme", reverse("opportunities:programme", args=[programme.pk])),
        Place("glossary", reverse("glossary:index")),
        Place("outputs", reverse("outputs:mine")),
        Place("training", reverse("training:home")),
        Place("network", reverse("network:sites")),
        Place("a site", reverse("network:site", args=[personas.site_a.pk])),
        Place("research map", reverse("network:map")),
        Place("research profile", reverse("people:me")),
        Place("account", reverse("accounts:profile")),
        Place("API tokens", reverse("accounts:tokens")),
        Place("two-factor", reverse("mfa_index")),
        Place("studies", reverse("capture:studies")),
        Place("a study", study["study"]),
        Place("study records", study["records"]),
        Place("study entry form", study["entry"]),
        Place("statistics", reverse("stats:index")),
        Place("a study's analyses", study["analysis"]),
        Place("study tokens", study["tokens"]),
        Place("join a hospital", reverse("network:join")),
        Place("requests to decide", reverse("network:requests")),
        Place("my roles", reverse("accounts:roles")),
        Place("waiting for my confirmation", reverse("confirm_links")),
        Place("import outputs", reverse("outputs:import")),
        Place("my credit", reverse("credit:mine")),
        Place("a study's author list", reverse("credit:study", args=[closed.pk])),
        Place("network dashboard", reverse("credit:network")),
        Place("portfolio studies", reverse("credit:portfolio")),
        Place("mentoring schemes", reverse("matching:index")),
    ]


SIGNED_OUT = [
    Place("home", "/"),
    Place("sign in", "/accounts/login/"),
    Place("sign up", "/accounts/signup/"),
    Place("password reset", "/accounts/password/reset/"),
]


def open_as(browser: Any, base: str, person: Any | None, viewport: dict[str, int]) -> Any:
    context = with_axe(browser.new_context(viewport=viewport))
    context.set_default_timeout(20_000)
    if person is not None:
        client = Client()
        client.force_login(person)
        context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
        )
    opened = context.new_page()
    # Chromium reports each thing the Content-Security-Policy refused on the console.
    opened.csp_refused = []
    opened.on("console", lambda m: _note_csp(opened, m.text))
    return opened


def _note_csp(page: Any, text: str) -> None:
    if "Content Security Policy" in text:
        page.csp_refused.append(text[:200])


# The page's own content without what differs per session (CSRF tokens), to run axe once
# on content that several roles see alike (a 403 page, a list that does not change by role).
MAIN_CONTENT = """() => {
  const main = document.querySelector("main");
  if (!main) return document.body.innerHTML;
  const copy = main.cloneNode(true);
  copy.querySelectorAll("[name=csrfmiddlewaretoken]").forEach(e => e.remove());
  return copy.innerHTML;
}"""


def check_page(page: Any, base: str, who: str, place: Place, seen: set[str]) -> list[str]:
    """Sideways scrolling always; axe once per distinct content of the page (`seen`)."""
    response = page.goto(base + place.path)
    status = response.status if response is not None else 0
    if status >= 500:
        return [f"{who:<13} {place.label}: the server answered {status}"]
    page.wait_for_load_state("load")
    found = [f"{who:<13} {place.label} ({place.path}) CSP: {m}" for m in page.csp_refused]
    page.csp_refused.clear()
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        found.append(f"{who:<13} {place.label} ({place.path}) scrolls sideways: {overflow}")
    content = hashlib.sha256(f"{place.path}\n{page.evaluate(MAIN_CONTENT)}".encode()).hexdigest()
    if content not in seen:
        seen.add(content)
        found += [f"{who:<13} {place.label} ({place.path}) axe {v}" for v in axe_findings(page)]
    return found


def nav_labels(page: Any) -> list[str]:
    labels: list[str] = page.locator(".nav-sections a").all_inner_texts()
    return [label.strip() for label in labels]


def test_every_main_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server):
    demo_network()
    personas = Personas.build().with_two_factor()
    study = persona_study(personas)
    pages = main_pages(personas, study)
    base = live_server.url
    failures: list[str] = []
    seen: set[str] = set()

    page = open_as(browser, base, None, PHONE)
    for place in SIGNED_OUT:
        failures += check_page(page, base, "anonymous", place, seen)
    page.context.close()

    for who in personas.names:
        # Each person's dashboard is checked whole (their own header and menus); other
        # pages by their content, which is what changes from page to page.
        page = open_as(browser, base, personas.people[who], PHONE)
        for place in pages:
            failures += check_page(page, base, who, place, seen)
        page.context.close()
        # The laptop's bar shows the sections instead of the Menu button: check it too.
        page = open_as(browser, base, personas.people[who], LAPTOP)
        laptop = Place("dashboard (laptop)", "/dashboard/")
        failures += check_page(page, base, who, laptop, set())
        page.context.close()

    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_the_shell_offers_each_role_its_sections_and_a_phone_menu(browser, live_server, two_factor):
    personas = two_factor
    persona_study(personas)
    base = live_server.url

    trainee = open_as(browser, base, personas.trainee, LAPTOP)
    trainee.goto(base + "/dashboard/")
    sections = nav_labels(trainee)
    assert {"Mentors", "Projects"} <= set(sections), sections
    assert not {"Studies", "Statistics"} & set(sections), sections
    assert trainee.locator(".nav-sections a[aria-current=page]").inner_text() == "Dashboard"
    trainee.get_by_text("Account", exact=True).click()
    menu = trainee.locator(".user-menu ul")
    for item in ("Research profile", "Two-factor", "API tokens", "Sign out"):
        assert menu.get_by_role("link", name=item).is_visible(), item
    trainee.keyboard.press("Escape")
    assert not menu.is_visible(), "Esc closes the user menu"

    lead = open_as(browser, base, personas.site_lead_a, LAPTOP)
    lead.goto(base + "/dashboard/")
    assert "Studies" in nav_labels(lead)
    analyst = open_as(browser, base, personas.statistician, LAPTOP)
    analyst.goto(base + "/dashboard/")
    assert {"Studies", "Statistics"} <= set(nav_labels(analyst))

    phone = open_as(browser, base, personas.trainee, PHONE)
    phone.goto(base + "/projects/")
    assert not phone.locator(".nav-sections").is_visible(), "the bar's sections fold on a phone"
    phone.locator(".nav-menu summary").click()
    phone_menu = phone.locator(".nav-menu ul")
    assert phone_menu.get_by_role("link", name="Mentors").is_visible()
    assert phone_menu.locator("a[aria-current=page]").inner_text() == "Projects"
    assert not phone.locator("details.filters .grid").first.is_visible(), (
        "the board's filters fold away on a phone"
    )
    phone.locator("details.filters summary").click()
    assert phone.get_by_label("Research type").is_visible()


CONTRAST = r"""() => {
  const channel = c => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = rgb => {
    const [r, g, b] = rgb.match(/[\d.]+/g).map(Number);
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ring = getComputedStyle(document.activeElement);
  // The page's colour: the first opaque background from the body up, else white.
  const opaque = [document.body, document.documentElement]
    .map(e => getComputedStyle(e).backgroundColor)
    .find(c => !/rgba\(.*,\s*0\)$/.test(c) && c !== "transparent");
  const page = opaque || "rgb(255, 255, 255)";
  const [a, b] = [luminance(ring.outlineColor), luminance(page)].sort((x, y) => y - x);
  return {width: parseFloat(ring.outlineWidth), style: ring.outlineStyle,
          ratio: (a + 0.05) / (b + 0.05)};
}"""


def test_the_focus_ring_stands_out_and_esc_closes_a_tooltip(browser, live_server, personas):
    from glossary.demo import seed

    seed()
    base = live_server.url
    page = open_as(browser, base, personas.trainee, LAPTOP)
    page.goto(base + "/glossary/")
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the product mark
    ring = page.evaluate(CONTRAST)
    assert ring["style"] != "none", ring
    assert ring["width"] >= 2, ring
    assert ring["ratio"] >= 3, f"the focus ring's contrast is {ring['ratio']:.1f}:1"

    term = page.locator(".glossary-term").first
    term.focus()
    tip = term.locator(".glossary-tip")
    # Shown, the tip is a box of text (22rem); hidden, a clipped speck (1px and its padding).
    assert tip.bounding_box()["width"] > 100, "focus shows the tooltip"
    page.keyboard.press("Escape")
    assert tip.bounding_box()["width"] < 30, "Esc hides the tooltip"
    assert page.evaluate("document.activeElement.classList.contains('glossary-term')"), (
        "Esc leaves the focus where it was"
    )
    page.keyboard.press("Tab")
    term.focus()
    assert tip.bounding_box()["width"] > 100, "it shows again on the next focus"

    # On a phone, a tooltip near the right edge moves left instead of widening the page.
    phone = open_as(browser, base, personas.trainee, PHONE)
    phone.goto(base + "/glossary/")
    terms = phone.locator(".glossary-term")
    for n in range(min(terms.count(), 8)):
        terms.nth(n).focus()
        phone.wait_for_timeout(50)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"tooltip {n} widens the page to {width}px"
