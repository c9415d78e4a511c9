"""Sonatype nancy JSON (``nancy sleuth --output=json``): ``vulnerable`` lists the Go modules with findings, each
``{"Coordinates": "pkg:golang/...@v...", "Vulnerabilities": [{"Id", "Title", "Description", "CvssScore",
"CvssVector", "Cve", "Reference", "Excluded"}]}``. Only ``vulnerable`` counts (``audited`` repeats every module);
vulnerabilities the project excluded (``.nancy-ignore``) are not findings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from garrison.findings.importers.base import (
    Kind,
    Parsed,
    ParsedFinding,
    Severity,
    expect,
    load_json,
    severity_from_score,
    text,
)
from garrison.findings.importers.purls import split_purl
from garrison.findings.importers.registry import Importer
from garrison.findings.importers.scoring import cvss4_vector, score_value, v3_pair, v4_pair

FORMAT = "nancy"
TOOL = "nancy"

_COORDINATES = re.compile(rb'"Coordinates"\s*:\s*"pkg:')
_NANCY_KEYS = re.compile(rb'"(?:InvalidSemVer|num_vulnerable|num_audited)"\s*:')
_CVE_PREFIX = re.compile(r"^\s*\[(?:CVE|GHSA|sonatype)-[^\]]*\]\s*", re.IGNORECASE)
_CWE = re.compile(r"\bCWE-(\d+)", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    return bool(_NANCY_KEYS.search(head) and (_COORDINATES.search(head) or b'"vulnerable"' in head))


def _finding(coordinates: str, vuln: dict[str, Any]) -> ParsedFinding:
    name, version = split_purl(coordinates)
    cve, oss_id = text(vuln.get("Cve")), text(vuln.get("Id") or vuln.get("ID"))
    vid = cve or oss_id
    vector, value = vuln.get("CvssVector"), vuln.get("CvssScore")
    if cvss4_vector(vector):
        v3_vector, v3_score, (v4_vector, v4_score) = "", None, v4_pair(vector, value)
    else:
        (v3_vector, v3_score), v4_vector, v4_score = v3_pair(vector, value), "", None
    raw_title = text(vuln.get("Title"))
    score = v4_score if v4_score is not None else v3_score if v3_score is not None else score_value(value)
    return ParsedFinding(
        title=" ".join(_CVE_PREFIX.sub("", raw_title).split()) or f"{vid} in {name}",
        tool=TOOL,
        kind=Kind.DEPENDENCY,
        severity=severity_from_score(score) if score is not None else Severity.UNKNOWN,
        vulnerability_id=vid,
        aliases=[oss_id] if cve and oss_id and oss_id != cve else [],
        cvss_v3_vector=v3_vector,
        cvss_v3_score=v3_score,
        cvss_v4_vector=v4_vector,
        cvss_v4_score=v4_score,
        cwes=[n for n in dict.fromkeys(int(c) for c in _CWE.findall(raw_title)) if n > 0],
        package_name=name or coordinates,
        package_purl=coordinates if name else "",
        installed_version=version,
        description=text(vuln.get("Description")),
        references=[text(vuln.get("Reference"))] if text(vuln.get("Reference")) else [],
    )


def parse(source: BinaryIO) -> Iterator[Parsed]:
    data = load_json(source, FORMAT)
    if data is None or data == []:
        return
    expect(isinstance(data, dict), FORMAT, 'expected an object with "vulnerable"', "$")
    vulnerable = data.get("vulnerable") or []
    expect(isinstance(vulnerable, list), FORMAT, '"vulnerable" must be a list', "$.vulnerable")
    for index, module in enumerate(vulnerable):
        where = f"$.vulnerable[{index}]"
        expect(isinstance(module, dict), FORMAT, "expected a module object", where)
        coordinates = text(module.get("Coordinates"))
        vulns = module.get("Vulnerabilities") or []
        expect(isinstance(vulns, list), FORMAT, '"Vulnerabilities" must be a list', f"{where}.Vulnerabilities")
        for number, vuln in enumerate(vulns):
            expect(isinstance(vuln, dict), FORMAT, "expected a vulnerability", f"{where}.Vulnerabilities[{number}]")
            if vuln.get("Excluded") is True:
                continue
            yield _finding(coordinates, vuln)


IMPORTERS: list[Importer] = [Importer(name=FORMAT, label="nancy JSON", sniff=sniff, parse=parse)]
