"""CycloneDX BOMs, JSON and XML, spec 1.2 to 1.6: the inventory, vulnerabilities and VEX statements.

Every component (nested ones too, not the BOM's own subject in ``metadata.component``) is a ParsedComponent.
Every (vulnerability, affected ref) pair is a dependency finding; the ref is resolved through the components'
``bom-ref`` (or a BOM-Link ``urn:cdx:...#ref``, or a purl used as the ref). A VEX analysis (state,
justification, detail) becomes the finding's ``vex``, as written, for the import to record as a triage decision
(``services.triage.decisions_from_vex``); it is also kept in the description ("VEX analysis: not_affected
(code_not_reachable)"), for whoever may not triage. The XML is turned into the JSON shape first (matching local
names, since the namespace changes with every spec version), so both share one mapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedComponent,
    ParsedFinding,
    Severity,
    VexAnalysis,
    expect,
    load_json,
    load_xml,
    severity_from_score,
    severity_from_word,
    text,
)
from garrison.findings.importers.purls import split_purl
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cwe_numbers, score_value, v3_pair, v4_pair

FORMAT_JSON = "cyclonedx-json"
FORMAT_XML = "cyclonedx-xml"
TOOL = "cyclonedx"

_JSON_FORMAT_KEY = re.compile(rb'"bomFormat"\s*:\s*"CycloneDX"')
_JSON_SCHEMA = re.compile(rb'"\$schema"\s*:\s*"https?://cyclonedx\.org/schema/bom-1\.\d')
_XML_NAMESPACE = re.compile(rb"""xmlns(?::\w+)?\s*=\s*["']http://cyclonedx\.org/schema/bom/1\.\d""")
_XML_ROOT = re.compile(rb"<(?:\w+:)?bom[\s>]")
_BOM_KEYS = ("bomFormat", "specVersion", "components", "vulnerabilities", "metadata", "serialNumber")
_UPGRADE_TO = re.compile(r"\bversions?\s+(v?\d[\w.+~:-]*(?:\s*,\s*v?\d[\w.+~:-]*)*)", re.IGNORECASE)
_V3_METHODS = {"cvssv3": "3.0", "cvssv31": "3.1"}
MAX_NESTING = 100


def sniff_json(head: bytes) -> bool:
    return bool(_JSON_FORMAT_KEY.search(head) or _JSON_SCHEMA.search(head[:4096]))


def sniff_xml(head: bytes) -> bool:
    return bool(_XML_ROOT.search(head) and _XML_NAMESPACE.search(head))


def _objects(value: Any, fmt: str, position: str) -> list[dict[str, Any]]:
    """A list of objects; None is an empty list; anything else is a shape error."""
    if value is None:
        return []
    expect(isinstance(value, list), fmt, "expected a list", position)
    for index, item in enumerate(value):
        expect(isinstance(item, dict), fmt, "expected an object", f"{position}[{index}]")
    return value


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects in a list, for optional detail fields where one odd entry should not fail the import."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _display_name(component: dict[str, Any]) -> str:
    name, group = text(component.get("name")), text(component.get("group"))
    if not group:
        return name
    purl = text(component.get("purl"))
    return f"{group}:{name}" if purl.startswith("pkg:maven/") or (not purl and "." in group) else f"{group}/{name}"


def _licenses(value: Any) -> list[str]:
    found: list[str] = []
    for entry in _dicts(value):
        licence = entry.get("license")
        name = text(entry.get("expression"))
        if not name and isinstance(licence, dict):
            name = text(licence.get("id")) or text(licence.get("name"))
        if name and name not in found:
            found.append(name)
    return found


def _party(value: Any) -> str:
    return text(value.get("name")) if isinstance(value, dict) else text(value)


def _component(component: dict[str, Any]) -> ParsedComponent:
    return ParsedComponent(
        name=_display_name(component),
        version=text(component.get("version")),
        purl=text(component.get("purl")),
        type=text(component.get("type")),
        licenses=_licenses(component.get("licenses")),
        supplier=_party(component.get("supplier"))
        or text(component.get("publisher"))
        or _party(component.get("manufacturer")),
    )


