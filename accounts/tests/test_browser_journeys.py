"""The first journey, in a real Chromium: sign up, verify, sign in, turn on two-factor."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.tests.test_signup import confirmation_link
from core.testing.mfa import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "browser.trainee@example.org"
PASSWORD = "a-long-and-unusual-passphrase"
PASSWORD_LABEL = re.compile(r"^Password:?$")


def choose_a_hospital_and_grade(page) -> None:
    """Sign-up asks where the person works and their grade (the hospital may be unlisted)."""
    page.get_by_label(re.compile("My hospital is not listed")).fill("St Elsewhere, Harrogate")
    page.get_by_label(re.compile("^Grade")).select_option(label="ST3")


def sign_in(page, base_url: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_a_trainee_signs_up_verifies_signs_in_and_turns_on_two_factor(page, live_server):
    base = live_server.url
    page.goto(f"{base}/")
    page.get_by_role("link", name="Create an account").click()

    page.get_by_label("Full name").fill("Dr Browser Trainee")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    choose_a_hospital_and_grade(page)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    # The verification email went through the task queue to the email backend.
    link = confirmation_link(mail.outbox[-1])
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()

    page.goto(f"{base}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    sign_in(page, base)
    page.get_by_role("heading", name="Welcome, Dr").wait_for()

    page.get_by_text("Account", exact=True).click()
    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("link", name="Activate").click()
    reauthenticate = page.get_by_role("heading", name="Confirm Access")
    # Either page may follow the click; is_visible() alone would not wait for it.
    page.locator("#authenticator_secret").or_(reauthenticate).wait_for()
    if reauthenticate.is_visible():
        # allauth asks for the password again before a security change.
        page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.get_by_role("heading", name="Recovery Codes").wait_for()
    codes = page.get_by_label("Unused codes").input_value().split()
    assert codes, "recovery codes are shown once two-factor is on"

    page.goto(f"{base}/dashboard/")
    assert "Two-factor authentication: on" in page.locator("main").inner_text()

    # Signing in again now asks for a second factor; a recovery code answers it.
    page.goto(f"{base}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    sign_in(page, base)
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("heading", name="Welcome, Dr").wait_for()


def test_a_bad_sign_up_shows_the_error_next_to_the_field(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Full name").fill("Someone")
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_label(PASSWORD_LABEL).fill("short")
    page.get_by_label("Password (again)").fill("short")
    choose_a_hospital_and_grade(page)
    page.get_by_role("button", name="Sign Up").click()
    field = page.get_by_label(PASSWORD_LABEL)
    assert field.get_attribute("aria-invalid") == "true"
    assert "too short" in page.locator(".errorlist").first.inner_text()


def test_the_dashboard_fits_a_phone_screen(browser, live_server, personas):
    from django.test import Client

    session = Client()
    session.force_login(personas.site_lead_a)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_cookies(
        [{"name": "sessionid", "value": session.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_role("heading", name=re.compile("Welcome")).wait_for()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    assert page.get_by_role("navigation", name="Main").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    context.close()
