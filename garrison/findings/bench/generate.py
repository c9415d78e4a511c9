"""Deterministic synthetic Trivy JSON and SARIF reports of any size, written as a stream (constant memory).

Finding ``i`` is the same finding in every report that contains it; ``changed=0.1`` replaces every tenth finding
by a new one (so a re-import sees 90% unchanged, 10% new and 10% mitigated).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import BinaryIO

import orjson

SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
LEVELS = ("error", "warning", "note")


def finding_ids(n: int, changed: float = 0.0) -> Iterator[int]:
    """The ids of the findings in a report of ``n``: 0..n-1, with a share ``changed`` replaced by ids >= n."""
    step = round(1 / changed) if changed else 0
    for i in range(n):
        yield n + i if step and i % step == 0 else i


def _write_array(out: BinaryIO, items: Iterator[dict[str, object]]) -> None:
    out.write(b"[")
    for number, item in enumerate(items):
        if number:
            out.write(b",\n")
        out.write(orjson.dumps(item))
    out.write(b"]")


def _trivy_vuln(i: int, rng: random.Random) -> dict[str, object]:
    package = f"lib{i % 997}"
    version = f"{i % 7}.{i % 13}.{rng.randrange(30)}"
    score = round(rng.uniform(1, 10), 1)
    return {
        "VulnerabilityID": f"CVE-{2015 + i // 90000}-{10000 + i % 90000}",
        "PkgID": f"{package}@{version}",
        "PkgName": package,
        "PkgIdentifier": {"PURL": f"pkg:deb/debian/{package}@{version}?arch=amd64"},
        "InstalledVersion": version,
        "FixedVersion": f"{version}+fix1",
        "SeveritySource": "nvd",
        "PrimaryURL": f"https://avd.aquasec.com/nvd/cve-{i}",
        "Title": f"{package}: synthetic vulnerability number {i}",
        "Description": f"A synthetic vulnerability in {package} for the import benchmark. " * 3,
        "Severity": SEVERITIES[rng.randrange(len(SEVERITIES))],
        "CweIDs": [f"CWE-{rng.choice((79, 89, 787, 416, 20))}"],
        "CVSS": {"nvd": {"V3Vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "V3Score": score}},
        "References": [f"https://example.org/advisories/{i}", f"https://nvd.nist.gov/vuln/detail/cve-{i}"],
    }


def write_trivy(out: BinaryIO, n: int, *, seed: int = 1, changed: float = 0.0) -> None:
    """A Trivy JSON report (schema 2) of ``n`` vulnerabilities in one container image."""
    out.write(b'{"SchemaVersion": 2, "ArtifactName": "registry.example.org/app:1.0", ')
    out.write(b'"ArtifactType": "container_image", "Results": [{"Target": "app (debian 12.5)", ')
    out.write(b'"Class": "os-pkgs", "Type": "debian", "Vulnerabilities": ')
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    _write_array(out, (_trivy_vuln(i, rng) for i in finding_ids(n, changed)))
    out.write(b"}]}\n")


def _sarif_result(i: int, rng: random.Random) -> dict[str, object]:
    rule = f"bench.rule-{i % 50}"
    path = f"src/package_{i % 211}/module_{i // 211}.py"
    return {
        "ruleId": rule,
        "level": LEVELS[rng.randrange(len(LEVELS))],
        "message": {"text": f"Synthetic problem {i} found by {rule}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 10 + rng.randrange(500), "startColumn": 5},
                }
            }
        ],
        "partialFingerprints": {"primaryLocationLineHash": hashlib.sha256(f"bench-{i}".encode()).hexdigest()[:16]},
    }


def write_sarif(out: BinaryIO, n: int, *, seed: int = 1, changed: float = 0.0) -> None:
    """A SARIF 2.1.0 log of one run with 50 rules and ``n`` results."""
    rules = [
        {
            "id": f"bench.rule-{r}",
            "name": f"Rule{r}",
            "shortDescription": {"text": f"Synthetic rule {r}"},
            "defaultConfiguration": {"level": LEVELS[r % 3]},
            "properties": {"tags": ["security", f"CWE-{r + 20}"]},
        }
        for r in range(50)
    ]
    driver = {"name": "BenchLint", "version": "1.0.0", "rules": rules}
    out.write(b'{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [{"tool": ')
    out.write(orjson.dumps({"driver": driver}))
    out.write(b', "results": ')
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    _write_array(out, (_sarif_result(i, rng) for i in finding_ids(n, changed)))
    out.write(b"}]}\n")


WRITERS = {"trivy": write_trivy, "sarif": write_sarif}
