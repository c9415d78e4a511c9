"""CVSS vectors and scores (and CWE numbers) as reports give them: prefixes added where a report left them out,
scores computed with the `cvss` package when a report has a vector but no score, odd values (strings, NaN, 11)
dropped."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

_V3_PREFIX = re.compile(r"^CVSS:3\.[01]/", re.IGNORECASE)
_V4_PREFIX = re.compile(r"^CVSS:4\.0/", re.IGNORECASE)
_V3_BARE = re.compile(r"^AV:[NALP]/AC:[LH]/PR:[NLH]/UI:[NR]/S:[UC]/", re.IGNORECASE)
_V4_BARE = re.compile(r"^AV:[NALP]/AC:[LH]/AT:[NP]/", re.IGNORECASE)
# The cvss package raises CVSSError for bad vectors; the rest is a guard against surprises in a third-party parser.
_SCORING_ERRORS = (CVSSError, ValueError, KeyError, IndexError, TypeError, ArithmeticError)


def score_value(value: Any) -> float | None:
    """A CVSS score from a report field: a number (or numeric string) from 0 to 10, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or math.isnan(value) or not 0.0 <= value <= 10.0:
        return None
    return round(float(value), 1)


def cvss3_vector(vector: Any, version: str = "3.1") -> str:
    """A v3 vector with its ``CVSS:3.x/`` prefix ("" when it is not a v3 vector). Reports that drop the prefix
    (CycloneDX ratings, some Grype entries) say the version elsewhere; pass it as ``version``."""
    if not isinstance(vector, str):
        return ""
    vector = vector.strip()
    if _V3_PREFIX.match(vector):
        return vector
    if _V3_BARE.match(vector):
        return f"CVSS:{'3.0' if version.startswith('3.0') else '3.1'}/{vector}"
    return ""


def cvss4_vector(vector: Any) -> str:
    """A v4 vector with its ``CVSS:4.0/`` prefix ("" when it is not a v4 vector)."""
    if not isinstance(vector, str):
        return ""
    vector = vector.strip()
    if _V4_PREFIX.match(vector):
        return vector
    if _V4_BARE.match(vector):
        return f"CVSS:4.0/{vector}"
    return ""


@lru_cache(maxsize=4096)
def cvss3_score(vector: str) -> float | None:
    """The v3 base score of a vector, or None when the vector does not parse."""
    if not vector:
        return None
    try:
        return float(CVSS3(vector).base_score)
    except _SCORING_ERRORS:
        return None


@lru_cache(maxsize=4096)
def cvss4_score(vector: str) -> float | None:
    """The v4 score (CVSS-B when only base metrics are set) of a vector, or None when it does not parse."""
    if not vector:
        return None
    try:
        return float(CVSS4(vector).base_score)
    except _SCORING_ERRORS:
        return None


def v3_pair(vector: Any, score: Any = None, version: str = "3.1") -> tuple[str, float | None]:
    """(normalised vector, score): the report's score when it gives a valid one, else the computed base score.
    A vector the `cvss` package cannot read is dropped (the report's score, if any, is kept)."""
    normalised = cvss3_vector(vector, version)
    computed = cvss3_score(normalised)
    given = score_value(score)
    return (normalised if computed is not None else ""), (given if given is not None else computed)


def v4_pair(vector: Any, score: Any = None) -> tuple[str, float | None]:
    normalised = cvss4_vector(vector)
    computed = cvss4_score(normalised)
    given = score_value(score)
    return (normalised if computed is not None else ""), (given if given is not None else computed)


_CWE_NUMBER = re.compile(r"(?:CWE-?)?\s*(\d{1,6})\Z", re.IGNORECASE)


def cwe_numbers(values: Any) -> list[int]:
    """CWE numbers from ``["CWE-79", 89, "cwe-352", "NVD-CWE-Other"]`` (those that are not numbers are dropped),
    in order, without repeats. CWE ids travel with the scores in every report, so they are read here too."""
    if not isinstance(values, list):
        values = [values]
    found: list[int] = []
    for value in values:
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            number = value
        else:
            match = _CWE_NUMBER.match(str(value).strip()) if isinstance(value, str | float) else None
            if match is None:
                continue
            number = int(match.group(1))
        if number > 0 and number not in found:
            found.append(number)
    return found
