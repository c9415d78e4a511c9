"""Trivy JSON reports, read from the shared real fixtures, streamed one item at a time."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedFinding, ParseError, Severity, hash_secret
from garrison.findings.importers.purls import purl_for
from garrison.findings.importers.trivy import parse

pytestmark = pytest.mark.fixtures

FIXTURES = {
    "scheme_2_no_vuln.json": 0,
    "issue_9092.json": 1,
    "scheme_2_many_vulns.json": 5,
    "misconfigurations_and_secrets.json": 5,
}


def _read(name: str) -> bytes:
    return shared_fixture("scanners", "trivy", name).read_bytes()


def _parse(data: bytes) -> list:
    return list(parse(io.BytesIO(data)))


@pytest.mark.parametrize(("name", "count"), FIXTURES.items())
def test_fixture_finding_count(name, count):
    assert len(_parse(_read(name))) == count


def test_vulnerability_takes_nvd_cvss_and_the_reports_purl():
    (finding,) = _parse(_read("issue_9092.json"))

    assert finding == ParsedFinding(
        title="CVE-2023-37920 in certifi 2022.5.18.1",
        tool="trivy",
        kind=Kind.DEPENDENCY,
        severity=Severity.HIGH,
        vulnerability_id="CVE-2023-37920",
        cvss_v3_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        cvss_v3_score=9.8,
        cwes=[345],
        package_name="certifi",
        package_purl="pkg:pypi/certifi@2022.5.18.1",
        installed_version="2022.5.18.1",
        fixed_version="2023.7.22",
        file_path="requirements.txt",
        description=finding.description,
        references=finding.references,
        target="sbom.json",
    )
    assert finding.description.startswith("python-certifi: Removal of e-Tugra root certificate\n\nCertifi is a")
    assert finding.references[:2] == [
        "https://avd.aquasec.com/nvd/cve-2023-37920",
        "https://access.redhat.com/security/cve/CVE-2023-37920",
    ]
    assert len(finding.references) == 10


def test_os_and_maven_packages_get_purls_built_from_the_result_type():
    findings = _parse(_read("scheme_2_many_vulns.json"))

    assert [(f.vulnerability_id, f.package_purl, f.severity) for f in findings] == [
        ("CVE-2020-15999", "pkg:apk/alpine/freetype@2.9.1-r2", Severity.MEDIUM),
        ("CVE-2020-28196", "pkg:apk/alpine/krb5-libs@1.15.5-r0", Severity.HIGH),
        ("CVE-2019-12900", "pkg:apk/alpine/libbz2@1.0.6-r6", Severity.CRITICAL),
        ("CVE-2018-11771", "pkg:maven/org.apache.commons/commons-compress@1.14", Severity.MEDIUM),
        ("CVE-2018-1324", "pkg:maven/org.apache.commons/commons-compress@1.14", Severity.MEDIUM),
    ]
    assert findings[3].package_name == "org.apache.commons:commons-compress"
    assert findings[3].file_path == "app/libs/commons-compress-1.14"
    assert findings[0].target == "teamdojo:latest"


def test_vendor_cvss_is_used_when_nvd_has_none():
    krb5 = _parse(_read("scheme_2_many_vulns.json"))[1]

    assert (krb5.cvss_v3_vector, krb5.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", 7.5)


def test_no_cvss_at_all_leaves_the_fields_empty():
    libbz2 = _parse(_read("scheme_2_many_vulns.json"))[2]

    assert (libbz2.cvss_v3_vector, libbz2.cvss_v3_score, libbz2.cwes) == ("", None, [787])


def test_misconfiguration_is_a_code_finding_on_the_config_file():
    misconfiguration = _parse(_read("misconfigurations_and_secrets.json"))[2]

    assert misconfiguration.kind is Kind.CODE
    assert (misconfiguration.rule_id, misconfiguration.vulnerability_id) == ("DS002", "DS002")
    assert misconfiguration.title == "Image user should not be 'root'"
    assert (misconfiguration.severity, misconfiguration.file_path, misconfiguration.line) == (
        Severity.HIGH,
        "Dockerfile",
        None,
    )
    assert misconfiguration.references == [
        "https://avd.aquasec.com/misconfig/ds002",
        "https://docs.docker.com/develop/develop-images/dockerfile_best-practices/",
    ]
    assert misconfiguration.description.endswith("Add 'USER <non root user name>' line to the Dockerfile")


def test_secret_is_hashed_from_the_masked_match_rule_and_lines_and_never_kept():
    secret = _parse(_read("misconfigurations_and_secrets.json"))[3]

    assert secret.kind is Kind.SECRET
    assert (secret.rule_id, secret.title, secret.severity) == (
        "github-pat",
        "GitHub Personal Access Token",
        Severity.CRITICAL,
    )
    assert (secret.file_path, secret.line) == ("Dockerfile", 24)
    assert secret.secret_hash == hash_secret("trivy-masked|github-pat|24-24|ENV GITHUB_PAT=")
    assert secret.description == "GitHub Personal Access Token (GitHub) found at line 24. The matched text is not kept."


def test_two_secrets_in_different_files_hash_differently():
    first, second = _parse(_read("misconfigurations_and_secrets.json"))[3:]

    assert first.secret_hash != second.secret_hash


def test_an_unmasked_match_is_hashed_and_not_copied_anywhere():
    data = (
        b'{"SchemaVersion": 2, "Results": [{"Target": "app.env", "Class": "secret", "Secrets": [{"RuleID": "aws-key",'
        b' "Title": "AWS Access Key", "Severity": "HIGH", "StartLine": 3, "EndLine": 3,'
        b' "Match": "AKIAEXAMPLEKEY123"}]}]}'
    )

    (secret,) = _parse(data)

    assert secret.secret_hash == hash_secret("AKIAEXAMPLEKEY123")
    assert all(
        "AKIAEXAMPLEKEY123" not in str(getattr(secret, name))
        for name in ParsedFinding.__slots__
        if name != "secret_hash"
    )


def test_passed_misconfigurations_are_not_findings():
    data = (
        b'{"SchemaVersion": 2, "Results": [{"Target": "main.tf", "Class": "config", "Misconfigurations": ['
        b'{"ID": "AVD-AWS-0001", "Title": "a", "Status": "PASS"},'
        b' {"ID": "AVD-AWS-0002", "Title": "b", "Status": "FAIL",'
        b' "CauseMetadata": {"StartLine": 7, "Code": {"Lines": [{"Number": 7, "Content": "acl = \\"public\\""}]}}}]}]}'
    )

    (finding,) = _parse(data)

    assert (finding.rule_id, finding.line) == ("AVD-AWS-0002", 7)
    assert len(finding.code_fingerprint) == 32


def test_report_without_a_result_type_purl_uses_pkg_identifier():
    data = (
        b'{"SchemaVersion": 2, "Results": [{"Target": "go.sum", "Class": "lang-pkgs", "Type": "gomod",'
        b' "Vulnerabilities":'
        b' [{"VulnerabilityID": "GHSA-aaaa-bbbb-cccc", "PkgName": "golang.org/x/net", "InstalledVersion": "v0.1.0",'
        b' "PkgIdentifier": {"PURL": "pkg:golang/golang.org/x/net@v0.1.0"}, "Severity": "LOW",'
        b' "CVSS": {"ghsa": {"V40Vector": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}}}]}]}'
    )

    (finding,) = _parse(data)

    assert finding.package_purl == "pkg:golang/golang.org/x/net@v0.1.0"
    assert (finding.cvss_v4_score, finding.severity) == (9.3, Severity.LOW)


def test_legacy_list_of_results_is_read():
    data = (
        b'[{"Target": "package-lock.json", "Type": "npm", "Vulnerabilities": [{"VulnerabilityID": "CVE-2020-1",'
        b' "PkgName": "@babel/core", "InstalledVersion": "7.0.0"}]}]'
    )

    (finding,) = _parse(data)

    assert (finding.package_purl, finding.target) == ("pkg:npm/%40babel/core@7.0.0", "package-lock.json")


def test_k8s_report_reads_each_resources_results():
    data = (
        b'{"ClusterName": "prod", "Resources": [{"Namespace": "shop", "Kind": "Deployment", "Name": "web", "Results":'
        b' [{"Target": "nginx:1.25 (debian 12)", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities":'
        b' [{"VulnerabilityID": "CVE-2023-1", "PkgName": "libc6", "InstalledVersion": "2.36-9"}]}]}]}'
    )

    (finding,) = _parse(data)

    assert (finding.package_purl, finding.target, finding.file_path) == (
        "pkg:deb/debian/libc6@2.36-9",
        "shop/Deployment/web",
        "",
    )


@pytest.mark.parametrize("data", [b"", b"  \n", b"null", b"{}", b"[]"])
def test_empty_reports_yield_nothing(data):
    assert _parse(data) == []


def test_truncated_report_is_a_parse_error_with_position():
    data = _read("scheme_2_many_vulns.json")

    with pytest.raises(ParseError) as caught:
        _parse(data[: len(data) // 2])

    assert caught.value.format == "trivy"
    assert caught.value.message == "not valid JSON (the report ends in the middle of a value: truncated?)"
    assert caught.value.position.startswith("character ")
    assert 0 < int(caught.value.position.removeprefix("character ")) <= len(data) // 2


def test_invalid_utf8_is_a_parse_error():
    data = _read("issue_9092.json").replace(b"requirements.txt", b"requir\xffments.txt")

    with pytest.raises(ParseError) as caught:
        _parse(data)

    bad = data.index(b"\xff")
    assert (caught.value.message, caught.value.position) == ("invalid UTF-8", f"byte {bad}")


@pytest.mark.parametrize(
    ("data", "message", "position"),
    [
        (b'"a string"', "expected a Trivy report object", "$"),
        (b'{"hello": "world"}', 'expected a Trivy report (an object with "Results")', "$"),
        (b'{"SchemaVersion": 2, "Results": {"Target": "x"}}', '"Results" must be a list', "$.Results"),
        (b'{"SchemaVersion": 2, "Results": [{"Target": "x"}, 7]}', "expected a result object", "$.Results[1]"),
        (
            b'{"Results": [{"Target": "x", "Vulnerabilities": {"a": 1}}]}',
            "expected a list",
            "$.Results[0].Vulnerabilities",
        ),
        (b'{"Results": [{"Target": "x", "Secrets": [1]}]}', "expected an object", "$.Results[0].Secrets[0]"),
    ],
)
def test_wrong_shape_is_a_parse_error(data, message, position):
    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("trivy", message, position)


@pytest.mark.parametrize("depth", [201, 900, 50_000])
def test_deep_nesting_is_refused_before_it_eats_memory(depth):
    head = b'{"Results": [{"Target": "x", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": ['

    with pytest.raises(ParseError, match="nesting deeper than 200 levels"):
        _parse(head + b"[" * depth + b"]" * depth + b"]}]}")


def test_nesting_up_to_the_limit_is_read():
    head = b'{"Results": [{"Target": "x", "Class": "os-pkgs", "Type": "debian", "Vulnerabilities": ['
    deep = b'{"VulnerabilityID": "CVE-2024-1", "PkgName": "p", "x": ' + b"[" * 190 + b"]" * 190 + b"}"

    assert [f.vulnerability_id for f in _parse(head + deep + b"]}]}")] == ["CVE-2024-1"]


def test_error_message_does_not_quote_the_report():
    data = b'{"Results": [{"Target": "x", "Secrets": [{"Match": "hunter2-secret-value" oops}]}]}'

    with pytest.raises(ParseError) as caught:
        _parse(data)

    assert "hunter2" not in str(caught.value)


def test_purls_for_trivy_result_types():
    assert [
        purl_for("poetry", "Django_Rest", "1.0"),
        purl_for("yarn", "@scope/pkg", "2.0"),
        purl_for("gobinary", "github.com/a/b", "v1.2.3"),
        purl_for("bundler", "rails", "7.0.1"),
        purl_for("cargo", "serde", "1.0.0"),
        purl_for("composer", "laravel/framework", "7.12.0"),
        purl_for("nuget", "Newtonsoft.Json", "12.0.1"),
        purl_for("ubuntu", "openssl", "3.0.2"),
        purl_for("rocky", "glibc", "2.28"),
        purl_for("gradle", "com.google.guava:guava", "31.0"),
        purl_for("unheard-of", "x", "1"),
    ] == [
        "pkg:pypi/django-rest@1.0",
        "pkg:npm/%40scope/pkg@2.0",
        "pkg:golang/github.com/a/b@v1.2.3",
        "pkg:gem/rails@7.0.1",
        "pkg:cargo/serde@1.0.0",
        "pkg:composer/laravel/framework@7.12.0",
        "pkg:nuget/Newtonsoft.Json@12.0.1",
        "pkg:deb/ubuntu/openssl@3.0.2",
        "pkg:rpm/rocky/glibc@2.28",
        "pkg:maven/com.google.guava/guava@31.0",
        "",
    ]
