"""Matrix entries: mail intake's dead letters (see tests/authz/spec.py for the vocabulary)."""

from __future__ import annotations

from tests.authz.spec import ADMIN, LEAD, Check, form, page

INTAKE_MANAGE = frozenset({LEAD, ADMIN})


def _dl(w, suffix: str = "") -> str:
    return f"/intake/dead-letters/{w['dead_letter'].pk}/{suffix}"


ROUTES: dict[str, list[Check]] = {
    "mail:dead_letter_list": [
        page(lambda w: "/intake/dead-letters/", INTAKE_MANAGE),
        page(lambda w: "/intake/dead-letters/?status=pending", INTAKE_MANAGE),
    ],
    "mail:dead_letter_detail": [page(lambda w: _dl(w), INTAKE_MANAGE)],
    # The world's dead letter is not a MIME message: a retry fails again on its content (302 with a message).
    "mail:dead_letter_retry": [form(lambda w: _dl(w, "retry"), INTAKE_MANAGE)],
    "mail:dead_letter_discard": [form(lambda w: _dl(w, "discard"), INTAKE_MANAGE, lambda w: {"reason": "spam"})],
    "mail:dead_letter_raw": [page(lambda w: _dl(w, "raw"), INTAKE_MANAGE)],
}
