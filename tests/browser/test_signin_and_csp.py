"""In real Chromium: first sign-in with two-factor enrolment, sign-out, sign-in with a TOTP code, and no page
that breaks its own Content-Security-Policy."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.conf import settings
from django.test import Client

from garrison.access.roles import Role
from garrison.core.tests.personas import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_with_password(page: Any, email: str) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_enrol_totp_sign_out_and_sign_in_with_a_code(page: Any) -> None:
    make_user("tia@example.org", Role.TRIAGER, mfa=False, full_name="Tia Triager")
    _sign_in_with_password(page, "tia@example.org")

    page.wait_for_url("**/account/2fa/setup")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from your app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor").click()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have saved them").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/account/login")

    _sign_in_with_password(page, "tia@example.org")
    page.wait_for_url("**/account/login/2fa")
    # The enrolment code's time step is spent; the next step's code is inside the accepted window.
    import time

    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert "Tia Triager" in page.locator("header").inner_text()
    assert page.console_errors == []


def _signed_in_cookie(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


PAGES = [
    "/account/login",
    "/",
    "/org/teams/",
    "/org/teams/new",
    "/org/components/",
    "/org/components/new",
    "/org/release-lines/",
    "/org/clients/",
    "/access/labels/",
    "/account/users/",
    "/account/users/new",
    "/account/profile",
    "/account/tokens/new",
    "/audit/",
    "/api/v1/docs",
    "/findings/",
    "/findings/scans/",
    "/findings/scans/upload",
    "/findings/suppressions/",
    "/findings/suppressions/new",
]


def _import_a_report(admin: Any) -> Any:
    import io

    from garrison.core.tests.fixtures import shared_fixture
    from garrison.findings.services.imports import scan_import
    from garrison.org.models import Component, Team

    component = Component.objects.create(name="shop", responsible_team=Team.objects.create(name="Web"))
    data = shared_fixture("scanners", "trivy", "scheme_2_many_vulns.json").read_bytes()
    result = scan_import(
        source=io.BytesIO(data), file_name="trivy.json", component=component, release_line=None, actor=admin
    )
    return result.scan


def scan_findings(scan: Any) -> Any:
    from garrison.findings.models import Finding

    return Finding.objects.filter(first_seen_scan=scan).order_by("title").first()


def test_pages_load_without_csp_violations(page: Any, live_server: Any) -> None:
    violations: list[str] = []

    def on_console(msg: Any) -> None:
        if "Content Security Policy" in msg.text:
            violations.append(msg.text)

    page.on("console", on_console)
    admin = make_user("ada@example.org", Role.ADMIN, full_name="Ada Admin")
    # The login page first, signed out; then every other page signed in.
    page.goto("/account/login")
    _signed_in_cookie(page, live_server, admin)
    scan = _import_a_report(admin)
    finding = scan_findings(scan)
    pages = [
        *PAGES[1:],
        f"/findings/{finding.pk}/",
        f"/findings/scans/{scan.pk}/",
        f"/findings/components/{scan.component_id}/history",
    ]
    for path in pages:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    page.goto("/findings/")
    if os.environ.get("GARRISON_SCREENSHOTS"):  # a folder: lets a person look at what the test saw
        page.screenshot(path=str(Path(os.environ["GARRISON_SCREENSHOTS"]) / "findings.png"), full_page=True)
    assert violations == []
    assert page.console_errors == []


def test_issue_notify_and_disclosure_pages_load_without_csp_violations(page: Any, live_server: Any) -> None:
    """The security lead's pages for issues, notifications and advisories, the reporter's pages and the public
    advisory pages, under the strict CSP."""
    from garrison.disclosure import services as disclosure
    from garrison.issues import services as issues
    from garrison.issues.models import Channel
    from garrison.org.models import Component, ReleaseLine, Team

    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    lead = make_user("lee@example.org", Role.SECURITY_LEAD, full_name="Lee Lead")
    second = make_user("sam@example.org", Role.SECURITY_LEAD, full_name="Sam Second")
    component = Component.objects.create(
        name="shop", package_url="pkg:pypi/shop", responsible_team=Team.objects.create(name="Web")
    )
    line = ReleaseLine.objects.create(name="Spring")
    made = issues.issue_intake(
        report=issues.ReportData(title="XSS in search", description="q is echoed", component_id=component.pk),
        channel=Channel.FORM,
    )
    issue = issues.issue_score(actor=lead, issue=made.issue, vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
    issue = issues.issue_transition(actor=lead, issue=issue, to="triage")
    issue = issues.issue_transition(actor=lead, issue=issue, to="confirmed")
    issues.backport_set(
        actor=lead, issue=issue, component=component, release_line=line, status="fixed", fixed_version="2.0.1"
    )
    draft = disclosure.advisory_draft(actor=lead, issues=[issue])
    public = disclosure.advisory_publish(actor=lead, advisory=disclosure.advisory_approve(actor=second, advisory=draft))
    paths = ["/report", f"/track/{made.tracking_token}", "/advisories/", f"/advisories/{public.identifier}"]
    for path in paths:  # signed out
        response = page.goto(path)
        assert response is not None and response.status == 200, path
    _signed_in_cookie(page, live_server, lead)
    paths = [
        "/issues/",
        "/issues/new",
        "/issues/labels/",
        "/issues/levels/",
        "/issues/levels/review",
        f"/issues/{issue.pk}/",
        "/intake/dead-letters/",
        "/notify/",
        "/notify/on-call/",
        "/notify/deliveries/",
        "/disclosure/",
        f"/disclosure/{public.identifier}/",
        "/disclosure/lists/",
    ]
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []
    assert page.console_errors == []
