"""Every shared scanner report, SBOM and VEX file is recognised as the right format and parses without error.

The table is written by hand on purpose: a new fixture file must be added here with the format it is, and a sniffer
that starts claiming someone else's file fails here first.
"""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers import EMPTY, HEAD_BYTES, REGISTRY, detect

pytestmark = pytest.mark.fixtures

AREAS = ("scanners", "sbom", "vex")

EXPECTED = {
    "sbom/cyclonedx/cern-lhc-vdm-editor-e564943.bom.1.2.xml": "cyclonedx-xml",
    "sbom/cyclonedx/laravel-7.12.0.bom.1.4.json": "cyclonedx-json",
    "sbom/cyclonedx/trivy-pom-cyclonedx.1.5.json": "cyclonedx-json",
    "sbom/cyclonedx/valid-bom-1.6.json": "cyclonedx-json",
    "sbom/spdx/SPDXJSONExample-v2.3.spdx.json": "spdx-json",
    "scanners/anchore_grype/check_all_fields.json": "grype",
    "scanners/anchore_grype/fix_available.json": "grype",
    "scanners/anchore_grype/issue_9618.json": "grype",
    "scanners/anchore_grype/no_vuln.json": "grype",
    "scanners/bandit/many_vulns.json": "bandit",
    "scanners/bandit/no_vuln.json": "bandit",
    "scanners/bandit/one_vuln.json": "bandit",
    "scanners/checkov/checkov-report-0-vuln.json": "checkov",
    "scanners/checkov/checkov-report-1-vuln.json": "checkov",
    "scanners/checkov/checkov-report-many-vuln.json": "checkov",
    "scanners/cyclonedx/log4j.json": "cyclonedx-json",
    "scanners/cyclonedx/no-severity.json": "cyclonedx-json",
    "scanners/cyclonedx/valid-vulnerability-1.4.json": "cyclonedx-json",
    "scanners/cyclonedx/valid-vulnerability-1.4.xml": "cyclonedx-xml",
    "scanners/dependency_check/dc_empty.xml": "dependency-check-xml",
    "scanners/dependency_check/multiple_vulnerabilities_has_multiple_findings.xml": "dependency-check-xml",
    "scanners/dependency_check/single_vuln.xml": "dependency-check-xml",
    "scanners/generic/generic_empty.json": "generic-json",
    "scanners/generic/generic_one_finding_with_component_name.json": "generic-json",
    "scanners/generic/generic_report1.csv": "generic-csv",
    "scanners/generic/generic_report1.json": "generic-json",
    "scanners/github_vulnerability/github-0-vuln.json": "github-dependabot",
    "scanners/github_vulnerability/github-1-vuln.json": "github-dependabot",
    "scanners/github_vulnerability/github-5-vuln.json": "github-dependabot",
    "scanners/github_vulnerability/github_h2.json": "github-dependabot",
    "scanners/gitleaks/data_one.json": "gitleaks",
    "scanners/gitleaks/gitleaks8_many.json": "gitleaks",
    "scanners/gitleaks/no_findings.json": EMPTY,  # the literal null
    "scanners/govulncheck/many_vulns_new_version.json": "govulncheck",
    "scanners/govulncheck/no_vulns_new_version.json": "govulncheck",
    "scanners/nancy/nancy_many_findings.json": "nancy",
    "scanners/nancy/nancy_no_findings.json": "nancy",
    "scanners/nancy/nancy_one_findings.json": "nancy",
    "scanners/npm_audit/many_vuln.json": "npm-audit",
    "scanners/npm_audit/no_vuln.json": "npm-audit",
    "scanners/npm_audit/one_vuln.json": "npm-audit",
    "scanners/npm_audit_7_plus/many_vulns.json": "npm-audit-7",
    "scanners/npm_audit_7_plus/no_vuln.json": "npm-audit-7",
    "scanners/npm_audit_7_plus/one_vuln.json": "npm-audit-7",
    "scanners/nuclei/issue_9201.json": "nuclei",
    "scanners/nuclei/many_findings.json": "nuclei",
    "scanners/nuclei/no_findings.json": EMPTY,  # 0 bytes
    "scanners/osv_scanner/many_findings.json": "osv-scanner",
    "scanners/osv_scanner/no_findings.json": EMPTY,  # 0 bytes
    "scanners/osv_scanner/some_findings.json": "osv-scanner",
    "scanners/pip_audit/empty.json": EMPTY,  # "[", newline, "]"
    "scanners/pip_audit/many_vulns.json": "pip-audit",
    "scanners/pip_audit/zero_vulns.json": "pip-audit",
    "scanners/sarif/appendix_k1.sarif": "sarif",
    "scanners/sarif/appendix_k2.sarif": "sarif",
    "scanners/sarif/codeQL-output.sarif": "sarif",
    "scanners/sarif/issue_10191.json": "sarif",  # SARIF from Semgrep: SARIF, not semgrep
    "scanners/semgrep/empty.json": "semgrep",
    "scanners/semgrep/many_findings.json": "semgrep",
    "scanners/semgrep/many_vulns.json": "semgrep",
    "scanners/semgrep/one_finding.json": "semgrep",
    "scanners/snyk/all-projects_many_vulns.json": "snyk",
    "scanners/snyk/single_project_no_vulns.json": "snyk",
    "scanners/snyk/single_project_one_vuln.json": "snyk",
    "scanners/trivy/issue_9092.json": "trivy",
    "scanners/trivy/misconfigurations_and_secrets.json": "trivy",
    "scanners/trivy/scheme_2_many_vulns.json": "trivy",
    "scanners/trivy/scheme_2_no_vuln.json": "trivy",
    "scanners/trufflehog/v2_many_vulns.json": "trufflehog2",  # TruffleHog 2: branch, commitHash, stringsFound
    "scanners/trufflehog/v3_git.json": "trufflehog",  # TruffleHog 3: SourceMetadata, DetectorName, Raw
    "scanners/trufflehog3/zero_vulns.json": EMPTY,  # feeltheajf/trufflehog3's "[]"
    "scanners/yarn_audit/yarn_audit_many_vul.json": "yarn-audit",
    "scanners/yarn_audit/yarn_audit_one_vul.json": "yarn-audit",
    "scanners/yarn_audit/yarn_audit_zero_vul.json": "yarn-audit",
    "scanners/zap/basic-traditional-json.json": "zap-json",
    "scanners/zap/empty_2.9.0.xml": "zap-xml",
    "scanners/zap/zap-xml-plus-format.xml": "zap-xml",
    "scanners/zap/zap_2.16.1_with_req_resp.xml": "zap-xml",
    "vex/cyclonedx/bom.json": "cyclonedx-json",
    "vex/cyclonedx/vex.json": "cyclonedx-json",
}


