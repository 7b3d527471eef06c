from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads land in a scratch directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"
