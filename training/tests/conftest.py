from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded certificates go to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
