"""OSV export: valid against the official schema, only affected/fixed packages listed, every problem named."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from garrison.disclosure.document import ExportError, ProductDoc
from garrison.disclosure.exporters import EXPORTERS
from garrison.disclosure.exporters.osv import export_osv
from garrison.disclosure.status import ProductStatus
from garrison.disclosure.tests.samples import sample
from garrison.disclosure.tests.schemas import errors

pytestmark = pytest.mark.fixtures


def _product(package_url: str, **fields: object) -> ProductDoc:
    values: dict[str, object] = {"component": "lib", "status": ProductStatus.FIXED, "fixed_version": "1.2.3"}
    values.update(fields)
    return ProductDoc(package_url=package_url, **values)  # type: ignore[arg-type]


def _missing(doc: object) -> list[str]:
    with pytest.raises(ExportError) as caught:
        export_osv(doc)  # type: ignore[arg-type]
    assert caught.value.fmt == "osv"
    return caught.value.missing


@pytest.mark.parametrize("name", ["full", "v3_only"])
def test_samples_export_valid_osv(name):
    assert errors("osv", export_osv(sample(name))) == []


def test_registered_as_osv():
    assert EXPORTERS["osv"] is export_osv


def test_full_sample_lists_each_affected_release_line_and_leaves_out_the_others():
    record = export_osv(sample("full"))
    assert record["schema_version"].startswith("1.6.")
    # Our identifier has no registered OSV database prefix: OSV reserves x_ for that.
    assert record["id"] == "x_GARRISON-2026-0001"
    assert record["published"] == "2026-03-10T09:00:00.000Z"
    assert record["modified"] == "2026-03-12T14:00:00.000Z"
    assert record["aliases"] == ["CVE-2026-10001", "GHSA-abcd-efgh-ijkm", "PYSEC-2026-17"]
    assert record["summary"] == "Stored cross-site scripting in the core API comment renderer"
    assert "did not escape link titles" in record["details"]
    assert "COMMENT_LINKS_ENABLED=false" in record["details"]
    assert record["severity"] == [
        {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"},
        {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N"},
    ]
    affected = record["affected"]
    assert [a["database_specific"]["release_line"] for a in affected] == ["quesnelia", "ramsons"]
    assert {a["package"]["ecosystem"] for a in affected} == {"PyPI"}
    assert {a["package"]["name"] for a in affected} == {"garrison-core-api"}
    assert affected[0]["ranges"] == [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0.0"}, {"fixed": "1.4.2"}]}]
    assert affected[1]["ranges"][0]["events"] == [{"introduced": "2.0.0"}, {"fixed": "2.1.1"}]
    # billing (not affected, justified) and poppy (under investigation) are not affected packages.
    assert all(a["package"]["name"] != "garrison-billing" for a in affected)
    assert record["database_specific"]["products_not_listed"] == [
        {"product": "core-api:poppy", "status": "under_investigation"},
        {"product": "billing", "status": "not_affected"},
    ]
    assert record["database_specific"]["cwe_ids"] == ["CWE-79", "CWE-116"]
    assert record["database_specific"]["severity"] == "MEDIUM"
    assert record["references"][0] == {
        "type": "ADVISORY",
        "url": "https://garrison.example.org/advisories/GARRISON-2026-0001",
    }
    assert {"type": "FIX", "url": "https://github.com/example/garrison/commit/0123456789abcdef"} in record["references"]
    credits = {c["name"]: c["type"] for c in record["credits"]}
    assert credits["Ada Finder (Example Research)"] == "FINDER"
    assert credits["Dana Dev (Garrison Project)"] == "REMEDIATION_DEVELOPER"
    assert credits["semgrep"] == "TOOL"


def test_v3_only_sample_has_one_severity_and_a_range_from_zero():
    record = export_osv(sample("v3_only"))
    assert [s["type"] for s in record["severity"]] == ["CVSS_V3"]
    assert record["aliases"] == ["CVE-2026-10002"]
    assert record["affected"][0]["ranges"][0]["events"] == [{"introduced": "0"}, {"fixed": "1.4.3"}]


def test_v4_only_score_is_exported_alone():
    doc = replace(
        sample("v4_only"),
        products=(_product("pkg:pypi/garrison-billing", component="billing", fixed_version="3.0.1"),),
    )
    record = export_osv(doc)
    assert errors("osv", record) == []
    assert [s["type"] for s in record["severity"]] == ["CVSS_V4"]
    assert record["aliases"] == ["GHSA-wxyz-2345-6789"]


@pytest.mark.parametrize(
    ("purl", "ecosystem", "name", "range_type"),
    [
        ("pkg:npm/%40scope/widget", "npm", "@scope/widget", "SEMVER"),
        ("pkg:maven/org.example/lib-core", "Maven", "org.example:lib-core", "ECOSYSTEM"),
        ("pkg:golang/github.com/example/mod", "Go", "github.com/example/mod", "SEMVER"),
        ("pkg:cargo/widget", "crates.io", "widget", "SEMVER"),
        ("pkg:gem/widget", "RubyGems", "widget", "ECOSYSTEM"),
        ("pkg:nuget/Widget", "NuGet", "Widget", "ECOSYSTEM"),
        ("pkg:composer/example/widget", "Packagist", "example/widget", "ECOSYSTEM"),
        ("pkg:githubactions/example/action", "GitHub Actions", "example/action", "ECOSYSTEM"),
    ],
)
def test_package_ecosystem_and_name_come_from_the_purl(purl, ecosystem, name, range_type):
    record = export_osv(replace(sample("v3_only"), products=(_product(purl),)))
    assert errors("osv", record) == []
    package = record["affected"][0]["package"]
    assert (package["ecosystem"], package["name"]) == (ecosystem, name)
    assert record["affected"][0]["ranges"][0]["type"] == range_type


def test_a_non_semver_version_makes_an_ecosystem_range():
    record = export_osv(replace(sample("v3_only"), products=(_product("pkg:npm/widget", fixed_version="1.2"),)))
    assert record["affected"][0]["ranges"][0]["type"] == "ECOSYSTEM"


def test_a_list_of_versions_without_a_fix_is_a_versions_list():
    product = _product("pkg:pypi/widget", status=ProductStatus.AFFECTED, fixed_version="", affected_versions="1.0, 1.1")
    entry = export_osv(replace(sample("v3_only"), products=(product,)))["affected"][0]
    assert entry["versions"] == ["1.0", "1.1"]
    assert "ranges" not in entry


def test_an_inclusive_upper_bound_is_last_affected():
    product = _product(
        "pkg:pypi/widget", status=ProductStatus.AFFECTED, fixed_version="", affected_versions=">=1.0, <=1.9"
    )
    record = export_osv(replace(sample("v3_only"), products=(product,)))
    assert errors("osv", record) == []
    assert record["affected"][0]["ranges"][0]["events"] == [{"introduced": "1.0"}, {"last_affected": "1.9"}]


def test_an_affected_product_without_versions_is_affected_from_zero():
    product = _product("pkg:pypi/widget", status=ProductStatus.AFFECTED, fixed_version="")
    record = export_osv(replace(sample("v3_only"), products=(product,)))
    assert record["affected"][0]["ranges"][0]["events"] == [{"introduced": "0"}]


def test_free_text_versions_are_kept():
    product = _product("pkg:pypi/widget", affected_versions="all 1.x releases")
    entry = export_osv(replace(sample("v3_only"), products=(product,)))["affected"][0]
    assert entry["database_specific"]["affected_versions"] == "all 1.x releases"


def test_registered_and_given_ids_are_kept():
    assert export_osv(replace(sample("v3_only"), identifier="GHSA-abcd-efgh-ijkm"))["id"] == "GHSA-abcd-efgh-ijkm"
    given = replace(sample("v3_only"), extra={"osv_id": "PYSEC-2026-99"})
    assert export_osv(given)["id"] == "PYSEC-2026-99"
    # an alias equal to the id is not repeated
    assert "GHSA-abcd-efgh-ijkm" not in export_osv(replace(sample("full"), identifier="GHSA-abcd-efgh-ijkm")).get(
        "aliases", []
    )


def test_products_without_a_package_url_are_named_not_dropped():
    doc = replace(
        sample("v3_only"),
        products=(*sample("v3_only").products, ProductDoc(component="hosted-ui", status=ProductStatus.AFFECTED)),
    )
    record = export_osv(doc)
    assert record["database_specific"]["products_not_listed"] == [{"product": "hosted-ui", "status": "affected"}]


def test_no_affected_package_with_a_purl_is_refused():
    missing = _missing(sample("v4_only"))
    assert any(m.startswith("products:") and "package_url" in m for m in missing)
    missing = _missing(sample("not_affected"))
    assert any(m.startswith("products:") and "package_url" in m for m in missing)


def test_a_bad_purl_is_refused():
    missing = _missing(replace(sample("v3_only"), products=(_product("not a purl"),)))
    assert any(m.startswith("products[lib].package_url") for m in missing)
    missing = _missing(replace(sample("v3_only"), products=(_product("pkg:deb/debian/widget"),)))
    assert any(m.startswith("products[lib].package_url") and "ecosystem" in m for m in missing)


def test_fixed_without_fixed_version_is_refused():
    missing = _missing(replace(sample("v3_only"), products=(_product("pkg:pypi/widget", fixed_version=""),)))
    assert any(m.startswith("products[lib].fixed_version") for m in missing)


def test_no_summary_or_details_is_refused():
    missing = _missing(replace(sample("v3_only"), title="", summary="", description=""))
    assert any(m.startswith("summary:") for m in missing)
    assert any(m.startswith("details:") for m in missing)


def test_bad_vectors_dates_references_and_credits_are_refused():
    doc = replace(
        sample("full"),
        cvss_v3_vector="CVSS:3.1/AV:X",
        cvss_v4_vector="CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        identifier="",
        references=(replace(sample("full").references[0], url="ftp://example.org/x"),),
        credits=(replace(sample("full").credits[0], type="hero"),),
        initial_release=sample("full").initial_release.replace(tzinfo=None),
    )
    missing = _missing(doc)
    for field in ("identifier", "cvss_v3_vector", "cvss_v4_vector", "references[0].url", "credits[0].type"):
        assert any(m.startswith(field) for m in missing), field
    assert any(m.startswith("initial_release") for m in missing)


def test_output_is_deterministic():
    first = json.dumps(export_osv(sample("full")), sort_keys=False)
    assert json.dumps(export_osv(sample("full")), sort_keys=False) == first
