"""The email task moved to `core.tasks` (every layer queues email); this name stays so
that messages queued before the move, stored as `accounts.tasks.deliver_email`, are
still delivered."""

from core.tasks import deliver_email

__all__ = ["deliver_email"]