def _walk(bom: dict[str, Any], fmt: str) -> Iterator[dict[str, Any]]:
    """Every component, depth first, nested ``components`` included."""
    stack = [
        (component, f"$.components[{i}]")
        for i, component in enumerate(_objects(bom.get("components"), fmt, "$.components"))
    ]
    stack.reverse()
    while stack:
        component, position = stack.pop()
        yield component
        nested = _objects(component.get("components"), fmt, f"{position}.components")
        stack.extend(reversed([(child, f"{position}.components[{i}]") for i, child in enumerate(nested)]))


def _tool_name(tools: Any) -> str:
    if isinstance(tools, dict):  # 1.5+: {"components": [...], "services": [...]}
        tools = [*_dicts(tools.get("components")), *_dicts(tools.get("services"))]
    for tool in _dicts(tools):
        name = text(tool.get("name"))
        if name:
            return name
    return ""


def _rating_pairs(ratings: list[dict[str, Any]]) -> tuple[tuple[str, float | None], tuple[str, float | None]]:
    """The v3 and v4 (vector, score) to keep: NVD's rating when there is one, else the first of each version."""
    v3: list[tuple[bool, tuple[str, float | None]]] = []
    v4: list[tuple[bool, tuple[str, float | None]]] = []
    for rating in ratings:
        method = text(rating.get("method")).lower()
        vector, score = rating.get("vector"), rating.get("score")
        is_nvd = _party(rating.get("source")).lower() == "nvd"
        if method in _V3_METHODS or text(vector).upper().startswith("CVSS:3"):
            pair = v3_pair(vector, score, _V3_METHODS.get(method, "3.1"))
            if pair[0] or pair[1] is not None:
                v3.append((is_nvd, pair))
        elif method == "cvssv4" or text(vector).upper().startswith("CVSS:4"):
            pair = v4_pair(vector, score)
            if pair[0] or pair[1] is not None:
                v4.append((is_nvd, pair))
    empty: tuple[str, float | None] = ("", None)
    best3 = next((p for nvd, p in v3 if nvd), v3[0][1] if v3 else empty)
    best4 = next((p for nvd, p in v4 if nvd), v4[0][1] if v4 else empty)
    return best3, best4


def _severity(ratings: list[dict[str, Any]], *scores: float | None) -> Severity:
    for rating in ratings:
        severity = severity_from_word(rating.get("severity"))
        if severity is not Severity.UNKNOWN:
            return severity
    for score in (*scores, *(score_value(rating.get("score")) for rating in ratings)):
        if score is not None:
            return severity_from_score(score)
    return Severity.UNKNOWN


def _references(vuln: dict[str, Any]) -> list[str]:
    urls = [_url(vuln.get("source"))]
    urls += [text(advisory.get("url")) for advisory in _dicts(vuln.get("advisories"))]
    urls += [_url(reference.get("source")) for reference in _dicts(vuln.get("references"))]
    return list(dict.fromkeys(url for url in urls if url))


def _url(source: Any) -> str:
    return text(source.get("url")) if isinstance(source, dict) else ""


def _description(vuln: dict[str, Any]) -> str:
    parts = [text(vuln.get("description")), text(vuln.get("detail"))]
    analysis = vuln.get("analysis")
    if isinstance(analysis, dict) and text(analysis.get("state")):
        parts.append(text(analysis.get("detail")))
        justification = text(analysis.get("justification"))
        state = text(analysis.get("state")) + (f" ({justification})" if justification else "")
        parts.append(f"VEX analysis: {state}")
    return "\n\n".join(part for part in parts if part)


def _vex(vuln: dict[str, Any]) -> VexAnalysis | None:
    """The VEX statement as written; an analysis without a state (the schema allows it) states nothing."""
    analysis = vuln.get("analysis")
    if not isinstance(analysis, dict) or not text(analysis.get("state")):
        return None
    return VexAnalysis(
        state=text(analysis.get("state")),
        justification=text(analysis.get("justification")),
        detail=text(analysis.get("detail")),
    )


def _fixed_version(vuln: dict[str, Any], target: dict[str, Any]) -> str:
    unaffected = [
        text(entry.get("version")) or text(entry.get("range"))
        for entry in _dicts(target.get("versions"))
        if text(entry.get("status")).lower() == "unaffected"
    ]
    if any(unaffected):
        return ", ".join(v for v in unaffected if v)
    match = _UPGRADE_TO.search(text(vuln.get("recommendation")))
    return match.group(1).rstrip(".") if match else ""


