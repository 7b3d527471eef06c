"""In Chromium: a person downloads their data, then deletes their account and is out.
Every page on the way runs under the enforced Content-Security-Policy: the test fails
on anything the browser refused."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from accounts.models import User
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_downloads_their_data_then_deletes_their_account(page, live_server):
    person = UserFactory.create(full_name="Dr Leaving Soon")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile("/dashboard/"))

    page.goto(f"{base}/account/profile/")
    page.get_by_role("link", name=re.compile("Download everything")).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    body = open(download.value.path(), "rb").read()  # noqa: SIM115
    data = json.loads(zipfile.ZipFile(io.BytesIO(body)).read("radcollab-data.json"))
    assert data["accounts.user"][0]["full_name"] == "Dr Leaving Soon"

    page.get_by_role("link", name="Delete your account").click()
    page.get_by_text(f"Former member #{person.pk}").first.wait_for()
    page.get_by_label(re.compile("Your password")).fill("not it")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("That is not your password; nothing was deleted.").wait_for()
    page.get_by_label(re.compile("Your password")).fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_text("Your account is deleted.").wait_for()
    assert User.objects.get(pk=person.pk).full_name == f"Former member #{person.pk}"
    assert not refused, refused
