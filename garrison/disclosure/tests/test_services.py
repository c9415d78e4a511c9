"""Advisories from security issues: drafting, the document the exporters read, embargo rules, approval and
publication (by hand and by the scheduler, once), visibility, and the export command."""

from __future__ import annotations

import json
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from typer.testing import CliRunner

from garrison.audit.models import AuditEvent
from garrison.cli.app import app
from garrison.core import clock
from garrison.disclosure import services
from garrison.disclosure.models import CreditConsent, DisclosureLevel
from garrison.disclosure.selectors import advisories_visible_to, public_advisories
from garrison.disclosure.tests import support
from garrison.disclosure.tests.schemas import errors
from garrison.issues import services as issue_services
from garrison.issues.models import SecurityLevel
from garrison.notify.scheduler import run_due

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _https_publisher(settings):
    settings.GARRISON_PUBLISHER_NAMESPACE = "https://garrison.example.org"


@pytest.fixture
def fixed_issue(personas):
    """A confirmed, scored core-api issue fixed on Quesnelia, whose reporter asked to be credited."""
    return support.fixed_issue(personas, title="Stored XSS in comments", credit_name="Rita Reporter")


def _ready(advisory, personas):
    return support.make_ready(advisory)


def test_a_draft_takes_text_score_products_and_credits_from_the_issue(personas, fixed_issue):
    advisory = services.advisory_draft(actor=personas.security_lead, issues=[fixed_issue])
    year = clock.now().year
    assert advisory.identifier == f"GARRISON-{year}-0001"
    assert (advisory.title, advisory.severity, str(advisory.cvss_v3_score)) == (
        "Stored XSS in comments",
        "medium",
        "6.1",
    )
    product = advisory.products.get()
    assert (product.status, product.fixed_version, product.release_line) == (
        "fixed",
        "1.4.2",
        personas.world["quesnelia"],
    )
    credit = advisory.credits.get()
    assert (credit.name, credit.type, credit.consent) == ("Rita Reporter", "reporter", CreditConsent.PENDING)
    assert advisory.level == DisclosureLevel.PRIVATE
    again = services.advisory_draft(actor=personas.security_lead, issues=[fixed_issue])
    assert again.identifier == f"GARRISON-{year}-0002"


def test_a_draft_needs_the_right_and_issues_the_actor_can_see(personas, fixed_issue):
    from garrison.access.errors import AccessDenied
    from garrison.disclosure.models import Advisory

    for who in (personas.auditor, personas.developer):
        with pytest.raises(AccessDenied):
            services.advisory_draft(actor=who, issues=[fixed_issue])
    with pytest.raises(ValidationError, match="you can see"):  # the admin may edit advisories, not see this issue
        services.advisory_draft(actor=personas.admin, issues=[fixed_issue])
    assert not Advisory.objects.exists()


def test_the_draft_exports_valid_csaf_and_an_unready_cve_says_what_is_missing(personas, fixed_issue, settings):
    advisory = services.advisory_draft(actor=personas.security_lead, issues=[fixed_issue])
    document = services.advisory_export(actor=personas.security_lead, advisory=advisory, fmt="csaf")
    assert errors("csaf", document) == []
    assert document["document"]["tracking"]["id"] == advisory.identifier
    assert "Rita Reporter" not in json.dumps(document)  # consent still pending
    with pytest.raises(services.ExportError) as raised:
        services.advisory_export(actor=personas.security_lead, advisory=advisory, fmt="cve5")
    assert any("assigner" in m.lower() or "cve" in m.lower() for m in raised.value.missing)
    assert AuditEvent.objects.filter(action="disclosure.advisory_exported").count() == 1


@pytest.mark.parametrize(
    ("ends", "message"),
    [
        (lambda now: now + timedelta(days=15), "at most 14 days"),
        (lambda now: now - timedelta(minutes=1), "in the future"),
        (lambda now: now.replace(tzinfo=None) + timedelta(days=1), "time zone"),
    ],
)
def test_embargo_rules_refuse_and_change_nothing(personas, fixed_issue, ends, message):
    advisory = services.advisory_draft(actor=personas.security_lead, issues=[fixed_issue])
    with pytest.raises(ValidationError, match=message):
        services.advisory_prenotify(actor=personas.security_lead, advisory=advisory, embargo_ends_at=ends(clock.now()))
    advisory.refresh_from_db()
    assert advisory.level == DisclosureLevel.PRIVATE and advisory.embargo_ends_at is None


