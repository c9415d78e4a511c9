"""The public side of disclosure: an advisory is visible to anyone only once it is published, on every public
URL (page, index, feeds, the five exports, the CSAF provider directory with its hashes, index.txt, changes.csv)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from garrison.access.roles import Role
from garrison.core import clock
from garrison.core.tests.personas import make_user
from garrison.disclosure import services
from garrison.disclosure.models import CreditConsent
from garrison.disclosure.provider import csaf_filename
from garrison.disclosure.tests import support
from garrison.disclosure.tests.schemas import errors
from tests.authz.spec import PERSONAS

pytestmark = pytest.mark.django_db

MARKER = "Quokka unreleased overflow"
SUFFIXES = ("csaf", "vex", "openvex", "osv", "cve5")


@pytest.fixture(autouse=True)
def _publisher(settings):
    settings.GARRISON_PUBLISHER_NAMESPACE = "https://garrison.example.org"
    settings.BASE_URL = "https://garrison.example.org"
    settings.GARRISON_CVE_ASSIGNER_ORG_ID = "8254265b-2729-46b6-b9e3-3dfca2d5bfca"


@pytest.fixture
def advisory(personas):
    """A private draft from a confirmed, scored core-api issue fixed on Quesnelia, titled MARKER."""
    lead = personas.security_lead
    issue = support.fixed_issue(personas, title=MARKER, credit_name="Rita Reporter")
    advisory = services.advisory_draft(actor=lead, issues=[issue])
    advisory.cve_id = "CVE-2026-12345"  # a CVE record needs one
    advisory.save()
    return advisory


def _publish(advisory, personas):
    return services.advisory_publish(actor=personas.security_lead, advisory=support.make_ready(advisory))


def _clients(personas) -> dict[str, Client]:
    return {name: Client() if name == "anonymous" else personas.client(name) for name in PERSONAS}


def _directory_file(advisory) -> str:
    year = (advisory.published_at or clock.now()).astimezone(UTC).year
    return f"/.well-known/csaf/white/{year}/{csaf_filename(advisory.identifier)}"


def _detail_urls(advisory) -> list[str]:
    ident = advisory.identifier
    direct = _directory_file(advisory)
    return [
        f"/advisories/{ident}",
        *(f"/advisories/{ident}.{suffix}.json" for suffix in SUFFIXES),
        direct,
        f"{direct}.sha256",
        f"{direct}.sha512",
        "/advisories/components/core-api/feed.atom",
    ]


LISTINGS = (
    "/advisories/",
    "/advisories/feed.atom",
    "/.well-known/csaf/white/index.txt",
    "/.well-known/csaf/white/changes.csv",
    "/.well-known/csaf/provider-metadata.json",
)


def test_an_advisory_is_public_only_after_publication(personas, advisory):
    clients = _clients(personas)
    lowered = advisory.identifier.lower()

    def assert_hidden() -> None:
        for name, client in clients.items():
            for url in _detail_urls(advisory):
                response = client.get(url)
                assert response.status_code == 404, (name, url, response.status_code)
                assert MARKER not in response.content.decode(), (name, url)
            for url in LISTINGS:
                response = client.get(url)
                assert response.status_code == 200, (name, url)
                text = response.content.decode()
                assert MARKER not in text and advisory.identifier not in text and lowered not in text, (name, url)

    assert_hidden()  # private draft
    end = clock.now() + timedelta(days=3)
    advisory = services.advisory_prenotify(actor=personas.security_lead, advisory=advisory, embargo_ends_at=end)
    assert_hidden()  # trusted: pre-notified, still under embargo

    advisory = _publish(advisory, personas)
    for name, client in clients.items():
        for url in _detail_urls(advisory):
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
        for url in ("/advisories/", "/advisories/feed.atom", f"/advisories/{advisory.identifier}"):
            assert MARKER in client.get(url).content.decode(), (name, url)
        path = f"{advisory.published_at.year}/{lowered}.json"
        assert path in client.get("/.well-known/csaf/white/index.txt").content.decode()
        assert f'"{path}",' in client.get("/.well-known/csaf/white/changes.csv").content.decode()


def test_the_page_shows_the_advisory_and_escapes_its_text(personas, advisory):
    advisory.description = "Payload: <script>alert(1)</script>\n\nSecond paragraph"
    advisory.references = [{"url": 'https://example.net/fix?a=1&b="x', "type": "fix"}]
    advisory.cwe_ids = [79]
    advisory.cve_id = "CVE-2026-12345"
    advisory.save()
    advisory = _publish(advisory, personas)
    page = Client().get(f"/advisories/{advisory.identifier}").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<p>Second paragraph</p>" in page
    assert '<a href="https://example.net/fix?a=1&amp;b=&quot;x" rel="noopener noreferrer nofollow">' in page
    for text in ("CWE-79", "CVE-2026-12345", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", "6.1", "1.4.2"):
        assert text in page
    assert "Release line Quesnelia" in page or "Release line quesnelia" in page.lower()
    assert "Rita Reporter" in page  # consent accepted
    assert "Initial version" in page  # revision history
    for suffix in SUFFIXES:
        assert f"/advisories/{advisory.identifier}.{suffix}.json" in page


def test_declined_credits_stay_off_every_public_output(personas, advisory):
    advisory.credits.update(consent=CreditConsent.DECLINED)
    second = make_user("lead2@example.org", Role.SECURITY_LEAD)
    advisory = services.advisory_publish(
        actor=personas.security_lead, advisory=services.advisory_approve(actor=second, advisory=advisory)
    )
    client = Client()
    for url in [
        f"/advisories/{advisory.identifier}",
        *(f"/advisories/{advisory.identifier}.{s}.json" for s in SUFFIXES),
    ]:
        assert "Rita Reporter" not in client.get(url).content.decode(), url


def test_exports_are_valid_json_and_an_unavailable_format_is_a_404_page(personas, advisory, settings):
    advisory = _publish(advisory, personas)
    client = Client()
    response = client.get(f"/advisories/{advisory.identifier}.csaf.json")
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("inline; filename=")
    document = json.loads(response.content)
    assert errors("csaf", document) == []
    assert document["document"]["tracking"]["status"] == "final"
    vex = json.loads(client.get(f"/advisories/{advisory.identifier}.vex.json").content)
    assert vex["document"]["category"] == "csaf_vex"
    assert errors("openvex", json.loads(client.get(f"/advisories/{advisory.identifier}.openvex.json").content)) == []
    assert errors("osv", json.loads(client.get(f"/advisories/{advisory.identifier}.osv.json").content)) == []

    assert errors("cve5", json.loads(client.get(f"/advisories/{advisory.identifier}.cve5.json").content)) == []
    settings.GARRISON_CVE_ASSIGNER_ORG_ID = ""  # a CVE record needs the assigner: not available, not an error
    response = client.get(f"/advisories/{advisory.identifier}.cve5.json")
    assert response.status_code == 404
    assert "not available as CVE JSON 5" in response.content.decode()


def test_the_csaf_directory_serves_valid_documents_with_matching_hashes(personas, advisory):
    advisory = _publish(advisory, personas)
    client = Client()
    url = _directory_file(advisory)
    assert url.endswith(f"/{advisory.published_at.year}/{advisory.identifier.lower()}.json")
    body = client.get(url).content
    assert errors("csaf", json.loads(body)) == []
    name = url.rsplit("/", 1)[1]
    assert client.get(f"{url}.sha256").content.decode() == f"{hashlib.sha256(body).hexdigest()}  {name}\n"
    assert client.get(f"{url}.sha512").content.decode() == f"{hashlib.sha512(body).hexdigest()}  {name}\n"
    assert client.get(url.replace(".json", "x.json")).status_code == 404
    wrong_year = url.replace(f"/{advisory.published_at.year}/", "/1999/")
    assert client.get(wrong_year).status_code == 404

    index = client.get("/.well-known/csaf/white/index.txt")
    assert index["Content-Type"] == "text/plain; charset=utf-8"
    assert index.content.decode() == f"{advisory.published_at.year}/{name}\n"
    changes = client.get("/.well-known/csaf/white/changes.csv").content.decode()
    assert re.fullmatch(rf'"{advisory.published_at.year}/{name}","\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n', changes)


def test_provider_metadata_has_the_required_fields(personas, advisory):
    # No CSAF provider-metadata schema among the shared fixtures: the required fields (CSAF 2.0 section 7.1.7).
    advisory = _publish(advisory, personas)
    response = Client().get("/.well-known/csaf/provider-metadata.json")
    assert response["Content-Type"].startswith("application/json")
    meta = json.loads(response.content)
    assert set(meta) >= {
        "canonical_url",
        "last_updated",
        "list_on_CSAF_aggregators",
        "metadata_version",
        "mirror_on_CSAF_aggregators",
        "publisher",
        "role",
    }
    assert meta["canonical_url"] == "https://garrison.example.org/.well-known/csaf/provider-metadata.json"
    assert meta["distributions"] == [{"directory_url": "https://garrison.example.org/.well-known/csaf/white/"}]
    assert meta["metadata_version"] == "2.0" and meta["role"] == "csaf_provider"
    assert meta["list_on_CSAF_aggregators"] is False and meta["mirror_on_CSAF_aggregators"] is False
    assert meta["publisher"] == {
        "category": "vendor",
        "name": "Garrison",
        "namespace": "https://garrison.example.org",
    }
    assert datetime.fromisoformat(meta["last_updated"].replace("Z", "+00:00")) >= advisory.published_at.replace(
        microsecond=0
    )


def test_security_txt_has_every_required_field(settings):
    settings.GARRISON_SECURITY_EMAIL = "security@garrison.example.org"
    settings.GARRISON_SECURITY_TXT_EXPIRES_DAYS = 30
    settings.GARRISON_SECURITY_TXT_ENCRYPTION_URL = "https://garrison.example.org/pgp-key.txt"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields: dict[str, list[str]] = {}
    for line in response.content.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    assert fields["Contact"] == ["https://garrison.example.org/report", "mailto:security@garrison.example.org"]
    assert len(fields["Expires"]) == 1 and fields["Expires"][0].endswith("Z")
    expires = datetime.fromisoformat(fields["Expires"][0].replace("Z", "+00:00"))
    assert clock.now() + timedelta(days=29) < expires <= clock.now() + timedelta(days=30)
    assert fields["Preferred-Languages"] == ["en"]
    assert fields["Canonical"] == ["https://garrison.example.org/.well-known/security.txt"]
    assert fields["Policy"] == ["https://garrison.example.org/report"]
    assert fields["Encryption"] == ["https://garrison.example.org/pgp-key.txt"]
    assert fields["Acknowledgments"] == ["https://garrison.example.org/advisories/"]
    assert fields["CSAF"] == ["https://garrison.example.org/.well-known/csaf/provider-metadata.json"]


def test_component_feeds_hide_labelled_and_unknown_components(personas, advisory):
    from garrison.access.models import ClassificationLabel

    advisory = _publish(advisory, personas)
    client = Client()
    response = client.get("/advisories/components/core-api/feed.atom")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    text = response.content.decode()
    assert f"<title>{advisory.identifier}: {MARKER}</title>" in text
    assert f"https://garrison.example.org/advisories/{advisory.identifier}" in text
    assert "<updated>" in text
    assert client.get("/advisories/components/billing/feed.atom").status_code == 404  # no advisory names it
    assert client.get("/advisories/components/nothing-here/feed.atom").status_code == 404
    core = personas.world["core_api"]
    core.classification = ClassificationLabel.objects.get(name="Confidential")
    core.save()
    assert client.get("/advisories/components/core-api/feed.atom").status_code == 404


def test_public_pages_are_read_only(personas, advisory):
    advisory = _publish(advisory, personas)
    client = Client()
    for url in (f"/advisories/{advisory.identifier}", "/advisories/", "/.well-known/security.txt"):
        assert client.post(url, {}).status_code == 405


def test_listing_queries_do_not_grow_with_the_number_of_advisories(personas, advisory):
    def counts() -> list[int]:
        out = []
        client = Client()
        for url in (*LISTINGS, "/advisories/components/core-api/feed.atom"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            out.append(len(ctx))
        return out

    _publish(advisory, personas)
    one = counts()
    issue = advisory.issues.get()
    for _ in range(3):
        more = services.advisory_draft(actor=personas.security_lead, issues=[issue])
        more.credits.update(consent=CreditConsent.ACCEPTED)
        more = services.advisory_approve(actor=make_user(f"l{more.pk}@example.org", Role.SECURITY_LEAD), advisory=more)
        services.advisory_publish(actor=personas.security_lead, advisory=more)
    assert counts() == one
