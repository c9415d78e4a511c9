"""What the advisory importers share: the error they raise, typed access to untrusted JSON that names the field
when it is wrong, dates, CVSS, CWE ids, severities, and unique product ids."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from garrison.disclosure.document import ProductDoc
from garrison.issues.cvss import CvssError, CvssScore, score_vector


class AdvisoryReadError(ValueError):
    """The record cannot be read: ``field`` is the path of the wrong field (``(root)`` for the whole record)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def path(where: str, key: str | int) -> str:
    return f"{where}/{key}" if where else str(key)


def obj(data: Any, key: str, where: str = "", *, required: bool = False) -> dict[str, Any]:
    """``data[key]`` as an object ({} when absent and not required)."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        if required:
            raise AdvisoryReadError(path(where, key), "required")
        return {}
    if not isinstance(value, dict):
        raise AdvisoryReadError(path(where, key), "must be an object")
    return value


def arr(data: Any, key: str, where: str = "") -> list[Any]:
    """``data[key]`` as an array ([] when absent)."""
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        return []
    if not isinstance(value, list):
        raise AdvisoryReadError(path(where, key), "must be an array")
    return value


def objs(data: Any, key: str, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    """``data[key]`` as an array of objects, each with its path."""
    items = []
    for index, item in enumerate(arr(data, key, where)):
        if not isinstance(item, dict):
            raise AdvisoryReadError(path(path(where, key), index), "must be an object")
        items.append((path(path(where, key), index), item))
    return items


def text(data: Any, key: str, where: str = "", *, required: bool = False) -> str:
    """``data[key]`` as stripped text ("" when absent and not required). Numbers are accepted as text."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, bool) or (value is not None and not isinstance(value, str | int | float)):
        raise AdvisoryReadError(path(where, key), "must be a string")
    result = "" if value is None else str(value).strip()
    if required and not result:
        raise AdvisoryReadError(path(where, key), "required")
    return result


def texts(data: Any, key: str, where: str = "") -> list[str]:
    """``data[key]`` as a list of non-empty strings."""
    values = []
    for index, item in enumerate(arr(data, key, where)):
        if not isinstance(item, str):
            raise AdvisoryReadError(path(path(where, key), index), "must be a string")
        if item.strip():
            values.append(item.strip())
    return values


def moment(value: str, field: str) -> datetime:
    """An RFC 3339 / ISO 8601 timestamp in UTC (a timestamp without an offset is taken as UTC)."""
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise AdvisoryReadError(field, f"{value!r} is not a date-time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def scored(vector: str, field: str) -> CvssScore:
    try:
        return score_vector(vector)
    except CvssError as exc:
        raise AdvisoryReadError(field, str(exc)) from None


def cvss_fields(vectors: list[tuple[str, str]]) -> dict[str, Any]:
    """``cvss_v3_vector``/``cvss_v3_score``/``cvss_v4_*`` of the first v3 and first v4 of (vector, field) pairs."""
    fields: dict[str, Any] = {}
    for vector, field in vectors:
        if not vector.startswith("CVSS:3") and not vector.startswith("CVSS:4"):
            continue  # CVSS v2 and other scores are not kept
        score = scored(vector, field)
        key = "cvss_v4" if score.version == "4.0" else "cvss_v3"
        if f"{key}_vector" not in fields:
            fields[f"{key}_vector"] = score.vector
            fields[f"{key}_score"] = score.score
    return fields


_SEVERITY_WORDS = {
    "critical": "critical",
    "high": "high",
    "important": "high",
    "medium": "medium",
    "moderate": "medium",
    "low": "low",
    "negligible": "low",
    "none": "none",
}


def severity_of(cvss: dict[str, Any], word: str = "") -> str:
    """Severity from the CVSS v3 score (else v4), else from a severity word ("Important", "MODERATE", ...)."""
    for key in ("cvss_v3", "cvss_v4"):
        vector = cvss.get(f"{key}_vector")
        if vector:
            return score_vector(vector).severity
    return _SEVERITY_WORDS.get(word.strip().lower(), "")


_CWE = re.compile(r"^CWE-([1-9][0-9]{0,6})$", re.IGNORECASE)


def cwe_number(value: str) -> int | None:
    match = _CWE.match(value.strip())
    return int(match.group(1)) if match else None


def unique_products(products: list[ProductDoc]) -> tuple[ProductDoc, ...]:
    """Give products that share a component and release line a release line that tells them apart (the version
    they start at, fix or list), so every ``product_id`` of the draft is unique."""
    counts: dict[str, int] = {}
    for product in products:
        counts[product.product_id] = counts.get(product.product_id, 0) + 1
    seen: set[str] = set()
    result = []
    for product in products:
        if counts[product.product_id] > 1:
            label = (
                product.introduced_version
                or product.fixed_version
                or product.affected_versions.split(",")[0].strip()
                or product.status.value
            )
            if product.release_line:
                label = f"{product.release_line} {label}"
            product = replace(product, release_line=label)
        candidate, number = product, 2
        while candidate.product_id in seen:
            candidate = replace(product, release_line=f"{product.release_line} ({number})".strip())
            number += 1
        seen.add(candidate.product_id)
        result.append(candidate)
    return tuple(result)
