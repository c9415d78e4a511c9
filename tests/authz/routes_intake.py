"""Matrix entries: the public intake (see tests/authz/spec.py for the vocabulary).

Everyone, signed in or not, may report and may follow a report with its tracking link; a wrong link is a 404 for
everyone, whoever they are (the token is the only key). Successful form posts answer 303 (to the tracking page).
One report post per persona per route: the eight personas share one address, within the hourly report limit.
"""

from __future__ import annotations

import uuid

from tests.authz.spec import EVERYONE, NOBODY, WRITE_OK, Check, api, form, page

POSTED = WRITE_OK | {303}


def _report(w):
    return {"title": "Open redirect in login", "description": "next= accepts any URL", "website": ""}


def _api_report(w):
    return {"title": "Open redirect in login", "description": "next= accepts any URL"}


def _track(w):
    return f"/track/{w['tracking_token']}"


BAD = "/track/not-a-tracking-token"

ROUTES: dict[str, list[Check]] = {
    "intake:report": [
        page(lambda w: "/report", EVERYONE),
        form(lambda w: "/report", EVERYONE, _report, ok=frozenset({303})),
    ],
    "intake:track": [
        page(_track, EVERYONE),
        page(lambda w: BAD, NOBODY, hidden=EVERYONE),
    ],
    "intake:track_reply": [
        form(lambda w: f"{_track(w)}/reply", EVERYONE, lambda w: {"body": "More details"}, ok=POSTED),
        form(lambda w: f"{BAD}/reply", NOBODY, lambda w: {"body": "More details"}, hidden=EVERYONE),
    ],
    "intake:track_file": [
        page(lambda w: f"{_track(w)}/files/{w['attachment'].pk}", EVERYONE),
        page(lambda w: f"{_track(w)}/files/{uuid.uuid4()}", NOBODY, hidden=EVERYONE),
        page(lambda w: f"{BAD}/files/{w['attachment'].pk}", NOBODY, hidden=EVERYONE),
    ],
    "POST /api/v1/reports": [
        api("POST", lambda w: "/api/v1/reports", EVERYONE, _api_report, ok=frozenset({201})),
    ],
    "GET /api/v1/reports/{token}": [
        api("GET", lambda w: f"/api/v1/reports/{w['tracking_token']}", EVERYONE),
        api("GET", lambda w: "/api/v1/reports/not-a-tracking-token", NOBODY, hidden=EVERYONE),
    ],
    "POST /api/v1/reports/{token}/replies": [
        api(
            "POST",
            lambda w: f"/api/v1/reports/{w['tracking_token']}/replies",
            EVERYONE,
            lambda w: {"body": "More details"},
            ok=frozenset({201}),
        ),
        api(
            "POST",
            lambda w: "/api/v1/reports/not-a-tracking-token/replies",
            NOBODY,
            lambda w: {"body": "More details"},
            hidden=EVERYONE,
        ),
    ],
}