def _read(path: str) -> bytes:
    return shared_fixture(*path.split("/")).read_bytes()


def test_table_lists_every_fixture_file():
    root = shared_fixture()
    on_disk = sorted(
        path.relative_to(root).as_posix() for area in AREAS for path in (root / area).rglob("*") if path.is_file()
    )

    assert on_disk == sorted(EXPECTED)


@pytest.mark.parametrize(("path", "fmt"), sorted(EXPECTED.items()))
def test_detect_names_the_format(path, fmt):
    assert detect(_read(path)[:HEAD_BYTES]) == fmt


@pytest.mark.parametrize(("path", "fmt"), sorted(EXPECTED.items()))
def test_importer_parses_the_file(path, fmt):
    list(REGISTRY[fmt].parse(io.BytesIO(_read(path))))


@pytest.mark.parametrize("name", sorted(set(REGISTRY) - {EMPTY}))
def test_each_sniffer_claims_exactly_its_own_fixtures(name):
    """Sniffers must be exclusive, not just first in the detection order: each claims its own files and no other
    (empty files are left out: the registry answers those before any sniffer is asked)."""
    heads = {path: _read(path)[:HEAD_BYTES] for path, fmt in EXPECTED.items() if fmt != EMPTY}
    claimed = sorted(path for path, head in heads.items() if REGISTRY[name].sniff(head))

    assert claimed == sorted(path for path, fmt in EXPECTED.items() if fmt == name)
