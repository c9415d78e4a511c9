"""How a delivery leaves Garrison: one sender per channel, listed by hand in CHANNELS.

A sender raises DeliveryError with a short, secret-free reason when the message did not go out; the worker then
retries with back-off (see services/delivery.py). Pager payloads follow the Opsgenie Alerts API (POST /v2/alerts)
or PagerDuty Events API v2 (POST /v2/enqueue), chosen by GARRISON_PAGER_KIND; both carry only the issue key and
a link, never embargoed text. The key (GenieKey header, or PagerDuty routing_key) is added at send time only, so
it never sits in the delivery log.
"""

from __future__ import annotations

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage

from garrison.core.crypto import open_text
from garrison.notify.models import Delivery, DeliveryChannel

WEBHOOK_TIMEOUT_SECONDS = 10
PAGER_KINDS = ("opsgenie", "pagerduty")


class DeliveryError(Exception):
    """The message did not go out. The text is stored as the delivery's last error: keep it short, no secrets."""


def opened(delivery: Delivery) -> tuple[str, str]:
    """(recipient, body) in clear text, opening a sealed delivery."""
    if not delivery.sealed:
        return delivery.recipient, delivery.body
    return (
        open_text(delivery.recipient, associated_data=f"notify.delivery.recipient:{delivery.pk}"),
        open_text(delivery.body, associated_data=f"notify.delivery.body:{delivery.pk}") if delivery.body else "",
    )


def send_email(delivery: Delivery) -> None:
    recipient, body = opened(delivery)
    headers = {"Message-ID": delivery.message_id} if delivery.message_id else {}
    message = EmailMessage(
        subject=delivery.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        reply_to=[delivery.reply_to] if delivery.reply_to else None,
        headers=headers,
    )
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPException as exc:
        raise DeliveryError(f"SMTP: {type(exc).__name__} {getattr(exc, 'smtp_code', '')}".strip()) from None
    except OSError as exc:
        raise DeliveryError(f"SMTP connection: {exc.strerror or type(exc).__name__}") from None


def post_json(url: str, body: Any, headers: dict[str, str] | None = None) -> int:
    """POST ``body`` as JSON; a 2xx answer is success (returned), anything else raises DeliveryError."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("the URL is not http(s)")
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=data, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason if isinstance(exc.reason, str) else type(exc.reason).__name__
        raise DeliveryError(f"connection failed: {reason}"[:200]) from None
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"connection failed: {type(exc).__name__}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    return status


def send_webhook(delivery: Delivery) -> None:
    url, _ = opened(delivery)
    post_json(url, delivery.payload)


def pager_payload(*, kind: str, issue_key: str, link: str) -> dict[str, Any]:
    """The alert for a page: the issue key (also the dedup key) and a link to sign in; nothing embargoed."""
    summary = f"Top-priority security issue {issue_key}: acknowledge and sign in to read it"
    if kind == "pagerduty":
        return {
            "event_action": "trigger",
            "dedup_key": issue_key,
            "payload": {"summary": summary, "source": "Garrison", "severity": "critical"},
            "links": [{"href": link, "text": f"{issue_key} in Garrison"}],
        }
    return {
        "message": summary,
        "alias": issue_key,
        "description": f"{issue_key} needs attention now. Sign in to read it: {link}",
        "priority": "P1",
        "source": "Garrison",
        "details": {"issue": issue_key, "link": link},
    }


def send_page(delivery: Delivery) -> None:
    url, _ = opened(delivery)
    kind = settings.GARRISON_PAGER_KIND
    key = settings.GARRISON_PAGER_KEY or ""
    body = dict(delivery.payload)
    headers: dict[str, str] = {}
    if kind == "pagerduty":
        body["routing_key"] = key
    else:
        headers["Authorization"] = f"GenieKey {key}"
    post_json(url, body, headers)


Sender = Callable[[Delivery], None]

CHANNELS: dict[str, Sender] = {
    DeliveryChannel.EMAIL: send_email,
    DeliveryChannel.WEBHOOK: send_webhook,
    DeliveryChannel.PAGE: send_page,
}
