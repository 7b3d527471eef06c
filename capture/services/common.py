"""What the capture services share: the audit scope of a study's rows."""

from __future__ import annotations

from capture.models import Study


def audit_scope(study: Study) -> str:
    return f"study:{study.pk}"
