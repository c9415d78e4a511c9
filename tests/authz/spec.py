"""Vocabulary of the authorisation matrix: who is who, and what one check expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ANON, REPORTER, OUTSIDER = "anonymous", "reporter", "outsider"
DEV, TRIAGER, LEAD, AUDITOR, ADMIN = "developer", "triager", "security_lead", "auditor", "admin"
PERSONAS = (ANON, REPORTER, OUTSIDER, DEV, TRIAGER, LEAD, AUDITOR, ADMIN)

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANON}
STAFF = frozenset({DEV, TRIAGER, LEAD, AUDITOR, ADMIN})
DASHBOARD = SIGNED_IN - {REPORTER}
ORG_VIEW = STAFF
CLIENT_VIEW = frozenset({TRIAGER, LEAD, AUDITOR, ADMIN})
USER_VIEW = CLIENT_VIEW
LABEL_VIEW = CLIENT_VIEW
ORG_EDIT = frozenset({LEAD, ADMIN})
RELEASE_EDIT = frozenset({TRIAGER, LEAD, ADMIN})
AUDIT_VIEW = frozenset({LEAD, AUDITOR, ADMIN})
USER_MANAGE = frozenset({ADMIN})
NOBODY: frozenset[str] = frozenset()

World = dict[str, Any]
UrlFn = Callable[[World], str]
BodyFn = Callable[[World], Any]

READ_OK = frozenset({200})
# A write by an allowed persona may succeed or be refused on its content (duplicates when several allowed personas
# send the same body in one test); what matters here is that the gate let it through.
WRITE_OK = frozenset({200, 201, 204, 302, 400, 422})


@dataclass(frozen=True)
class Check:
    """One request against one route, sent by every persona.

    allowed personas must get a status in ``ok``; personas in ``hidden`` must get 404 (the object is invisible to
    them); every other signed-in persona gets ``denied``; anonymous gets ``anonymous`` (login redirect for pages,
    401 for the API) unless allowed.
    """

    method: str
    url: UrlFn
    allowed: frozenset[str]
    ok: frozenset[int] = READ_OK
    body: BodyFn | None = None
    hidden: frozenset[str] = NOBODY
    denied: int = 403
    anonymous: int = 302
    api: bool = False
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.method != "GET"

    def expected(self, persona: str) -> frozenset[int]:
        if persona in self.allowed:
            return self.ok
        if persona in self.hidden:
            return frozenset({404})
        if persona == ANON:
            return frozenset({self.anonymous})
        return frozenset({self.denied})


def page(url: UrlFn, allowed: frozenset[str], **kw: Any) -> Check:
    return Check("GET", url, allowed, **kw)


def form(url: UrlFn, allowed: frozenset[str], body: BodyFn | None = None, **kw: Any) -> Check:
    return Check("POST", url, allowed, ok=kw.pop("ok", WRITE_OK), body=body or (lambda w: {}), **kw)


def api(method: str, url: UrlFn, allowed: frozenset[str], body: BodyFn | None = None, **kw: Any) -> Check:
    ok = kw.pop("ok", READ_OK if method == "GET" else WRITE_OK)
    return Check(method, url, allowed, ok=ok, body=body, anonymous=401, api=True, **kw)