def test_publishing_needs_consent_and_a_second_lead(personas, fixed_issue):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue])
    with pytest.raises(ValidationError) as raised:
        services.advisory_publish(actor=lead, advisory=advisory)
    reasons = " ".join(raised.value.messages)
    assert "credit" in reasons and "approve" in reasons
    with pytest.raises(ValidationError, match="Another security lead"):
        services.advisory_approve(actor=lead, advisory=advisory)
    advisory = _ready(advisory, personas)
    fixed_issue = issue_services.issue_transition(actor=lead, issue=fixed_issue, to="fixed")
    published = services.advisory_publish(actor=lead, advisory=advisory)
    assert published.level == DisclosureLevel.PUBLIC and list(public_advisories()) == [published]
    fixed_issue.refresh_from_db()
    assert fixed_issue.status == "disclosed"
    assert AuditEvent.objects.filter(action="issues.transitioned", data__to="disclosed").count() == 1


def test_a_classified_product_blocks_publication(personas, fixed_issue):
    from garrison.access.models import ClassificationLabel

    lead = personas.security_lead
    advisory = _ready(services.advisory_draft(actor=lead, issues=[fixed_issue]), personas)
    line = personas.world["quesnelia"]
    line.classification = ClassificationLabel.objects.get(name="Confidential")
    line.save()
    with pytest.raises(ValidationError, match="classification label"):
        services.advisory_publish(actor=lead, advisory=advisory)
    assert not public_advisories().exists()


def test_the_scheduler_publishes_at_the_embargo_end_across_time_zones_once(personas, fixed_issue):
    lead = personas.security_lead
    advisory = _ready(services.advisory_draft(actor=lead, issues=[fixed_issue]), personas)
    tokyo = ZoneInfo("Asia/Tokyo")
    now = clock.now()
    ends_local = (now + timedelta(days=3)).astimezone(tokyo).replace(hour=9, minute=0, second=0, microsecond=0)
    advisory = services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=ends_local)
    assert advisory.embargo_ends_at == ends_local.astimezone(UTC)
    assert advisory.embargo_ends_at.utcoffset() == timedelta(0)

    assert run_due(now=ends_local - timedelta(minutes=1)).published == ()
    assert not public_advisories().exists()
    first = run_due(now=ends_local + timedelta(seconds=30))
    second = run_due(now=ends_local + timedelta(minutes=1))
    assert first.published == (advisory.identifier,) and second.published == ()
    assert AuditEvent.objects.filter(action="disclosure.advisory_published").count() == 1


@pytest.mark.parametrize("action", ["remind", "publish"])
def test_at_the_embargo_end_the_leads_are_reminded_once_when_so_configured_or_not_ready(
    personas, fixed_issue, settings, action
):
    from garrison.notify.models import Notification

    settings.GARRISON_EMBARGO_END_ACTION = action
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue])  # credit pending: not ready to publish
    if action == "remind":
        advisory = _ready(advisory, personas)
    ends = clock.now() + timedelta(days=1)
    services.advisory_prenotify(actor=lead, advisory=advisory, embargo_ends_at=ends)
    for minutes in (1, 2):
        assert run_due(now=ends + timedelta(minutes=minutes)).published == ()
    assert not public_advisories().exists()
    reminders = Notification.objects.filter(text__startswith=f"The embargo of {advisory.identifier} has ended")
    from garrison.access.roles import Role
    from garrison.accounts.models import User

    assert reminders.count() == User.objects.filter(role=Role.SECURITY_LEAD, is_active=True).count() >= 1
    assert fixed_issue.title not in " ".join(reminders.values_list("text", flat=True))


def test_an_unpublished_advisory_is_hidden_from_who_cannot_see_its_issues(personas, fixed_issue):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue])
    assert fixed_issue.security_level == SecurityLevel.objects.order_by("rank").first()
    assert list(advisories_visible_to(actor=lead)) == [advisory]
    for who in (personas.developer, personas.auditor, personas.admin, personas.outsider, None):
        assert not advisories_visible_to(actor=who).exists()
    services.advisory_publish(actor=lead, advisory=_ready(advisory, personas))
    assert list(advisories_visible_to(actor=None)) == [advisory]


def test_export_command(personas, fixed_issue):
    lead = personas.security_lead
    advisory = services.advisory_draft(actor=lead, issues=[fixed_issue])
    runner = CliRunner()
    hidden = runner.invoke(app, ["export", "advisory", advisory.identifier, "--format", "csaf"])
    assert hidden.exit_code == 2 and "no advisory" in hidden.output
    shown = runner.invoke(app, ["export", "advisory", advisory.identifier, "--format", "openvex", "--as", lead.email])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["@context"].startswith("https://openvex.dev/ns/v0.2.0")
    bad = runner.invoke(app, ["export", "advisory", advisory.identifier, "--format", "pdf", "--as", lead.email])
    assert bad.exit_code == 2 and "unknown format" in bad.output
