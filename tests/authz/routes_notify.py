"""Matrix entries: notify (see tests/authz/spec.py for the vocabulary).

The world has no notify rows, so the first check of a route that needs one is a GET whose URL function creates
it (GETs are not snapshotted); for POST-only routes that GET is itself a check: it must not act (405).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from garrison.accounts.models import User
from garrison.core import clock
from garrison.notify.models import Delivery, DeliveryStatus, Notification, OnCallOverride, OnCallShift, Page
from tests.authz.spec import (
    ADMIN,
    AUDITOR,
    DEV,
    LEAD,
    SIGNED_IN,
    STAFF,
    TRIAGER,
    Check,
    World,
    api,
    form,
    page,
)

ONCALL_VIEW = STAFF
ONCALL_MANAGE = frozenset({LEAD, ADMIN})
DELIVERY_VIEW = frozenset({TRIAGER, LEAD, AUDITOR, ADMIN})
# The page is for the secret issue, paged to the triager: the lead may acknowledge too; the others with
# ONCALL_VIEW cannot see that issue (404).
PAGE_ACK = frozenset({TRIAGER, LEAD})
PAGE_HIDDEN = frozenset({DEV, AUDITOR, ADMIN})
NOT_POST = frozenset({405})


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _ensure(w: World, key: str, make: Any) -> Any:
    obj = w.get(key)
    if obj is None or not type(obj).objects.filter(pk=obj.pk).exists():
        obj = w[key] = make(w)
    return obj


def _notification(w: World) -> Notification:
    return _ensure(
        w, "notification", lambda _w: Notification.objects.create(user=_user("triager@example.org"), text="hello")
    )


def _shift(w: World) -> OnCallShift:
    now = clock.now()
    return _ensure(
        w,
        "shift",
        lambda _w: OnCallShift.objects.create(
            user=_user("triager@example.org"), starts_at=now, ends_at=now + timedelta(hours=8)
        ),
    )


def _override(w: World) -> OnCallOverride:
    now = clock.now()
    return _ensure(
        w,
        "override",
        lambda _w: OnCallOverride.objects.create(
            user=_user("lead@example.org"), starts_at=now, ends_at=now + timedelta(hours=2)
        ),
    )


def _delivery(w: World) -> Delivery:
    def make(_w: World) -> Delivery:
        return Delivery.objects.create(
            channel="email",
            recipient="lead@example.org",
            subject="[Garrison] Overdue security issues: 1",
            status=DeliveryStatus.FAILED,
            attempts=6,
            last_error="SMTP connection: Connection refused",
        )

    return _ensure(w, "delivery", make)


def _page(w: World) -> Page:
    def make(_w: World) -> Page:
        now = clock.now()
        # a delivery tied to the secret issue too: listed only to those who may see it
        Delivery.objects.create(
            channel="email", recipient="triager@example.org", subject="PAGE", issue=w["secret_issue"]
        )
        return Page.objects.create(
            issue=w["secret_issue"],
            user=_user("triager@example.org"),
            sent_at=now,
            escalate_at=now + timedelta(minutes=15),
        )

    return _ensure(w, "page", make)


def _shift_body(w: World) -> dict[str, Any]:
    return {
        "user": str(_user("triager@example.org").pk),
        "starts_at": "2031-01-05T08:00",
        "ends_at": "2031-01-05T16:00",
        "position": "0",
        "note": "weekday",
    }


def _override_body(w: World) -> dict[str, Any]:
    return {"user": str(_user("lead@example.org").pk), "starts_at": "2031-01-05T08:00", "ends_at": "2031-01-05T12:00"}


def _after(url: str, *makers: Any) -> Any:
    """A URL function that first makes sure the rows the route needs exist."""

    def build(w: World) -> str:
        for make in makers:
            make(w)
        return url

    return build


def _get_not_post(url: Any, **kw: Any) -> Check:
    """A GET on a POST-only route: signed-in people get 405 (and nothing happens); anonymous the login page."""
    return page(url, SIGNED_IN, ok=NOT_POST, **kw)


ROUTES: dict[str, list[Check]] = {
    "notify:notification_list": [page(lambda w: "/notify/", SIGNED_IN)],
    "notify:notification_read": [
        _get_not_post(lambda w: f"/notify/{_notification(w).pk}/read"),
        form(
            lambda w: f"/notify/{_notification(w).pk}/read",
            frozenset({TRIAGER}),
            hidden=SIGNED_IN - {TRIAGER},
            note="only one's own notifications",
        ),
    ],
    "notify:unread_badge": [page(lambda w: "/notify/unread", SIGNED_IN)],
    "notify:notifications_read_all": [form(lambda w: "/notify/read-all", SIGNED_IN)],
    "notify:oncall": [page(_after("/notify/on-call/", _shift, _override), ONCALL_VIEW)],
    "notify:shift_create": [
        page(lambda w: "/notify/on-call/shifts/new", ONCALL_MANAGE),
        form(lambda w: "/notify/on-call/shifts/new", ONCALL_MANAGE, _shift_body),
    ],
    "notify:shift_delete": [
        _get_not_post(lambda w: f"/notify/on-call/shifts/{_shift(w).pk}/delete"),
        form(lambda w: f"/notify/on-call/shifts/{_shift(w).pk}/delete", ONCALL_MANAGE),
    ],
    "notify:override_create": [
        page(lambda w: "/notify/on-call/overrides/new", ONCALL_MANAGE),
        form(lambda w: "/notify/on-call/overrides/new", ONCALL_MANAGE, _override_body),
    ],
    "notify:override_delete": [
        _get_not_post(lambda w: f"/notify/on-call/overrides/{_override(w).pk}/delete"),
        form(lambda w: f"/notify/on-call/overrides/{_override(w).pk}/delete", ONCALL_MANAGE),
    ],
    "notify:delivery_list": [
        page(_after("/notify/deliveries/", _delivery, _page), DELIVERY_VIEW),
        page(lambda w: "/notify/deliveries/?status=failed", DELIVERY_VIEW),
    ],
    "notify:delivery_retry": [
        _get_not_post(lambda w: f"/notify/deliveries/{_delivery(w).pk}/retry"),
        form(lambda w: f"/notify/deliveries/{_delivery(w).pk}/retry", frozenset({LEAD, ADMIN})),
    ],
    "notify:page_ack": [
        page(lambda w: f"/notify/pages/{_page(w).pk}/ack", PAGE_ACK, hidden=PAGE_HIDDEN),
        form(lambda w: f"/notify/pages/{_page(w).pk}/ack", PAGE_ACK, hidden=PAGE_HIDDEN),
    ],
    "GET /api/v1/notify/on-call": [api("GET", _after("/api/v1/notify/on-call", _shift, _override), ONCALL_VIEW)],
    "GET /api/v1/notify/deliveries": [api("GET", _after("/api/v1/notify/deliveries", _delivery, _page), DELIVERY_VIEW)],
    "POST /api/v1/notify/pages/{page_id}/ack": [
        api("GET", _after("/api/v1/notify/deliveries", _page), DELIVERY_VIEW, note="sets the page up"),
        api("POST", lambda w: f"/api/v1/notify/pages/{_page(w).pk}/ack", PAGE_ACK, hidden=PAGE_HIDDEN),
    ],
}
