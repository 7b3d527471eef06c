"""The mentoring section of the dashboard: requests waiting for my reply, and my own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.extensions import Panel
from mentors.selectors import sent_waiting, waiting_for_reply
from people.models import MentorProfile

if TYPE_CHECKING:
    from accounts.models import User


def panel(user: User) -> Panel | None:
    """A mentor sees who waits for a reply and a link to their public page; a trainee
    sees the requests they sent that are still waiting. Hidden when neither applies."""
    profile = MentorProfile.objects.filter(person=user).only("pk", "accepting_trainees").first()
    waiting = waiting_for_reply(user)
    sent = sent_waiting(user)
    if profile is None and not waiting and not sent:
        return None
    context = {"profile": profile, "waiting": waiting, "sent": sent}
    return Panel(template="mentors/dashboard_panel.html", context=context)
