"""Real components for the notify tests: an SMTP server (aiosmtpd) and an HTTP server on loopback, and a helper
that files a report through the real intake service with its on-commit hooks run."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

TITLE = "Zebra heap overflow in upload parser"
DESCRIPTION = "Send 4096 bytes of AAAA to /upload and the parser smashes its stack"
REPORTER_EMAIL = "finder@example.net"
REPORTER_NAME = "Fiona Finder"
EMBARGOED = (TITLE, DESCRIPTION, "core-api", REPORTER_NAME, "Zebra", "4096 bytes")


class _Sink:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.original_content)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[_Sink]:
    """A real SMTP server on 127.0.0.1; Django's SMTP backend sends to it."""
    sink = _Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield sink
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class HttpRecorder:
    url: str
    requests: list[Received] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in order; 202 once used up


@pytest.fixture
def http_server() -> Iterator[HttpRecorder]:
    recorder = HttpRecorder(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            recorder.requests.append(Received(self.path, dict(self.headers.items()), json.loads(raw)))
            status = recorder.statuses.pop(0) if recorder.statuses else 202
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"result": "ok"}')

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def file_report(personas: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """File a report through issue_intake, running its on-commit hooks (and theirs)."""
    from garrison.issues.models import Channel
    from garrison.issues.services import ReportData, issue_intake

    def _file(*, exploited: bool = False, email: str = REPORTER_EMAIL, component: Any = None, title: str = TITLE):
        report = ReportData(
            title=title,
            description=DESCRIPTION,
            component_id=(component or personas.world["core_api"]).pk,
            reporter_name=REPORTER_NAME if email else "",
            reporter_email=email,
            exposure="exploited" if exploited else "",
        )
        with django_capture_on_commit_callbacks(execute=True):
            return issue_intake(report=report, channel=Channel.FORM)

    return _file
