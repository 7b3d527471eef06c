from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils.timezone import localdate

from accounts.tests.factories import UserFactory
from training.models import CredentialReminder, CredentialType
from training.selectors import add_years
from training.services import credential_reminders_send
from training.tests.factories import credential

pytestmark = pytest.mark.django_db(transaction=True)
TODAY = localdate()


def expiring_in(days: int, person=None):
    person = person or UserFactory.create()
    completed = add_years(TODAY + dt.timedelta(days=days), -3)
    return credential(person, days_ago=(TODAY - completed).days)


def test_it_sends_the_60_day_then_the_14_day_reminder_each_once():
    made = expiring_in(50)
    assert len(credential_reminders_send()) == 1
    assert credential_reminders_send() == []  # a second run the same day sends nothing
    assert len(mail.outbox) == 1
    assert "expires on" in mail.outbox[0].body
    assert mail.outbox[0].to == [made.person.email]
    later = TODAY + dt.timedelta(days=40)
    assert [r.days_before for r in credential_reminders_send(on=later)] == [14]
    assert credential_reminders_send(on=later + dt.timedelta(days=1)) == []
    assert CredentialReminder.objects.filter(credential=made).count() == 2
    assert len(mail.outbox) == 2


def test_nothing_is_sent_for_far_expiry_expired_or_renewed_credentials():
    expiring_in(200)
    expiring_in(-3)
    person = UserFactory.create()
    expiring_in(30, person)
    credential(person, days_ago=5, kind=CredentialType.GCP_REFRESHER)  # renewed
    assert credential_reminders_send() == []
    assert mail.outbox == []


def test_the_command_reports_what_it_queued_and_refuses_a_bad_date():
    made = expiring_in(10)
    out = StringIO()
    call_command("send_credential_reminders", stdout=out)
    assert made.person.email in out.getvalue()
    assert "1 reminder(s) queued." in out.getvalue()
    call_command("send_credential_reminders", stdout=out)
    assert "0 reminder(s) queued." in out.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_credential_reminders", "--date", "tomorrow")
