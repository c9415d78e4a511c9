"""`garrison serve` as a real process: web and worker come up, SIGTERM stops both and exits 0."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(var_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "SYSTEMROOT"}}
    return {
        **keep,
        "GARRISON_SECRET_KEY": "serve-test-key-" + "x1y2z3" * 10,
        "GARRISON_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONUNBUFFERED": "1",
    }


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "garrison.cli", *args]


def _wait_healthy(url: str, process: subprocess.Popen[str], headers: dict[str, str] | None = None) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback URL built here)
                if headers is not None:
                    headers.update(response.headers.items())
                return response.read().decode()
        except OSError:
            time.sleep(0.2)
    pytest.fail("serve did not answer /health in 30 seconds")


def test_serve_runs_web_and_worker_and_stops_cleanly_on_sigterm(tmp_path):
    env = _env(tmp_path)
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        _cli("migrate"),
        env=env,
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=120,
    )
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
        headers: dict[str, str] = {}
        body = _wait_healthy(f"http://127.0.0.1:{port}/health", process, headers)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert body == '{"status": "ok"}'
    assert "Server" not in headers  # no server name or version leaks from the real WSGI server
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert process.returncode == 0
    assert output.rstrip().endswith("task worker stopped\nstopped")
    worker_pid = int(re.search(r"task worker started \(pid (\d+)\)", output).group(1))  # type: ignore[union-attr]
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)


def test_serve_refuses_a_bad_port_with_exit_2(tmp_path):
    result = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        _cli("serve", "--port", "70000"), env=_env(tmp_path), cwd=REPO, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 2
    assert "--port" in result.stderr
