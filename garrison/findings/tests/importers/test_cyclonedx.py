"""CycloneDX JSON and XML (SBOMs, vulnerability reports, VEX), read from the shared real fixtures."""

from __future__ import annotations

import io

import pytest

from garrison.core.tests.fixtures import shared_fixture
from garrison.findings.importers.base import Kind, ParsedComponent, ParsedFinding, ParseError, Severity, VexAnalysis
from garrison.findings.importers.cyclonedx import parse_json, parse_xml

pytestmark = pytest.mark.fixtures

# path parts -> (format, components, findings)
FIXTURES: dict[tuple[str, ...], tuple[str, int, int]] = {
    ("sbom", "cyclonedx", "cern-lhc-vdm-editor-e564943.bom.1.2.xml"): ("cyclonedx-xml", 43, 0),
    ("sbom", "cyclonedx", "laravel-7.12.0.bom.1.4.json"): ("cyclonedx-json", 62, 0),
    ("sbom", "cyclonedx", "trivy-pom-cyclonedx.1.5.json"): ("cyclonedx-json", 3, 2),
    ("sbom", "cyclonedx", "valid-bom-1.6.json"): ("cyclonedx-json", 3, 0),
    ("scanners", "cyclonedx", "log4j.json"): ("cyclonedx-json", 1, 8),
    ("scanners", "cyclonedx", "no-severity.json"): ("cyclonedx-json", 0, 1),
    ("scanners", "cyclonedx", "valid-vulnerability-1.4.json"): ("cyclonedx-json", 1, 1),
    ("scanners", "cyclonedx", "valid-vulnerability-1.4.xml"): ("cyclonedx-xml", 1, 1),
    ("vex", "cyclonedx", "bom.json"): ("cyclonedx-json", 3, 0),
    ("vex", "cyclonedx", "vex.json"): ("cyclonedx-json", 0, 1),
}
PARSERS = {"cyclonedx-json": parse_json, "cyclonedx-xml": parse_xml}


def _read(parts: tuple[str, ...]) -> bytes:
    return shared_fixture(*parts).read_bytes()


def _parse(parts: tuple[str, ...]) -> list:
    return list(PARSERS[FIXTURES[parts][0]](io.BytesIO(_read(parts))))


def _json(data: bytes) -> list:
    return list(parse_json(io.BytesIO(data)))


def _xml(data: bytes) -> list:
    return list(parse_xml(io.BytesIO(data)))


def _findings(items: list) -> list[ParsedFinding]:
    return [item for item in items if isinstance(item, ParsedFinding)]


def _components(items: list) -> list[ParsedComponent]:
    return [item for item in items if isinstance(item, ParsedComponent)]


@pytest.mark.parametrize(("parts", "components", "findings"), [(p, c, f) for p, (_, c, f) in FIXTURES.items()])
def test_fixture_counts(parts, components, findings):
    items = _parse(parts)

    assert (len(_components(items)), len(_findings(items))) == (components, findings)


def test_vulnerability_resolves_its_bom_ref_and_reads_ratings_cwes_and_vex():
    (finding,) = _findings(_parse(("scanners", "cyclonedx", "valid-vulnerability-1.4.json")))

    assert finding == ParsedFinding(
        title="SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111 in com.fasterxml.jackson.core:jackson-databind 2.9.4",
        tool="Snyk CLI (Linux)",
        kind=Kind.DEPENDENCY,
        severity=Severity.CRITICAL,
        vulnerability_id="SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111",
        aliases=["CVE-2018-7489"],
        cvss_v3_vector="CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        cvss_v3_score=9.8,
        cwes=[184, 502],
        package_name="com.fasterxml.jackson.core:jackson-databind",
        package_purl="pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4",
        installed_version="2.9.4",
        fixed_version="2.6.7.5, 2.8.11.1, 2.9.5",
        description=finding.description,
        references=[
            "https://snyk.io/vuln/SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111",
            "https://github.com/FasterXML/jackson-databind/commit/6799f8f10cc78e9af6d443ed6982d00a13f2e7d2",
            "https://github.com/FasterXML/jackson-databind/issues/1931",
            "https://nvd.nist.gov/vuln/detail/CVE-2019-9997",
        ],
        vex=VexAnalysis(
            state="not_affected",
            justification="code_not_reachable",
            detail="An optional explanation of why the application is not affected by the vulnerable component.",
        ),
    )
    assert finding.description.endswith(
        "\n\nAn optional explanation of why the application is not affected by the vulnerable component."
        "\n\nVEX analysis: not_affected (code_not_reachable)"
    )


