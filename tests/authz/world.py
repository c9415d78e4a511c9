"""The objects every matrix check points at, on top of the personas' own world."""

from __future__ import annotations

from datetime import date

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
    return w


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
