"""Score a CVSS v3.0/v3.1 or v4.0 vector with the `cvss` package; a bad vector is refused naming the metric."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cvss import CVSS3, CVSS4
from cvss.exceptions import CVSSError

from garrison.issues.models import IssueSeverity


class CvssError(ValueError):
    """The vector is not valid; the message names the metric that is wrong."""


@dataclass(frozen=True)
class CvssScore:
    vector: str
    version: str
    score: Decimal
    severity: str  # an IssueSeverity value


_SEVERITIES = {s.label.lower(): s.value for s in IssueSeverity}


def score_vector(vector: str) -> CvssScore:
    text = (vector or "").strip()
    if not text:
        raise CvssError("Enter a CVSS vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H.")
    if len(text) > 200:
        raise CvssError("A CVSS vector is at most 200 characters.")
    if not text.startswith(("CVSS:3.0/", "CVSS:3.1/", "CVSS:4.0/")):
        raise CvssError("A CVSS vector starts with CVSS:3.1/, CVSS:3.0/ or CVSS:4.0/.")
    try:
        if text.startswith(("CVSS:3.0/", "CVSS:3.1/")):
            c3 = CVSS3(text)
            score, severity, clean, version = c3.base_score, c3.severities()[0], c3.clean_vector(), text[5:8]
        else:
            c4 = CVSS4(text)
            score, severity, clean, version = c4.base_score, c4.severity, c4.clean_vector(), "4.0"
    except CVSSError as exc:
        raise CvssError(f"Invalid CVSS vector: {exc}.") from None
    except (ValueError, KeyError, IndexError, TypeError, ArithmeticError) as exc:  # a surprise in the parser
        raise CvssError(f"Invalid CVSS vector ({type(exc).__name__}).") from None
    return CvssScore(
        vector=clean,
        version=version,
        score=Decimal(str(score)).quantize(Decimal("0.1")),
        severity=_SEVERITIES.get(str(severity).lower(), IssueSeverity.UNKNOWN),
    )