def test_xml_gives_the_same_finding_and_component_as_json():
    from_json = _parse(("scanners", "cyclonedx", "valid-vulnerability-1.4.json"))
    from_xml = _parse(("scanners", "cyclonedx", "valid-vulnerability-1.4.xml"))

    assert from_xml == from_json


def test_trivy_bom_prefers_the_nvd_rating_and_reads_the_upgrade_version():
    first = _findings(_parse(("sbom", "cyclonedx", "trivy-pom-cyclonedx.1.5.json")))[0]

    assert (first.vulnerability_id, first.severity, first.tool) == ("CVE-2020-9548", Severity.CRITICAL, "trivy")
    assert (first.cvss_v3_vector, first.cvss_v3_score) == ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
    assert (first.fixed_version, first.target) == ("2.9.10.4", "testdata/fixtures/repo/pom")


def test_grype_bom_resolves_refs_with_qualifiers_and_keeps_the_components_purl():
    findings = _findings(_parse(("scanners", "cyclonedx", "log4j.json")))

    assert [(f.vulnerability_id, f.severity) for f in findings] == [
        ("CVE-2021-44228", Severity.CRITICAL),
        ("CVE-2021-44832", Severity.MEDIUM),
        ("CVE-2021-45046", Severity.CRITICAL),
        ("CVE-2021-45105", Severity.MEDIUM),
        ("GHSA-7rjr-3q55-vv33", Severity.CRITICAL),
        ("GHSA-8489-44mv-ggj8", Severity.MEDIUM),
        ("GHSA-jfh8-c2jp-5v3q", Severity.CRITICAL),
        ("GHSA-p6xc-xr62-6r2g", Severity.HIGH),
    ]
    assert {f.package_purl for f in findings} == {"pkg:maven/org.apache.logging.log4j/log4j-core@2.13.2"}
    assert findings[0].description.endswith("\n\nVEX analysis: in_triage")
    assert findings[0].tool == "grype"


def test_unresolvable_ref_keeps_the_vulnerability_without_a_package():
    (finding,) = _findings(_parse(("scanners", "cyclonedx", "no-severity.json")))

    assert (finding.title, finding.package_purl, finding.severity) == ("CVE-2021-44228", "", Severity.CRITICAL)
    assert finding.cvss_v3_score == 10.0


def test_vex_bom_link_ref_becomes_the_package():
    (finding,) = _findings(_parse(("vex", "cyclonedx", "vex.json")))

    assert finding.package_purl == "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"
    assert (finding.package_name, finding.installed_version) == (
        "com.fasterxml.jackson.core:jackson-databind",
        "2.10.0",
    )
    assert (finding.severity, finding.cvss_v3_score, finding.aliases) == (
        Severity.HIGH,
        7.5,
        ["SNYK-JAVA-COMFASTERXMLJACKSONCORE-1048302"],
    )
    assert finding.description.endswith("\n\nVEX analysis: not_affected (code_not_reachable)")


def test_components_carry_licences_supplier_and_type():
    components = _components(_parse(("sbom", "cyclonedx", "valid-bom-1.6.json")))

    assert components == [
        ParsedComponent(
            name="com.acme:tomcat-catalina",
            version="9.0.14",
            purl="pkg:maven/com.acme/tomcat-catalina@9.0.14?packaging=jar",
            type="application",
            licenses=["Apache-2.0"],
            supplier="Acme Inc",
        ),
        ParsedComponent(
            name="org.example:mylibrary",
            version="1.0.0",
            purl="pkg:maven/com.example/myapplication@1.0.0?packaging=war",
            type="library",
            licenses=["EPL-2.0 OR GPL-2.0-with-classpath-exception"],
            supplier="Example, Inc.",
        ),
        ParsedComponent(
            name="com.example:myframework",
            version="1.0.0",
            purl="pkg:maven/com.example/myframework@1.0.0?packaging=war",
            type="framework",
            licenses=["Some random license"],
        ),
    ]


