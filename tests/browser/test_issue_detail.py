"""In real Chromium: the live CVSS calculator and the inline backport-cell edit work under the strict CSP."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from garrison.issues.models import BackportEntry
from garrison.issues.tests.detail_support import V31, team_issue, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def _csp_watch(page: Any) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    return violations


def test_live_calculator_scores_a_typed_vector_and_the_metric_menus(page: Any, live_server: Any, personas: Any) -> None:
    violations = _csp_watch(page)
    issue = team_issue(personas)
    _sign_in(page, live_server, personas.triager)
    page.goto(url("issue_detail", issue))
    page.locator("#id_cvss_vector").fill(V31)
    preview = page.locator("#cvss-preview")
    preview.locator("strong.score").filter(has_text="9.8").wait_for()
    assert "critical" in preview.inner_text().lower()
    page.locator("#id_cvss_vector").fill("")
    for name, value in (("AV", "P"), ("AC", "H"), ("PR", "H"), ("UI", "R"), ("S", "U"), ("C", "L"), ("I", "N")):
        page.locator(f"#id_m_{name}").select_option(value)
    page.locator("#cvss-preview").filter(has_text="Availability (A)").wait_for()
    page.locator("#id_m_A").select_option("N")
    page.locator("#cvss-preview strong.score").filter(has_text="1.6").wait_for()
    page.get_by_role("button", name="Save score").click()
    page.wait_for_url(f"**{url('issue_detail', issue)}#score")
    assert "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" in page.content()
    assert violations == [] and page.console_errors == []


def test_developer_edits_a_backport_cell_in_place(page: Any, live_server: Any, personas: Any) -> None:
    violations = _csp_watch(page)
    issue = team_issue(personas)
    cell = BackportEntry.objects.create(
        issue=issue, component=personas.world["core_api"], release_line=personas.world["quesnelia"]
    )
    _sign_in(page, live_server, personas.developer)
    page.goto(url("issue_detail", issue))
    td = page.locator(f"#cell-{cell.pk}")
    td.get_by_role("link", name="Edit").click()
    td.get_by_label("Status").select_option("fixed")
    td.get_by_role("button", name="Save").click()
    page.locator(f"#cell-{cell.pk}").filter(has_text="Say which version carries the fix.").wait_for()  # the 422 form
    page.locator(f"#cell-{cell.pk}").get_by_label("Fixed in").fill("1.0.1")
    page.locator(f"#cell-{cell.pk}").get_by_role("button", name="Save").click()
    page.locator(f"#cell-{cell.pk} .badge.bp-fixed").wait_for()
    assert "1.0.1" in page.locator(f"#cell-{cell.pk}").inner_text()
    assert page.url.endswith(url("issue_detail", issue))  # no full page load
    cell.refresh_from_db()
    assert (cell.status, cell.fixed_version) == ("fixed", "1.0.1")
    # Chromium logs every 4xx response; the refused save above is the only one expected.
    unexpected = [e for e in page.console_errors if "status of 422" not in e]
    assert violations == [] and unexpected == []
