"""`garrison scheduler --once` and the scheduler child of `garrison serve`, as real processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from garrison.cli.tests.test_serve import REPO, _cli, _env, _free_port


def test_scheduler_once_then_serve_runs_and_stops_the_scheduler(tmp_path: Path) -> None:
    env = _env(tmp_path)
    subprocess.run(_cli("migrate"), env=env, cwd=REPO, check=True, capture_output=True, timeout=180)  # noqa: S603
    once = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        _cli("scheduler", "--once"), env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert once.returncode == 0, once.stderr
    assert "0 deliveries requeued, 0 pages escalated, digest" in once.stdout

    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
        _cli("serve", "--port", str(port), "--threads", "2"),
        env=env,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, "serve exited early"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("serve did not answer in 30 seconds")
                time.sleep(0.2)
        time.sleep(1.5)  # let the scheduler child start its loop
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    pid = int(re.search(r"scheduler started \(pid (\d+)\)", output).group(1))  # type: ignore[union-attr]
    assert "scheduler stopped" in output
    assert output.rstrip().endswith("task worker stopped\nstopped")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_scheduler_help_runs_without_django_settings() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "garrison.cli", "scheduler", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "--once" in result.stdout
