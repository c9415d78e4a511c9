"""Finding identity: what must not change a fingerprint (lines, build numbers, tools) and what must."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from garrison.findings.fingerprints import (
    canonical_vulnerability_id,
    endpoint_template,
    fingerprint,
    normalise_path,
    package_key,
)
from garrison.findings.importers import ParsedFinding
from garrison.findings.importers.base import Kind

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)


def code_finding(**fields: object) -> ParsedFinding:
    base = ParsedFinding(
        title="SQL injection",
        tool="Semgrep",
        kind=Kind.CODE,
        rule_id="python.sqli",
        file_path="src/app/db.py",
        line=12,
        code_fingerprint="abc123",
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def dep_finding(**fields: object) -> ParsedFinding:
    base = ParsedFinding(
        title="Django SQL injection",
        tool="Trivy",
        kind=Kind.DEPENDENCY,
        vulnerability_id="CVE-2024-42005",
        package_purl="pkg:pypi/django@4.2.1",
        package_name="django",
        file_path="requirements.txt",
        line=3,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


@given(line=st.integers(min_value=1, max_value=10**6), shift=st.integers(min_value=1, max_value=10**4))
def test_shifting_the_line_never_changes_a_fingerprint(line, shift):
    assert fingerprint(code_finding(line=line)) == fingerprint(code_finding(line=line + shift))
    assert fingerprint(dep_finding(line=line)) == fingerprint(dep_finding(line=line + shift))


@given(a=st.integers(min_value=0, max_value=10**9), b=st.integers(min_value=0, max_value=10**9), name=NAMES)
def test_a_build_number_in_a_directory_never_changes_a_fingerprint(a, b, name):
    first = code_finding(file_path=f"/builds/acme/app/{name}-{a}/out/build{a}/main.py")
    second = code_finding(file_path=f"/builds/acme/app/{name}-{b}/out/build{b}/main.py")

    assert fingerprint(first) == fingerprint(second)


@given(a=NAMES, b=NAMES)
def test_different_files_make_different_fingerprints(a, b):
    if a != b:
        assert fingerprint(code_finding(file_path=f"src/{a}.py")) != fingerprint(code_finding(file_path=f"src/{b}.py"))


@given(a=NAMES, b=NAMES)
def test_different_rules_make_different_fingerprints(a, b):
    if a != b:
        assert fingerprint(code_finding(rule_id=a)) != fingerprint(code_finding(rule_id=b))


@given(a=NAMES, b=NAMES)
def test_different_packages_make_different_fingerprints(a, b):
    if a.replace("_", "-") != b.replace("_", "-"):
        assert fingerprint(dep_finding(package_purl=f"pkg:npm/{a}@1")) != fingerprint(
            dep_finding(package_purl=f"pkg:npm/{b}@1")
        )


@given(a=st.integers(min_value=1, max_value=99999), b=st.integers(min_value=1, max_value=99999))
def test_different_vulnerabilities_make_different_fingerprints(a, b):
    if a != b:
        assert fingerprint(dep_finding(vulnerability_id=f"CVE-2023-{a:05d}")) != fingerprint(
            dep_finding(vulnerability_id=f"CVE-2023-{b:05d}")
        )


def test_the_tool_the_version_and_the_title_do_not_change_a_dependency_fingerprint():
    grype = dep_finding(tool="Grype", title="other words", package_purl="pkg:pypi/Django@5.0?arch=x86#sub")

    assert fingerprint(grype) == fingerprint(dep_finding())


def test_a_ghsa_with_a_cve_alias_is_the_same_finding_as_the_cve():
    ghsa = dep_finding(vulnerability_id="GHSA-xxxx-yyyy-zzzz", aliases=["CVE-2024-42005"])

    assert fingerprint(ghsa) == fingerprint(dep_finding())


def test_a_dependency_decision_key_names_the_vulnerability_and_the_package():
    assert fingerprint(dep_finding())[1] == "dep:CVE-2024-42005|pkg:pypi/django"


def test_a_code_decision_key_is_its_fingerprint():
    digest, key = fingerprint(code_finding())

    assert key == f"fp:{digest}"
    assert len(digest) == 64


def test_a_code_finding_without_a_stable_fingerprint_falls_back_to_the_title():
    assert fingerprint(code_finding(code_fingerprint="")) != fingerprint(code_finding(code_fingerprint="", title="x"))


def test_secrets_differ_by_their_hash_only():
    secret = code_finding(kind=Kind.SECRET, code_fingerprint="", secret_hash="h1")

    assert fingerprint(secret) != fingerprint(replace(secret, secret_hash="h2"))
    assert fingerprint(secret) == fingerprint(replace(secret, line=99))


def test_dast_uses_the_endpoint_template_and_parameter():
    first = code_finding(kind=Kind.DAST, endpoint="https://Shop.example.org/users/42?q=1", parameter="q")
    second = replace(first, endpoint="https://shop.example.org/users/7#top")

    assert fingerprint(first) == fingerprint(second)
    assert fingerprint(first) != fingerprint(replace(first, parameter="id"))


@pytest.mark.parametrize(
    ("vid", "aliases", "expected"),
    [
        ("GHSA-AAAA-BBBB-CCCC", ["CVE-2021-9999", "CVE-2020-12345"], "CVE-2020-12345"),
        ("cve-2021-10000", ["CVE-2021-9999"], "CVE-2021-9999"),
        ("GHSA-qqqq-rrrr-ssss", ["GHSA-CCCC-gggg-hhhh"], "GHSA-cccc-gggg-hhhh"),
        ("PYSEC-2021-1", [], "PYSEC-2021-1"),
        (" RUSTSEC-2020-0001 ", [""], "RUSTSEC-2020-0001"),
    ],
)
def test_canonical_vulnerability_id(vid, aliases, expected):
    assert canonical_vulnerability_id(vid, aliases) == expected


@pytest.mark.parametrize(
    ("purl", "expected"),
    [
        ("pkg:pypi/Django_REST.framework@3.0", "pkg:pypi/django-rest-framework"),
        ("pkg:npm/%40Angular/Core@16.0.0", "pkg:npm/%40angular/core"),
        ("pkg:npm/@angular/core@16.0.0", "pkg:npm/%40angular/core"),
        ("pkg:golang/github.com/Sirupsen/Logrus@v1.0.0", "pkg:golang/github.com/sirupsen/logrus"),
        ("pkg:gem/Rails@7.0?platform=ruby", "pkg:gem/rails"),
        ("pkg:cargo/Serde@1", "pkg:cargo/serde"),
        ("PKG:Maven/org.Apache.Logging/Log4j-Core@2.14.1", "pkg:maven/org.Apache.Logging/Log4j-Core"),
        ("pkg:deb/debian/openssl@3.0.11-1?arch=amd64#x", "pkg:deb/debian/openssl"),
        ("", ""),
    ],
)
def test_package_key(purl, expected):
    assert package_key(purl) == expected


def test_package_key_without_a_purl_is_the_name():
    assert package_key("", "  OpenSSL ") == "openssl"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (".\\src\\app.py", "src/app.py"),
        ("./src/app.py", "src/app.py"),
        ("/home/runner/work/repo/repo/src/app.py", "src/app.py"),
        ("/github/workspace/src/app.py", "src/app.py"),
        ("file:///builds/group/project/src/app.py", "src/app.py"),
        ("C:\\agent\\_work\\12\\s\\src\\app.py", "agent/_work/#/s/src/app.py"),
        ("release-2.3.1/lib/v2/file1.py", "release-#.#.#/lib/v#/file1.py"),
    ],
)
def test_normalise_path(path, expected):
    assert normalise_path(path) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://Example.org:443/api/users/123/orders/9?x=1", "https://example.org/api/users/{id}/orders/{id}"),
        ("http://h:8080/a/0b7e0a4e-5a3b-4b6f-9d3c-1a2b3c4d5e6f/", "http://h:8080/a/{id}"),
        ("/login", "/login"),
    ],
)
def test_endpoint_template(url, expected):
    assert endpoint_template(url) == expected


def test_an_unversioned_scoped_npm_package_keeps_its_scope():
    """The "@" of an npm scope is not a version separator (it used to cut the whole name off)."""
    assert package_key("pkg:npm/@angular/core") == package_key("pkg:npm/%40angular/core@17.0.1")
    assert package_key("pkg:npm/@angular/core") == "pkg:npm/%40angular/core"


@pytest.mark.parametrize(
    "purl",
    [
        "pkg:github/actions/checkout@refs/heads/release/v4",
        "pkg:github/actions/checkout@v4",
        "pkg:github/actions/checkout",
    ],
)
def test_a_version_holding_a_slash_is_still_cut(purl):
    assert package_key(purl) == "pkg:github/actions/checkout"
