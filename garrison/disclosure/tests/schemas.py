"""Validators for the official schemas in ../shared/fixtures/schemas (offline, with the `$ref` mapping its README
gives). ``errors(name, document)`` lists every schema error as "path: message"; an empty list means valid."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT7

from garrison.core.tests.fixtures import shared_fixture

SCHEMAS = {
    "csaf": ("csaf-2.0", "csaf_json_schema.json", Draft202012Validator),
    "osv": ("osv", "schema.json", Draft202012Validator),
    "cve5": ("cve-5", "CVE_JSON_bundled_5.1.1.json", Draft7Validator),
    "openvex": ("openvex", "openvex_json_schema.json", Draft202012Validator),
}
# CSAF's external CVSS refs, registered under the exact URLs it uses (their own ids carry a query string).
_CSAF_REFS = {
    "https://www.first.org/cvss/cvss-v2.0.json": ("cvss-v2.0.json", DRAFT4),
    "https://www.first.org/cvss/cvss-v3.0.json": ("cvss-v3.0.json", DRAFT4),
    "https://www.first.org/cvss/cvss-v3.1.json": ("cvss-v3.1.json", DRAFT7),
}


def _load(*parts: str) -> Any:
    return json.loads(shared_fixture("schemas", *parts).read_text(encoding="utf-8"))


@cache
def _validator(name: str) -> Validator:
    folder, file_name, cls = SCHEMAS[name]
    schema = _load(folder, file_name)
    registry: Registry = Registry()
    if name == "csaf":
        for url, (ref_file, spec) in _CSAF_REFS.items():
            registry = registry.with_resource(
                url, Resource.from_contents(_load(folder, ref_file), default_specification=spec)
            )
    validator: Validator = cls(schema, registry=registry, format_checker=cls.FORMAT_CHECKER)
    return validator


def errors(name: str, document: Any) -> list[str]:
    """Every schema error of ``document`` against the official ``name`` schema (csaf, osv, cve5, openvex)."""
    found = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:300]}" for e in found]