def _resolve(ref: str, refs: dict[str, dict[str, Any]]) -> tuple[str, str, str]:
    """(package name, version, purl) for an ``affects`` ref."""
    component = refs.get(ref)
    if component is None and ref.startswith("urn:cdx:") and "#" in ref:  # BOM-Link to a component elsewhere
        ref = ref.split("#", 1)[1]
        component = refs.get(ref)
    if component is not None:
        return _display_name(component), text(component.get("version")), text(component.get("purl"))
    if ref.startswith("pkg:"):
        name, version = split_purl(ref)
        return name, version, ref if name else ""
    return "", "", ""


def _findings(vuln: dict[str, Any], refs: dict[str, dict[str, Any]], tool: str, target: str) -> Iterator[Parsed]:
    vid = text(vuln.get("id"))
    if not vid:  # nothing identifies it: a vulnerability without an id cannot be tracked across scans
        return
    ratings = _dicts(vuln.get("ratings"))
    (v3_vector, v3_score), (v4_vector, v4_score) = _rating_pairs(ratings)
    aliases = [text(reference.get("id")) for reference in _dicts(vuln.get("references"))]
    common: dict[str, Any] = {
        "tool": _tool_name(vuln.get("tools")) or tool,
        "kind": Kind.DEPENDENCY,
        "severity": _severity(ratings, v3_score, v4_score),
        "vulnerability_id": vid,
        "aliases": list(dict.fromkeys(alias for alias in aliases if alias and alias != vid)),
        "cvss_v3_vector": v3_vector,
        "cvss_v3_score": v3_score,
        "cvss_v4_vector": v4_vector,
        "cvss_v4_score": v4_score,
        "cwes": cwe_numbers(vuln.get("cwes")),
        "description": _description(vuln),
        "vex": _vex(vuln),
        "references": _references(vuln),
        "target": target,
    }
    for affected in _dicts(vuln.get("affects")) or [{}]:
        name, version, purl = _resolve(text(affected.get("ref")), refs)
        yield ParsedFinding(
            title=f"{vid} in {name} {version}".strip() if name else vid,
            package_name=name,
            package_purl=purl,
            installed_version=version,
            fixed_version=_fixed_version(vuln, affected),
            **common,
        )


def _parse_bom(bom: Any, fmt: str) -> Iterator[Parsed]:
    if bom is None or bom == {}:
        return
    expect(isinstance(bom, dict), fmt, "expected a CycloneDX BOM object", "$")
    expect(any(key in bom for key in _BOM_KEYS), fmt, 'expected a CycloneDX BOM (an object with "bomFormat")', "$")
    metadata: dict[str, Any] = bom["metadata"] if isinstance(bom.get("metadata"), dict) else {}
    subject: dict[str, Any] = metadata["component"] if isinstance(metadata.get("component"), dict) else {}
    refs: dict[str, dict[str, Any]] = {}
    if subject:
        refs[text(subject.get("bom-ref"))] = subject
    for component in _walk(bom, fmt):
        refs.setdefault(text(component.get("bom-ref")) or text(component.get("purl")), component)
        if text(component.get("name")):
            yield _component(component)
    refs.pop("", None)
    tool = _tool_name(metadata.get("tools")) or TOOL
    target = f"{text(subject.get('name'))} {text(subject.get('version'))}".strip()
    for vuln in _objects(bom.get("vulnerabilities"), fmt, "$.vulnerabilities"):
        yield from _findings(vuln, refs, tool, target)


def parse_json(source: BinaryIO) -> Iterator[Parsed]:
    yield from _parse_bom(load_json(source, FORMAT_JSON), FORMAT_JSON)


# --- XML: the same BOM in the JSON shape -------------------------------------------------------------------------


def _local(element: Any) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child(element: Any, name: str) -> Any:
    return next((child for child in element if _local(child) == name), None)


def _items(element: Any, wrapper: str, name: str) -> list[Any]:
    outer = _child(element, wrapper)
    return [] if outer is None else [child for child in outer if _local(child) == name]


def _value(element: Any, name: str) -> str:
    child = _child(element, name)
    return "".join(child.itertext()).strip() if child is not None else ""


