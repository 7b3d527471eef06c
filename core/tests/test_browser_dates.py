"""In Chromium: a task's edit form shows its due date and saving it unchanged keeps it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Task
from projects.tests.factories import make_project
from projects.workspace import task_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DUE = dt.date(2027, 3, 9)


def test_a_task_saved_unchanged_keeps_its_due_date(browser, live_server, personas):
    lead = personas.mentor
    lead.time_zone = "America/Chicago"
    lead.save(update_fields=["time_zone"])
    project = make_project(lead)
    task = task_create(actor=lead, project=project, title="Draft the protocol", due_on=DUE)
    client = Client()
    client.force_login(lead)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()

    page.goto(live_server.url + reverse("projects:task", args=[task.pk]))
    due = page.get_by_label("Due on")
    assert due.input_value() == "2027-03-09", "the browser shows the saved date"
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Task saved.").wait_for()

    assert Task.objects.get(pk=task.pk).due_on == DUE
    context.close()
