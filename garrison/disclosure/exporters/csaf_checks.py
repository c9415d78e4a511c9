"""The CSAF 2.0 mandatory tests (section 6.1) that apply to the documents Garrison produces.

Each test is a function of the whole document (a dict, as serialised) returning a list of problems, each
"<test number> <JSON path>: <what is wrong>"; an empty list means the test passes. ``mandatory_problems`` runs
them all. Tests for parts we never produce (product groups, relationships, involvements, hashes, translations)
are left out; product ids in relationships and groups are still collected so 6.1.1/6.1.2 stay correct.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from cvss import CVSS3
from cvss.exceptions import CVSSError
from packageurl import PackageURL

from garrison.disclosure.exporters.cwe import CWE_NAMES

Doc = dict[str, Any]
Check = Callable[[Doc], list[str]]

# 6.1.6: a product may be in one group only.
STATUS_GROUPS: dict[str, str] = {
    "first_affected": "affected",
    "known_affected": "affected",
    "last_affected": "affected",
    "known_not_affected": "not_affected",
    "first_fixed": "fixed",
    "fixed": "fixed",
    "under_investigation": "under_investigation",
}
# 6.1.10: CVSS v3 JSON property -> vector metric.
CVSS3_PROPERTIES: dict[str, tuple[str, dict[str, str]]] = {
    "attackVector": ("AV", {"N": "NETWORK", "A": "ADJACENT_NETWORK", "L": "LOCAL", "P": "PHYSICAL"}),
    "attackComplexity": ("AC", {"L": "LOW", "H": "HIGH"}),
    "privilegesRequired": ("PR", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "userInteraction": ("UI", {"N": "NONE", "R": "REQUIRED"}),
    "scope": ("S", {"U": "UNCHANGED", "C": "CHANGED"}),
    "confidentialityImpact": ("C", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "integrityImpact": ("I", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
    "availabilityImpact": ("A", {"N": "NONE", "L": "LOW", "H": "HIGH"}),
}
_INTEGER_VERSION = re.compile(r"^(0|[1-9][0-9]*)$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


# --- walking the document -----------------------------------------------------------------------------------


def _branch_products(branches: list[Doc], path: str) -> Iterator[tuple[str, Doc]]:
    for index, branch in enumerate(branches or []):
        here = f"{path}/{index}"
        if "product" in branch:
            yield f"{here}/product", branch["product"]
        yield from _branch_products(branch.get("branches", []), f"{here}/branches")


def defined_products(doc: Doc) -> list[tuple[str, Doc]]:
    """(path, full_product_name) of every product definition in the product tree."""
    tree = doc.get("product_tree") or {}
    found = list(_branch_products(tree.get("branches", []), "/product_tree/branches"))
    found += [(f"/product_tree/full_product_names/{i}", p) for i, p in enumerate(tree.get("full_product_names", []))]
    for i, relationship in enumerate(tree.get("relationships", [])):
        if "full_product_name" in relationship:
            found.append((f"/product_tree/relationships/{i}/full_product_name", relationship["full_product_name"]))
    return found


def referenced_product_ids(doc: Doc) -> Iterator[tuple[str, str]]:
    """(path, product id) of every reference to a product id outside its definition."""
    tree = doc.get("product_tree") or {}
    for i, group in enumerate(tree.get("product_groups", [])):
        for j, pid in enumerate(group.get("product_ids", [])):
            yield f"/product_tree/product_groups/{i}/product_ids/{j}", pid
    for i, relationship in enumerate(tree.get("relationships", [])):
        for key in ("product_reference", "relates_to_product_reference"):
            if key in relationship:
                yield f"/product_tree/relationships/{i}/{key}", relationship[key]
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        base = f"/vulnerabilities/{v}"
        for status, ids in (vulnerability.get("product_status") or {}).items():
            for j, pid in enumerate(ids):
                yield f"{base}/product_status/{status}/{j}", pid
        for s, score in enumerate(vulnerability.get("scores", [])):
            for j, pid in enumerate(score.get("products", [])):
                yield f"{base}/scores/{s}/products/{j}", pid
        for key in ("remediations", "threats", "flags"):
            for k, item in enumerate(vulnerability.get(key, [])):
                for j, pid in enumerate(item.get("product_ids", [])):
                    yield f"{base}/{key}/{k}/product_ids/{j}", pid


def _version_key(number: str) -> tuple[int, ...]:
    """Integer versions compare as integers, semantic versions by major.minor.patch."""
    if _INTEGER_VERSION.match(number):
        return (int(number),)
    match = _SEMVER.match(number)
    if match:
        return tuple(int(part) for part in match.groups())
    return ()


def _sorted_history(doc: Doc) -> list[Doc]:
    history = (doc.get("document", {}).get("tracking", {}) or {}).get("revision_history", [])

    def key(item: Doc) -> tuple[datetime, tuple[int, ...]]:
        return datetime.fromisoformat(item["date"]), _version_key(item["number"])

    return sorted(history, key=key)


# --- the tests ------------------------------------------------------------------------------------------------


def check_6_1_1_missing_product_definition(doc: Doc) -> list[str]:
    defined = {p.get("product_id") for _, p in defined_products(doc)}
    return [
        f"6.1.1 {path}: product id {pid} is not defined in the product tree"
        for path, pid in referenced_product_ids(doc)
        if pid not in defined
    ]


def check_6_1_2_multiple_product_definition(doc: Doc) -> list[str]:
    counts = Counter(p.get("product_id") for _, p in defined_products(doc))
    return [f"6.1.2 /product_tree: product id {pid} is defined {n} times" for pid, n in counts.items() if n > 1]


def check_6_1_6_contradicting_status(doc: Doc) -> list[str]:
    problems: list[str] = []
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        groups: dict[str, set[str]] = defaultdict(set)
        for status, ids in (vulnerability.get("product_status") or {}).items():
            for pid in ids:
                groups[pid].add(STATUS_GROUPS.get(status, status))
        problems += [
            f"6.1.6 /vulnerabilities/{v}/product_status: {pid} is in contradicting groups {sorted(found)}"
            for pid, found in groups.items()
            if len(found) > 1
        ]
    return problems


def check_6_1_7_multiple_scores_same_version(doc: Doc) -> list[str]:
    problems: list[str] = []
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        seen: Counter[tuple[str, str]] = Counter()
        for score in vulnerability.get("scores", []):
            for kind in ("cvss_v2", "cvss_v3"):
                if kind in score:
                    for pid in score.get("products", []):
                        seen[(pid, str(score[kind].get("version")))] += 1
        problems += [
            f"6.1.7 /vulnerabilities/{v}/scores: {pid} has {n} CVSS {ver} scores"
            for (pid, ver), n in seen.items()
            if n > 1
        ]
    return problems


def _cvss3_scores(doc: Doc) -> Iterator[tuple[str, Doc]]:
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        for s, score in enumerate(vulnerability.get("scores", [])):
            if "cvss_v3" in score:
                yield f"/vulnerabilities/{v}/scores/{s}/cvss_v3", score["cvss_v3"]


def _parse_cvss3(cvss: Doc) -> CVSS3 | None:
    try:
        return CVSS3(str(cvss.get("vectorString", "")))
    except (CVSSError, ValueError, KeyError, IndexError):
        return None


def check_6_1_8_invalid_cvss(doc: Doc) -> list[str]:
    problems: list[str] = []
    for path, cvss in _cvss3_scores(doc):
        missing = [key for key in ("version", "vectorString", "baseScore", "baseSeverity") if key not in cvss]
        if missing:
            problems.append(f"6.1.8 {path}: missing {', '.join(missing)}")
        vector = str(cvss.get("vectorString", ""))
        if _parse_cvss3(cvss) is None:
            problems.append(f"6.1.8 {path}/vectorString: {vector!r} is not a valid CVSS v3 vector")
        elif not vector.startswith(f"CVSS:{cvss.get('version')}/"):
            problems.append(f"6.1.8 {path}/version: {cvss.get('version')} does not match the vector")
    return problems


def check_6_1_9_invalid_cvss_computation(doc: Doc) -> list[str]:
    problems: list[str] = []
    for path, cvss in _cvss3_scores(doc):
        parsed = _parse_cvss3(cvss)
        if parsed is None:
            continue  # reported by 6.1.8
        try:
            given = Decimal(str(cvss.get("baseScore")))
        except InvalidOperation:
            given = Decimal(-1)
        if given != parsed.base_score:
            problems.append(f"6.1.9 {path}/baseScore: {cvss.get('baseScore')} but the vector gives {parsed.base_score}")
        severity = str(parsed.severities()[0]).upper()
        if cvss.get("baseSeverity") != severity:
            problems.append(f"6.1.9 {path}/baseSeverity: {cvss.get('baseSeverity')} but the vector gives {severity}")
    return problems


def check_6_1_10_inconsistent_cvss(doc: Doc) -> list[str]:
    problems: list[str] = []
    for path, cvss in _cvss3_scores(doc):
        parsed = _parse_cvss3(cvss)
        if parsed is None:
            continue
        for prop, (metric, values) in CVSS3_PROPERTIES.items():
            if prop in cvss and cvss[prop] != values.get(parsed.metrics.get(metric, ""), ""):
                problems.append(f"6.1.10 {path}/{prop}: {cvss[prop]} contradicts {metric} in the vector")
    return problems


def check_6_1_11_cwe(doc: Doc) -> list[str]:
    problems: list[str] = []
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        cwe = vulnerability.get("cwe")
        if not cwe:
            continue
        match = re.fullmatch(r"CWE-([1-9]\d{0,5})", str(cwe.get("id", "")))
        name = CWE_NAMES.get(int(match[1])) if match else None
        if name is None:
            problems.append(f"6.1.11 /vulnerabilities/{v}/cwe/id: {cwe.get('id')} is not a known CWE id")
        elif cwe.get("name") != name:
            problems.append(f"6.1.11 /vulnerabilities/{v}/cwe/name: {cwe.get('name')!r} is not the name of {cwe['id']}")
    return problems


def check_6_1_13_purl(doc: Doc) -> list[str]:
    problems: list[str] = []
    for path, product in defined_products(doc):
        purl = (product.get("product_identification_helper") or {}).get("purl")
        if purl is None:
            continue
        try:
            PackageURL.from_string(purl)
        except ValueError as exc:
            problems.append(f"6.1.13 {path}/product_identification_helper/purl: {exc}")
    return problems


def check_6_1_14_sorted_revision_history(doc: Doc) -> list[str]:
    keys = [_version_key(item["number"]) for item in _sorted_history(doc)]
    if keys != sorted(keys):
        return ["6.1.14 /document/tracking/revision_history: numbers are not ascending when sorted by date"]
    return []


def check_6_1_16_latest_document_version(doc: Doc) -> list[str]:
    history = _sorted_history(doc)
    tracking = doc.get("document", {}).get("tracking", {})
    if not history:
        return ["6.1.16 /document/tracking/revision_history: empty"]
    latest = history[-1]["number"].split("+")[0]
    current = str(tracking.get("version", "")).split("+")[0]
    if tracking.get("status") == "draft":  # a draft may differ in its pre-release part only
        latest, current = latest.split("-")[0], current.split("-")[0]
    if latest != current:
        return [f"6.1.16 /document/tracking/version: {tracking.get('version')} but the latest revision is {latest}"]
    return []


def check_6_1_21_missing_revision(doc: Doc) -> list[str]:
    majors = sorted({(_version_key(item["number"]) or (-1,))[0] for item in _sorted_history(doc)})
    if not majors:
        return []
    if majors[0] not in (0, 1):
        return [f"6.1.21 /document/tracking/revision_history: starts at {majors[0]}, not 0 or 1"]
    gaps = sorted(set(range(majors[0], majors[-1] + 1)) - set(majors))
    return [f"6.1.21 /document/tracking/revision_history: version {gap} is missing" for gap in gaps]


def check_6_1_22_multiple_revision_definition(doc: Doc) -> list[str]:
    counts = Counter(item["number"] for item in _sorted_history(doc))
    return [f"6.1.22 /document/tracking/revision_history: {n} is listed {c} times" for n, c in counts.items() if c > 1]


# --- 6.1.27: profile tests --------------------------------------------------------------------------------------

ADVISORY_CATEGORIES = ("csaf_security_advisory", "csaf_vex")


def _category(doc: Doc) -> str:
    return str(doc.get("document", {}).get("category", ""))


def check_6_1_27_4_product_tree(doc: Doc) -> list[str]:
    if _category(doc) in ADVISORY_CATEGORIES and not doc.get("product_tree"):
        return ["6.1.27.4 /product_tree: required for this category"]
    return []


def check_6_1_27_5_vulnerability_notes(doc: Doc) -> list[str]:
    if _category(doc) not in ADVISORY_CATEGORIES:
        return []
    return [
        f"6.1.27.5 /vulnerabilities/{v}/notes: required for this category"
        for v, vulnerability in enumerate(doc.get("vulnerabilities", []))
        if not vulnerability.get("notes")
    ]


def check_6_1_27_6_product_status(doc: Doc) -> list[str]:
    if _category(doc) not in ADVISORY_CATEGORIES:
        return []
    return [
        f"6.1.27.6 /vulnerabilities/{v}/product_status: required for this category"
        for v, vulnerability in enumerate(doc.get("vulnerabilities", []))
        if not vulnerability.get("product_status")
    ]


def check_6_1_27_7_vex_product_status(doc: Doc) -> list[str]:
    if _category(doc) != "csaf_vex":
        return []
    wanted = ("fixed", "known_affected", "known_not_affected", "under_investigation")
    return [
        f"6.1.27.7 /vulnerabilities/{v}/product_status: needs one of {', '.join(wanted)}"
        for v, vulnerability in enumerate(doc.get("vulnerabilities", []))
        if not any((vulnerability.get("product_status") or {}).get(key) for key in wanted)
    ]


def check_6_1_27_8_vulnerability_id(doc: Doc) -> list[str]:
    if _category(doc) != "csaf_vex":
        return []
    return [
        f"6.1.27.8 /vulnerabilities/{v}: needs a cve or ids"
        for v, vulnerability in enumerate(doc.get("vulnerabilities", []))
        if not vulnerability.get("cve") and not vulnerability.get("ids")
    ]


def check_6_1_27_9_impact_statement(doc: Doc) -> list[str]:
    if _category(doc) != "csaf_vex":
        return []
    problems: list[str] = []
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        covered = {pid for flag in vulnerability.get("flags", []) for pid in flag.get("product_ids", [])}
        covered |= {
            pid
            for threat in vulnerability.get("threats", [])
            if threat.get("category") == "impact"
            for pid in threat.get("product_ids", [])
        }
        problems += [
            f"6.1.27.9 /vulnerabilities/{v}/product_status/known_not_affected: {pid} has no impact statement"
            for pid in (vulnerability.get("product_status") or {}).get("known_not_affected", [])
            if pid not in covered
        ]
    return problems


def check_6_1_27_10_action_statement(doc: Doc) -> list[str]:
    if _category(doc) != "csaf_vex":
        return []
    problems: list[str] = []
    for v, vulnerability in enumerate(doc.get("vulnerabilities", [])):
        covered = {pid for item in vulnerability.get("remediations", []) for pid in item.get("product_ids", [])}
        problems += [
            f"6.1.27.10 /vulnerabilities/{v}/product_status/known_affected: {pid} has no action statement"
            for pid in (vulnerability.get("product_status") or {}).get("known_affected", [])
            if pid not in covered
        ]
    return problems


def check_6_1_27_11_vulnerabilities(doc: Doc) -> list[str]:
    if _category(doc) in ADVISORY_CATEGORIES and not doc.get("vulnerabilities"):
        return ["6.1.27.11 /vulnerabilities: required for this category"]
    return []


MANDATORY_TESTS: tuple[Check, ...] = (
    check_6_1_1_missing_product_definition,
    check_6_1_2_multiple_product_definition,
    check_6_1_6_contradicting_status,
    check_6_1_7_multiple_scores_same_version,
    check_6_1_8_invalid_cvss,
    check_6_1_9_invalid_cvss_computation,
    check_6_1_10_inconsistent_cvss,
    check_6_1_11_cwe,
    check_6_1_13_purl,
    check_6_1_14_sorted_revision_history,
    check_6_1_16_latest_document_version,
    check_6_1_21_missing_revision,
    check_6_1_22_multiple_revision_definition,
    check_6_1_27_4_product_tree,
    check_6_1_27_5_vulnerability_notes,
    check_6_1_27_6_product_status,
    check_6_1_27_7_vex_product_status,
    check_6_1_27_8_vulnerability_id,
    check_6_1_27_9_impact_statement,
    check_6_1_27_10_action_statement,
    check_6_1_27_11_vulnerabilities,
)


def mandatory_problems(doc: Doc) -> list[str]:
    """Every problem every implemented mandatory test finds; [] when the document passes them all."""
    return [problem for check in MANDATORY_TESTS for problem in check(doc)]
