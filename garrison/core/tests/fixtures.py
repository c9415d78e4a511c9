"""Access to ../shared/fixtures: skip cleanly when the folder is absent, fail under CI=true (it is always there)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_FIXTURES = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"


def shared_fixture(*parts: str) -> Path:
    path = SHARED_FIXTURES.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared fixture missing in CI: {path}")
        pytest.skip(f"shared fixture not present: {path}")
    return path
