"""OWASP ZAP reports: the XML report (``<OWASPZAPReport>``) and the traditional JSON report.

Both carry sites, each with alerts (one per rule that fired), each with instances (one per URL and parameter where it
fired). We yield one DAST finding per (alert, instance). Reports from ZAP before 2.5 have no ``<instances>`` and put
``uri``/``param`` on the alert itself; such an alert is one finding.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    ParseError,
    Severity,
    load_json,
    load_xml,
    severity_from_word,
    text,
)
from garrison.findings.importers.registry import Importer

FORMAT_XML = "zap-xml"
FORMAT_JSON = "zap-json"
TOOL = "ZAP"

_RISKS = {"0": Severity.INFO, "1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH}
_MAX_EVIDENCE = 1000

_XML_ROOT = re.compile(rb"<OWASPZAPReport[\s>/]")
_XML_LEADING_COMMENT = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<!--")
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_JSON_PROGRAM = re.compile(rb'"@programName"\s*:\s*"[^"]*ZAP')
_JSON_SITE = re.compile(rb'"site"\s*:\s*[\[{]')
_JSON_GENERATED = re.compile(rb'"@generated"\s*:')
_JSON_ALERT = re.compile(rb'"(?:alerts|pluginid|riskcode)"\s*:')
_BLOCK_TAG = re.compile(r"<\s*(?:/p|br\s*/?|/li|/div|/h\d)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[A-Za-z/!][^>]*>")
_URL = re.compile(r"https?://[^\s<>\"']+")
_RISK_PLACEHOLDER = re.compile(r"risk\.(\d)")
_DIGITS = re.compile(r"\d+")


def sniff_xml(head: bytes) -> bool:
    return bool(_XML_ROOT.search(head[:4096]))


def sniff_json(head: bytes) -> bool:
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return False
    if _JSON_PROGRAM.search(head):
        return True
    # Reports from ZAP versions without "@programName": {"@version", "@generated", "site": [{"@name", "alerts"}]}
    return bool(_JSON_SITE.search(head) and _JSON_GENERATED.search(head) and _JSON_ALERT.search(head))


def html_to_text(value: Any) -> str:
    """ZAP writes descriptions and solutions as HTML paragraphs (``<p>…</p>``) in some versions and as plain text in
    others; keep the words and the line breaks, drop the markup and the indentation."""
    raw = text(value)
    if _TAG.search(raw):
        # Only markup is unescaped: in plain text "&not" is part of a URL's query, not an entity.
        raw = html.unescape(_TAG.sub("", _BLOCK_TAG.sub("\n", raw)))
    lines = (" ".join(line.split()) for line in raw.splitlines())
    return "\n".join(line for line in lines if line)


def _severity(alert: dict[str, Any]) -> Severity:
    code = text(alert.get("riskcode"))
    if code in _RISKS:
        return _RISKS[code]
    riskdesc = text(alert.get("riskdesc"))
    placeholder = _RISK_PLACEHOLDER.search(riskdesc)  # unrendered report templates: "!reports.report.risk.3!"
    if placeholder and placeholder.group(1) in _RISKS:
        return _RISKS[placeholder.group(1)]
    words = riskdesc.split()
    return severity_from_word(words[0]) if words else Severity.UNKNOWN


def _cwes(value: Any) -> list[int]:
    found = _DIGITS.fullmatch(text(value))
    number = int(found.group()) if found else 0
    return [number] if number > 0 else []


def _references(alert: dict[str, Any]) -> list[str]:
    urls = _URL.findall(html_to_text(alert.get("reference")))
    urls.extend(link for _, link in alert.get("tags") or () if link.startswith(("http://", "https://")))
    return list(dict.fromkeys(url.rstrip(".,;)") for url in urls))


def _rule_id(alert: dict[str, Any]) -> str:
    # alertRef tells apart the variants of one plugin ("10020-1", "10020-2"); older reports only have pluginid.
    return text(alert.get("alertRef")) or text(alert.get("pluginid"))


def _alert_description(alert: dict[str, Any]) -> str:
    parts = [html_to_text(alert.get("desc"))]
    solution = html_to_text(alert.get("solution"))
    if solution:
        parts.append(f"Solution:\n{solution}")
    return "\n\n".join(part for part in parts if part)


def _instance_description(base: str, alert: dict[str, Any], instance: dict[str, Any]) -> str:
    lines = []
    for label, key in (("Method", "method"), ("Attack", "attack"), ("Evidence", "evidence")):
        value = text(instance.get(key))
        if value:
            lines.append(f"{label}: {value[:_MAX_EVIDENCE]}")
    other = html_to_text(instance.get("otherinfo")) or html_to_text(alert.get("otherinfo"))
    if other:
        lines.append(f"Other information:\n{other[:_MAX_EVIDENCE]}")
    return "\n\n".join(part for part in (base, "\n".join(lines)) if part)


def _findings(alert: dict[str, Any], site: str) -> Iterator[ParsedFinding]:
    rule = _rule_id(alert)
    title = text(alert.get("name")) or text(alert.get("alert")) or f"ZAP alert {rule}".strip()
    severity = _severity(alert)
    cwes = _cwes(alert.get("cweid"))
    references = _references(alert)
    base = _alert_description(alert)
    instances: list[dict[str, Any]] = alert.get("instances") or [alert]
    for instance in instances:
        yield ParsedFinding(
            title=title,
            tool=TOOL,
            kind=Kind.DAST,
            severity=severity,
            vulnerability_id=rule,
            rule_id=rule,
            cwes=list(cwes),
            endpoint=text(instance.get("uri")) or site,
            parameter=text(instance.get("param")),
            description=_instance_description(base, alert, instance),
            references=list(references),
            target=site,
        )


# XML ----------------------------------------------------------------------------------------------------------------


def _xml_text(element: Any) -> str:
    return "".join(element.itertext()).strip()


def _xml_alert(item: Any) -> dict[str, Any]:
    alert: dict[str, Any] = {}
    for child in item:
        if child.tag == "instances":
            alert["instances"] = [{field.tag: _xml_text(field) for field in instance} for instance in child]
        elif child.tag == "tags":
            alert["tags"] = [(text(tag.findtext("tag")), text(tag.findtext("link"))) for tag in child]
        elif isinstance(child.tag, str):
            alert[child.tag] = _xml_text(child)
    return alert


def _without_leading_comment(data: bytes) -> bytes:
    # Some pipelines write a licence comment before the XML declaration, which XML forbids; the declaration is then
    # the only thing wrong with the document, so drop it.
    if _XML_LEADING_COMMENT.match(data):
        return _XML_DECLARATION.sub(b"", data[:4096], count=1) + data[4096:]
    return data


def parse_xml(source: BinaryIO) -> Iterator[Parsed]:
    root = load_xml(_without_leading_comment(source.read()), FORMAT_XML)
    if root is None:
        return
    if root.tag != "OWASPZAPReport":
        raise ParseError(FORMAT_XML, f"expected an <OWASPZAPReport> document, got <{root.tag}>", "line 1")
    for site in root.iter("site"):
        site_name = text(site.get("name")) or text(site.get("host"))
        for item in site.iter("alertitem"):
            yield from _findings(_xml_alert(item), site_name)


# JSON ---------------------------------------------------------------------------------------------------------------


def _as_list(value: Any, inner: str, position: str) -> list[Any]:
    """ZAP JSON converted from XML may hold one item as an object, or wrap the list: {"alertitem": [...]}."""
    if value is None or value == "":
        return []
    if isinstance(value, dict) and inner in value:
        value = value[inner]
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise ParseError(FORMAT_JSON, "expected a list", position)
    return value


def _json_objects(value: Any, inner: str, position: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for index, item in enumerate(_as_list(value, inner, position)):
        if not isinstance(item, dict):
            raise ParseError(FORMAT_JSON, "expected an object", f"{position}[{index}]")
        yield f"{position}[{index}]", item


def _json_alert(alert: dict[str, Any], position: str) -> dict[str, Any]:
    instances = [inst for _, inst in _json_objects(alert.get("instances"), "instance", f"{position}.instances")]
    tags = alert.get("tags")
    if isinstance(tags, dict):  # {"CWE-79": "https://cwe.mitre.org/..."}
        pairs = [(text(name), text(link)) for name, link in tags.items()]
    elif isinstance(tags, list):
        pairs = [(text(tag.get("tag")), text(tag.get("link"))) for tag in tags if isinstance(tag, dict)]
    else:
        pairs = []
    return {**alert, "instances": instances, "tags": pairs}


def parse_json(source: BinaryIO) -> Iterator[Parsed]:
    report = load_json(source, FORMAT_JSON)
    if report is None or report == {} or report == []:
        return
    if isinstance(report, dict) and "site" not in report and ("@programName" in report or "@version" in report):
        return  # a report of a scan that reached no site
    if not isinstance(report, dict) or "site" not in report:
        raise ParseError(FORMAT_JSON, 'expected an object with "site"', "$")
    for site_position, site in _json_objects(report["site"], "site", "$.site"):
        site_name = text(site.get("@name")) or text(site.get("@host"))
        alerts = _json_objects(site.get("alerts"), "alertitem", f"{site_position}.alerts")
        for position, alert in alerts:
            yield from _findings(_json_alert(alert, position), site_name)


IMPORTERS: list[Importer] = [
    Importer(name=FORMAT_XML, label="OWASP ZAP XML report", sniff=sniff_xml, parse=parse_xml),
    Importer(name=FORMAT_JSON, label="OWASP ZAP JSON report", sniff=sniff_json, parse=parse_json),
]
