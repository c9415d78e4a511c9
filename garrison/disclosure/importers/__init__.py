"""Advisory importers: third-party advisories (CSAF 2.0, OSV, CVE JSON 5) read into ``AdvisoryDoc`` drafts.

Each reader is a pure function of the parsed JSON; malformed input raises ``AdvisoryReadError(field, message)``
naming the field, never anything else. ``detect`` tells the format from the content; ``IMPORTERS`` is written by
hand (add a format with one line).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from garrison.disclosure.document import AdvisoryDoc
from garrison.disclosure.importers.csaf import read_csaf
from garrison.disclosure.importers.cve5 import read_cve5
from garrison.disclosure.importers.osv import read_osv
from garrison.disclosure.importers.reading import AdvisoryReadError

__all__ = ["IMPORTERS", "AdvisoryReadError", "detect", "read_advisory", "read_csaf", "read_cve5", "read_osv"]

IMPORTERS: dict[str, Callable[[Any], AdvisoryDoc]] = {
    "csaf": read_csaf,  # CSAF 2.0 (any profile)
    "osv": read_osv,  # OSV 1.x
    "cve5": read_cve5,  # CVE JSON 5.x record
}


def detect(data: Any) -> str:
    """The format of a parsed advisory, from its content: a key of ``IMPORTERS``."""
    if not isinstance(data, dict):
        raise AdvisoryReadError("(root)", "an advisory is a JSON object")
    document = data.get("document")
    if isinstance(document, dict) and "csaf_version" in document:
        return "csaf"
    if data.get("dataType") == "CVE_RECORD" or "cveMetadata" in data:
        return "cve5"
    if "id" in data and ("modified" in data or "affected" in data):  # schema_version is optional (PYSEC omits it)
        return "osv"
    raise AdvisoryReadError("(root)", "not a CSAF 2.0 document, a CVE 5 record or an OSV record")


def read_advisory(data: Any) -> AdvisoryDoc:
    """Detect the format and read the advisory draft."""
    return IMPORTERS[detect(data)](data)
