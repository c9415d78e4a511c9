"""Which report is which format: every shared fixture file, and a hand-written report for each format that has none.

The table is written by hand on purpose: a new fixture file must be added here with the format it is, and a sniffer
that starts claiming someone else's file fails first (test_all_fixtures.py). test_every_format.py runs its checks
(truncation, invalid UTF-8, random damage) over every report listed here.
"""

from __future__ import annotations

import functools

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers import EMPTY

FIXTURE_FORMATS = {
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

# Dependency-Check's JSON report (reportSchema 1.1), as its JSON writer lays it out.
DEPENDENCY_CHECK_JSON = b"""{
  "reportSchema": "1.1",
  "scanInfo": {"engineVersion": "9.0.9", "dataSource": []},
  "projectInfo": {"name": "shop", "reportDate": "2024-01-01T00:00:00Z", "credits": {}},
  "dependencies": [
    {"isVirtual": false, "fileName": "log4j-core-2.14.1.jar", "filePath": "/app/lib/log4j-core-2.14.1.jar",
     "evidenceCollected": {"vendorEvidence": [], "productEvidence": [], "versionEvidence": []},
     "packages": [{"id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "confidence": "HIGH"}],
     "vulnerabilities": [
       {"source": "NVD", "name": "CVE-2021-44228", "severity": "CRITICAL",
        "cvssv2": {"score": 9.3, "severity": "HIGH"},
        "cvssv3": {"baseScore": 10.0, "attackVector": "NETWORK", "attackComplexity": "LOW",
                   "privilegesRequired": "NONE", "userInteraction": "NONE", "scope": "CHANGED",
                   "confidentialityImpact": "HIGH", "integrityImpact": "HIGH", "availabilityImpact": "HIGH",
                   "baseSeverity": "CRITICAL", "version": "3.1"},
        "cwes": ["CWE-502", "CWE-400", "NVD-CWE-noinfo"],
        "description": "Log4Shell", "notes": "",
        "references": [{"source": "MISC", "url": "https://logging.apache.org/log4j/2.x/security.html", "name": "x"}],
        "vulnerableSoftware": [{"software": {"id": "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*",
                                             "vulnerabilityIdMatched": "true", "versionEndExcluding": "2.15.0"}}]},
       {"source": "OSSINDEX", "name": "CVE-2099-0001", "unscored": "true", "severity": "Unknown",
        "cvssv4": {"vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                   "baseScore": 9.3, "baseSeverity": "CRITICAL"}}
     ],
     "suppressedVulnerabilities": [{"source": "NVD", "name": "CVE-2021-45046", "severity": "CRITICAL"}]},
    {"isVirtual": false, "fileName": "clean.jar", "filePath": "/app/lib/clean.jar"}
  ]
}"""

# feeltheajf/trufflehog3's JSON list: one current record and one in the older v2 style it also writes.
TRUFFLEHOG3_JSON = b"""[
  {
    "rule": {"id": "high-entropy", "message": "High Entropy", "severity": "MEDIUM"},
    "path": "env-file.txt",
    "line": "10",
    "secret": "44c45225cf94e58d0c86f0a31051eb7c52c8f78f",
    "context": {"10": "DD_API_KEY=44c45225cf94e58d0c86f0a31051eb7c52c8f78f"},
    "id": "4a3e1b07", "branch": "main", "message": "add the env file", "author": "dev", "commit": null
  },
  {
    "reason": "AWS API Key",
    "path": "deploy/settings.py",
    "stringsFound": ["AKIAIOSFODNN7EXAMPLE"],
    "commitHash": "466cdc94b4fcb0acd1904726a9b4de5c26e9125d",
    "branch": "origin/main",
    "date": "2019-04-02 10:12:44"
  }
]"""

# Hand-written reports, only for the formats that have no shared fixture file.
SAMPLES = {"dependency-check-json": DEPENDENCY_CHECK_JSON, "trufflehog3": TRUFFLEHOG3_JSON}


def read_fixture(path: str) -> bytes:
    """A shared fixture file by its path in FIXTURE_FORMATS (skipped when ../shared/fixtures is absent)."""
    return shared_fixture(*path.split("/")).read_bytes()


# (name, format) of every report with something in it: the shared fixture files, then the samples (as "format
# sample"). The empty fixtures are left out: detect() answers those before any importer is asked.
REPORTS = [(path, fmt) for path, fmt in sorted(FIXTURE_FORMATS.items()) if fmt != EMPTY] + [
    (f"{fmt} sample", fmt) for fmt in sorted(SAMPLES)
]


@functools.cache
def read_report(name: str) -> bytes:
    """A report in REPORTS by its name."""
    if name.endswith(" sample"):
        return SAMPLES[name.removesuffix(" sample")]
    return read_fixture(name)