def _xml_fields(element: Any, *names: str) -> dict[str, Any]:
    return {name: value for name in names if (value := _value(element, name))}


def _xml_source(element: Any) -> dict[str, Any]:
    source = _child(element, "source")
    return _xml_fields(source, "name", "url") if source is not None else {}


def _xml_licenses(element: Any) -> list[dict[str, Any]]:
    outer = _child(element, "licenses")
    if outer is None:
        return []
    found: list[dict[str, Any]] = []
    for child in outer:
        if _local(child) == "license":
            found.append({"license": _xml_fields(child, "id", "name")})
        elif _local(child) == "expression":
            found.append({"expression": "".join(child.itertext()).strip()})
    return found


def _xml_component(element: Any, depth: int = 0) -> dict[str, Any]:
    expect(depth < MAX_NESTING, FORMAT_XML, f"components nested deeper than {MAX_NESTING} levels")
    component = _xml_fields(element, "name", "version", "group", "purl", "publisher")
    component.update({key: element.get(key) for key in ("type", "bom-ref") if element.get(key)})
    component["licenses"] = _xml_licenses(element)
    for party in ("supplier", "manufacturer"):
        if (child := _child(element, party)) is not None:
            component[party] = _xml_fields(child, "name")
    nested = _items(element, "components", "component")
    component["components"] = [_xml_component(child, depth + 1) for child in nested]
    return component


def _xml_vulnerability(element: Any) -> dict[str, Any]:
    vuln = _xml_fields(element, "id", "description", "detail", "recommendation")
    vuln["source"] = _xml_source(element)
    vuln["references"] = [
        {"id": _value(ref, "id"), "source": _xml_source(ref)} for ref in _items(element, "references", "reference")
    ]
    vuln["ratings"] = [
        {**_xml_fields(rating, "score", "severity", "method", "vector"), "source": _xml_source(rating)}
        for rating in _items(element, "ratings", "rating")
    ]
    vuln["cwes"] = ["".join(cwe.itertext()).strip() for cwe in _items(element, "cwes", "cwe")]
    vuln["advisories"] = [_xml_fields(item, "title", "url") for item in _items(element, "advisories", "advisory")]
    vuln["tools"] = [_xml_fields(tool, "name") for tool in _items(element, "tools", "tool")]
    analysis = _child(element, "analysis")
    if analysis is not None:
        vuln["analysis"] = _xml_fields(analysis, "state", "justification", "detail")
    vuln["affects"] = [
        {
            "ref": _value(target, "ref"),
            "versions": [_xml_fields(v, "version", "range", "status") for v in _items(target, "versions", "version")],
        }
        for target in _items(element, "affects", "target")
    ]
    return vuln


def _xml_tools(metadata: Any) -> list[dict[str, Any]]:
    outer = _child(metadata, "tools")
    if outer is None:
        return []
    tools = [_xml_fields(tool, "name") for tool in outer if _local(tool) == "tool"]
    return tools + [_xml_fields(tool, "name") for tool in _items(outer, "components", "component")]


def _xml_bom(root: Any) -> dict[str, Any]:
    expect(_local(root) == "bom", FORMAT_XML, f"expected a <bom> document, got <{_local(root)}>", "/")
    bom: dict[str, Any] = {"bomFormat": "CycloneDX"}
    metadata = _child(root, "metadata")
    if metadata is not None:
        subject = _child(metadata, "component")
        bom["metadata"] = {"tools": _xml_tools(metadata)}
        if subject is not None:
            bom["metadata"]["component"] = _xml_component(subject)
    bom["components"] = [_xml_component(child) for child in _items(root, "components", "component")]
    bom["vulnerabilities"] = [_xml_vulnerability(v) for v in _items(root, "vulnerabilities", "vulnerability")]
    return bom


def parse_xml(source: BinaryIO) -> Iterator[Parsed]:
    root = load_xml(source, FORMAT_XML)
    if root is None:
        return
    yield from _parse_bom(_xml_bom(root), FORMAT_XML)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT_JSON, label="CycloneDX JSON (SBOM, vulnerabilities, VEX)", sniff=sniff_json, parse=parse_json),
    Importer(name=FORMAT_XML, label="CycloneDX XML (SBOM, vulnerabilities, VEX)", sniff=sniff_xml, parse=parse_xml),
]