def test_xml_1_2_components_use_local_names():
    components = _components(_parse(("sbom", "cyclonedx", "cern-lhc-vdm-editor-e564943.bom.1.2.xml")))

    assert components[0] == ParsedComponent(
        name="puppeteer", version="1.19.0", purl="pkg:npm/puppeteer@1.19.0", type="library", licenses=["Apache-2.0"]
    )


def test_nested_components_are_listed_depth_first():
    data = (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"type": "library", "name": "outer",'
        b' "components": [{"type": "library", "name": "inner", "version": "2", "licenses": [{"license": {"name":'
        b' "Custom"}}]}]}, {"type": "library", "name": "last"}]}'
    )

    assert [(c.name, c.licenses) for c in _json(data)] == [("outer", []), ("inner", ["Custom"]), ("last", [])]


def test_nested_xml_components_and_v4_ratings_are_read():
    data = (
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="library" bom-ref="a">'
        b'<name>a</name><version>1</version><components><component type="library" bom-ref="b"><name>b</name>'
        b"<version>2</version><purl>pkg:npm/b@2</purl></component></components></component></components>"
        b"<vulnerabilities><vulnerability><id>CVE-2024-9</id><ratings><rating><method>CVSSv4</method><vector>"
        b"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N</vector></rating></ratings>"
        b"<affects><target><ref>b</ref><versions><version><version>3</version><status>unaffected</status></version>"
        b"</versions></target></affects></vulnerability></vulnerabilities></bom>"
    )

    items = _xml(data)

    assert [c.name for c in _components(items)] == ["a", "b"]
    (finding,) = _findings(items)
    assert (finding.package_purl, finding.fixed_version, finding.cvss_v4_score, finding.severity) == (
        "pkg:npm/b@2",
        "3",
        9.3,
        Severity.CRITICAL,
    )


@pytest.mark.parametrize("data", [b"", b"null", b"{}"])
def test_empty_json_yields_nothing(data):
    assert _json(data) == []


def test_empty_xml_yields_nothing():
    assert _xml(b"") == []


def test_xml_entity_bomb_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaa">]><bom xmlns="http://cyclonedx.org/schema/bom/1.4">&a;</bom>'

    with pytest.raises(ParseError, match="refused unsafe XML"):
        _xml(bomb)


@pytest.mark.parametrize(
    ("data", "message", "position"),
    [
        (b"[1]", "expected a CycloneDX BOM object", "$"),
        (b'{"runs": []}', 'expected a CycloneDX BOM (an object with "bomFormat")', "$"),
        (b'{"bomFormat": "CycloneDX", "components": {"a": 1}}', "expected a list", "$.components"),
        (
            b'{"bomFormat": "CycloneDX", "components": [{"name": "a", "components": [1]}]}',
            "expected an object",
            "$.components[0].components[0]",
        ),
        (b'{"bomFormat": "CycloneDX", "vulnerabilities": ["CVE-1"]}', "expected an object", "$.vulnerabilities[0]"),
    ],
)
def test_wrong_json_shape_is_a_parse_error(data, message, position):
    with pytest.raises(ParseError) as caught:
        _json(data)

    assert (caught.value.format, caught.value.message, caught.value.position) == ("cyclonedx-json", message, position)


def test_xml_that_is_not_a_bom_is_a_parse_error():
    with pytest.raises(ParseError, match=r"^cyclonedx-xml: expected a <bom> document, got <OWASPZAPReport>"):
        _xml(b"<OWASPZAPReport><site/></OWASPZAPReport>")
