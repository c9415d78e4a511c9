"""A component's status across advisories as one CSAF 2.0 VEX document (profile csaf_vex): every vulnerability
that names the component, each with the component's products and their status.

Built from the per-advisory VEX exports (``export_csaf_vex``), so each part passed its own checks; the product
trees are merged (a product id defined differently by two advisories, e.g. fixed in different versions, gets a
suffix in the later one) and the whole document is checked against the CSAF mandatory tests again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from garrison.disclosure.document import AdvisoryDoc, ExportError, RevisionDoc
from garrison.disclosure.exporters.csaf import export_csaf_vex
from garrison.disclosure.exporters.csaf_checks import mandatory_problems
from garrison.disclosure.exporters.products import utc_timestamp

FORMAT = "csaf-component-vex"


def _leaves(branches: list[dict[str, Any]], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path of branch names, leaf branch) for every leaf of a product tree."""
    out = []
    for branch in branches:
        here = (*path, f"{branch['category']}:{branch['name']}")
        if "product" in branch:
            out.append((here, branch))
        out += _leaves(branch.get("branches", []), here)
    return out


def _rename(vulnerability: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """The vulnerability with product ids renamed where it refers to products (statuses, flags, threats,
    remediations, scores)."""
    if not names:
        return vulnerability
    out = json.loads(json.dumps(vulnerability))
    for status, ids in out.get("product_status", {}).items():
        out["product_status"][status] = [names.get(i, i) for i in ids]
    for key in ("flags", "threats", "remediations"):
        for item in out.get(key, []):
            if "product_ids" in item:
                item["product_ids"] = [names.get(i, i) for i in item["product_ids"]]
    for score in out.get("scores", []):
        score["products"] = [names.get(i, i) for i in score["products"]]
    return out


def _insert(tree: list[dict[str, Any]], path: tuple[str, ...], leaf: dict[str, Any]) -> None:
    level = tree
    for step in path[:-1]:
        category, _, name = step.partition(":")
        found = next((b for b in level if b["category"] == category and b["name"] == name), None)
        if found is None:
            found = {"branches": [], "category": category, "name": name}
            level.append(found)
        level = found.setdefault("branches", [])
    level.append(leaf)


def export_component_vex(docs: list[AdvisoryDoc], *, component: str, identifier: str, now: datetime) -> dict[str, Any]:
    """One csaf_vex document for ``component`` from the advisories naming it (ExportError naming what is wrong)."""
    parts = []
    for doc in docs:
        products = tuple(p for p in doc.products if p.component == component)
        if products:
            parts.append(export_csaf_vex(replace(doc, products=products)))
    if not parts:
        raise ExportError(FORMAT, [f"component: no advisory names {component!r}"])
    tree: list[dict[str, Any]] = []
    defined: dict[str, str] = {}  # product id -> the JSON of its leaf
    vulnerabilities = []
    for part in parts:
        names: dict[str, str] = {}
        for path, leaf in _leaves(part["product_tree"]["branches"]):
            pid = leaf["product"]["product_id"]
            text = json.dumps(leaf, sort_keys=True)
            if defined.get(pid) == text:
                continue
            if pid in defined:
                new = f"{pid}~{len(defined)}"
                names[pid] = new
                leaf = {**leaf, "product": {**leaf["product"], "product_id": new}}
                pid = new
            defined[pid] = json.dumps(leaf, sort_keys=True)
            _insert(tree, path, leaf)
        vulnerabilities += [_rename(v, names) for v in part["vulnerabilities"]]
    head = parts[0]["document"]
    revision = RevisionDoc(number=1, date=now, summary=f"Status of {component} across {len(parts)} advisories")
    document = {
        "document": {
            **{k: v for k, v in head.items() if k in ("category", "csaf_version", "distribution", "lang", "publisher")},
            "title": f"VEX: {component}",
            "tracking": {
                **head["tracking"],
                "id": identifier,
                "initial_release_date": utc_timestamp(now),
                "current_release_date": utc_timestamp(now),
                "revision_history": [
                    {"date": utc_timestamp(revision.date), "number": "1", "summary": revision.summary}
                ],
                "status": "final",
                "version": "1",
            },
        },
        "product_tree": {"branches": tree},
        "vulnerabilities": vulnerabilities,
    }
    problems = mandatory_problems(document)
    if problems:
        raise ExportError(FORMAT, problems)
    return document
