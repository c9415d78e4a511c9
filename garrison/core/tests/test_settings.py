"""config.settings in a clean process: a production start without a secret key stops with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def _load_settings(extra: dict[str, str], code: str = "import config.settings") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return subprocess.run(  # noqa: S603 (our own interpreter, fixed code)
        [sys.executable, "-c", code], env={**env, **extra}, cwd=REPO, capture_output=True, text=True, timeout=60
    )


def test_refuses_to_load_without_a_secret_key_in_production():
    result = _load_settings({})

    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "garrison.core.env.ConfigError: GARRISON_SECRET_KEY (or GARRISON_SECRET_KEY_FILE) is not set."
    )


def test_debug_mode_loads_with_the_development_key():
    result = _load_settings({"GARRISON_DEBUG": "1"}, "import config.settings as s; print(s.SECRET_KEY)")

    assert (result.returncode, result.stdout) == (0, "insecure-development-key-do-not-use-in-production\n")


def test_accepts_the_secret_key_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("from-a-file-" + "q" * 50 + "\n")

    result = _load_settings(
        {"GARRISON_SECRET_KEY_FILE": str(key_file)}, "import config.settings as s; print(s.SECRET_KEY)"
    )

    assert (result.returncode, result.stdout) == (0, "from-a-file-" + "q" * 50 + "\n")


def test_unreadable_secret_key_file_is_named(tmp_path):
    missing = tmp_path / "nope"

    result = _load_settings({"GARRISON_SECRET_KEY_FILE": str(missing)})

    assert result.returncode == 1
    assert f"GARRISON_SECRET_KEY_FILE: cannot read {missing}" in result.stderr


def test_key_and_key_file_together_are_refused(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("x" * 60)

    result = _load_settings({"GARRISON_SECRET_KEY": "y" * 60, "GARRISON_SECRET_KEY_FILE": str(key_file)})

    assert result.returncode == 1
    assert "set only one of GARRISON_SECRET_KEY and GARRISON_SECRET_KEY_FILE" in result.stderr
