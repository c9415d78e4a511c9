"""No embargoed issue leaks through the issues API to anyone outside its security level.

For the developer, auditor, admin, outsider, reporter and anonymous: every read (lists, search, counts, detail,
comments, attachments, downloads, backports, history) of every issue, and no trace of the embargoed issues'
titles, comments or files in any answer; the count of matching issues does not betray them either.
"""

from __future__ import annotations

from typing import Any

import pytest

from garrison.core.tests.api_client import ApiClient, make_token
from garrison.issues import services
from garrison.issues.models import CommentVisibility
from tests.authz import world as authz_world

OUTSIDERS_OF_THE_EMBARGO = ["developer", "auditor", "admin", "outsider", "reporter", "anonymous"]
# Everything about the embargoed issues (secret_issue: security team only; billing_issue: not the developer's team).
SECRET_TEXT = ("zebra", "refund rounding", "striped-poc", "striped note", "striped bytes", "striped reply")


@pytest.fixture
def w(personas: Any) -> dict[str, Any]:
    w: dict[str, Any] = authz_world.build(personas)
    lead = personas.security_lead
    for issue in (w["secret_issue"], w["billing_issue"]):
        services.comment_add(
            actor=lead,
            issue=issue,
            body="striped note",
            files=[services.IncomingFile("striped-poc.txt", "text/plain", b"striped bytes")],
        )
        services.comment_add(actor=lead, issue=issue, body="striped reply", visibility=CommentVisibility.REPORTER)
        services.issue_score(actor=lead, issue=issue, vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        services.backport_set(
            actor=lead, issue=issue, component=issue.component, release_line=w["quesnelia"], status="affected"
        )
    return w


def reads(w: dict[str, Any]) -> list[str]:
    urls = [
        "/api/v1/issues",
        "/api/v1/issues?limit=1",
        "/api/v1/issues?q=zebra",
        "/api/v1/issues?q=Refund",
        "/api/v1/issues?q=SEC-2",
        "/api/v1/issues?severity=critical",
        "/api/v1/issues?status=new",
        "/api/v1/issues/count",
        "/api/v1/issues/count?q=zebra",
        "/api/v1/issue-labels",
        "/api/v1/security-levels",
    ]
    for name in ("issue", "secret_issue", "billing_issue", "public_issue"):
        key = w[name].key
        urls += [f"/api/v1/issues/{key}{tail}" for tail in ("", "/comments", "/attachments", "/backports", "/history")]
        for attachment in w[name].attachments.all():
            urls += [f"/api/v1/issues/{k}/attachments/{attachment.pk}" for k in (key, w["public_issue"].key)]
    return urls


@pytest.mark.parametrize("persona", OUTSIDERS_OF_THE_EMBARGO)
def test_no_embargoed_issue_reaches_anyone_outside_its_level(personas, w, persona):
    user = personas.user(persona)
    api = ApiClient(make_token(user) if user is not None else None)
    secret_keys = {w["secret_issue"].key, w["billing_issue"].key}
    statuses = set()
    for url in reads(w):
        response = api.get(url)
        statuses.add(response.status_code)
        text = response.content.decode("utf-8", "replace").lower()
        for secret in SECRET_TEXT:
            assert secret not in text, f"{persona}: {url} shows {secret!r}"
        is_json = response["Content-Type"].startswith("application/json")
        if response.status_code == 200 and is_json and "items" in response.json():
            shown = {item.get("key") for item in response.json()["items"]}
            assert not shown & secret_keys, f"{persona}: {url} lists {shown & secret_keys}"
        if url.startswith("/api/v1/issues/count") and response.status_code == 200:
            visible = api.get("/api/v1/issues?limit=200").json()["items"]
            matching = [i for i in visible if "zebra" in i["title"].lower()] if "q=" in url else visible
            assert response.json()["count"] == len(matching), f"{persona}: {url} counts what it does not list"
        if any(url == f"/api/v1/issues/{key}" or url.startswith(f"/api/v1/issues/{key}/") for key in secret_keys):
            assert response.status_code in {401, 403, 404}, f"{persona}: {url} answered {response.status_code}"
    if persona in {"developer", "auditor", "admin"}:
        assert 200 in statuses  # staff do get answers: the test would notice an API that answers nothing


def test_the_security_team_does_see_it(personas, w):
    """The same reads as the triager show the embargoed text, so the leak test is looking in the right places."""
    api = ApiClient(make_token(personas.triager))
    seen = "".join(api.get(url).content.decode().lower() for url in reads(w))
    for secret in SECRET_TEXT:
        assert secret in seen
    assert api.get("/api/v1/issues/count?q=zebra").json() == {"count": 1}
