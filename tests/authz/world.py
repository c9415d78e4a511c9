"""The objects every matrix check points at, on top of the personas' own world."""

from __future__ import annotations

from datetime import date
from typing import Any

from garrison.access.models import ClassificationLabel
from garrison.access.roles import Role
from garrison.accounts.models import ApiToken
from garrison.core.tests.api_client import make_token
from garrison.core.tests.personas import Personas, make_user
from garrison.findings.models import Finding, Kind, Scan, ScanStatus, Severity, Suppression, target_key
from garrison.org.models import Client, Component, Release, Team

# Names that must never appear in any response to anyone (Secret label naming nobody) ...
SECRET_MARKERS = ("Red Cell", "red-cell-tooling")
# ... and a name only the roles admitted by the Private label (admin, security lead, auditor) may see.
PRIVATE_MARKER = "Hidden Client Ltd"
# The title of an issue at the most restrictive level: only the security team (lead, triager) may ever see it.
EMBARGO_MARKER = "Zebra embargo overflow"
EMBARGO_READERS = frozenset({"security_lead", "triager"})


def build(p: Personas) -> dict[str, object]:
    w: dict[str, object] = dict(p.world)
    labels = {label.name: label for label in ClassificationLabel.objects.all()}
    w["labels"] = labels
    secret_team = Team.objects.create(name="Red Cell", classification=labels["Secret"])
    w["secret_team"] = secret_team
    w["secret_component"] = Component.objects.create(
        name="red-cell-tooling", responsible_team=secret_team, classification=labels["Secret"]
    )
    w["acme"] = Client.objects.create(name="Acme Hosting")
    w["hidden_client"] = Client.objects.create(name=PRIVATE_MARKER, classification=labels["Private"])
    w["release"] = Release.objects.create(
        release_line=p.world["quesnelia"], version="1.0.0", released_on=date(2026, 1, 5)
    )
    w["victim"] = make_user("victim@example.org", Role.DEVELOPER)
    make_token(p.admin)
    w["admin_token"] = ApiToken.objects.get(user=p.admin)
    _findings(w, p)
    _issues(w, p)
    _advisories(w, p)
    return w


def _advisories(w: dict[str, Any], p: Personas) -> None:
    """``advisory``: a private draft from ``issue``; ``secret_advisory``: a draft from ``secret_issue`` (its title is
    the EMBARGO_MARKER); ``public_advisory``: published from ``public_issue``. Set-up writes the public advisory's
    product and approval directly, so no backport cell or second lead is added to the world other tests see."""
    from garrison.disclosure import services as disclosure
    from garrison.disclosure.models import Advisory, AdvisoryProduct, Credit

    lead = p.security_lead
    w["advisory"] = disclosure.advisory_draft(actor=lead, issues=[w["issue"]])
    w["secret_advisory"] = disclosure.advisory_draft(actor=lead, issues=[w["secret_issue"]])
    public = disclosure.advisory_draft(actor=lead, issues=[w["public_issue"]])
    Credit.objects.filter(advisory=public).delete()
    AdvisoryProduct.objects.create(
        advisory=public, component=w["core_api"], release_line=w["quesnelia"], status="fixed", fixed_version="1.0.1"
    )
    Advisory.objects.filter(pk=public.pk).update(approved_by=p.admin)
    public.refresh_from_db()
    w["public_advisory"] = disclosure._publish(public, actor=lead, now=public.created_at)


def _issues(w: dict[str, Any], p: Personas) -> None:
    """Issues at each level: ``issue`` (component team level, core-api: the developer sees it), ``secret_issue``
    (security team only, titled EMBARGO_MARKER), ``billing_issue`` (component team level, billing: not the
    developer's team), ``public_issue``; a reporter tracking token for ``issue``, comments, an attachment, a
    dead letter."""
    from garrison.core.crypto import seal_bytes
    from garrison.issues import services as issue_services
    from garrison.issues.models import Channel, CommentVisibility, DeadLetter, SecurityLevel

    levels = {level.name: level for level in SecurityLevel.objects.all()}
    w["levels"] = levels
    team_level = levels["Security + component team"]
    w["team_level"] = team_level

    def intake(title: str, component: Component, files: int = 0):
        report = issue_services.ReportData(
            title=title,
            description=f"{title}: details",
            component_id=component.pk,
            reporter_email="finder@example.net",
            attachments=[issue_services.IncomingFile("poc.txt", "text/plain", b"proof")] * files,
        )
        return issue_services.issue_intake(report=report, channel=Channel.FORM)

    made = intake("Stored XSS in profile", w["core_api"], files=1)
    w["issue"], w["tracking_token"] = made.issue, made.tracking_token
    w["issue"] = issue_services.issue_set_level(actor=p.security_lead, issue=made.issue, level=team_level)
    w["attachment"] = made.issue.attachments.get()
    w["internal_comment"] = issue_services.comment_add(actor=p.security_lead, issue=w["issue"], body="internal note")
    w["reporter_comment"] = issue_services.comment_add(
        actor=p.security_lead, issue=w["issue"], body="Thanks, looking", visibility=CommentVisibility.REPORTER
    )
    w["secret_issue"] = intake(EMBARGO_MARKER, w["core_api"]).issue
    billing = intake("Refund rounding", w["billing"]).issue
    w["billing_issue"] = issue_services.issue_set_level(actor=p.security_lead, issue=billing, level=team_level)
    public = intake("Public CVE in a dependency", w["core_api"]).issue
    w["public_issue"] = issue_services.issue_set_public(
        actor=p.security_lead, issue=public, public=True, reason="upstream CVE is public"
    )
    dead = DeadLetter(source=Channel.EMAIL, size=18, error="no From header")
    dead.key_id, dead.sealed = seal_bytes(b"not a mime message", associated_data=f"dead-letter:{dead.pk}")
    dead.save()
    w["dead_letter"] = dead


def _finding(component: Component, title: str, n: int) -> tuple[Scan, Finding]:
    key = target_key(component.pk, None, "")
    scan = Scan.objects.create(component=component, target_key=key, format="trivy", status=ScanStatus.DONE, total=1)
    finding = Finding.objects.create(
        component=component,
        target_key=key,
        fingerprint=f"{n:064x}",
        kind=Kind.DEPENDENCY,
        title=title,
        severity=Severity.HIGH,
        vulnerability_id=f"CVE-2026-{n:04d}",
        package_key="pkg:pypi/certifi",
        first_seen_scan=scan,
        last_seen_scan=scan,
        decision_key=f"dep:CVE-2026-{n:04d}|pkg:pypi/certifi",
    )
    return scan, finding


def _findings(w: dict[str, object], p: Personas) -> None:
    """A scan and a finding on core-api (Platform), one on billing (Payments), one on the Secret component."""
    w["scan"], w["finding"] = _finding(p.world["core_api"], "certifi: removal of e-Tugra root certificate", 1)
    _, w["billing_finding"] = _finding(p.world["billing"], "urllib3: proxy credentials leak", 2)
    secret = w["secret_component"]
    assert isinstance(secret, Component)
    w["secret_scan"], w["secret_finding"] = _finding(secret, "red-cell-tooling: implant key in build log", 3)
    w["suppression"] = Suppression.objects.create(vulnerability_id="CVE-2026-0009", reason="test", created_by=p.admin)
