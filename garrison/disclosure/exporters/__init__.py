"""Advisory exporters: pure functions from an ``AdvisoryDoc`` to a JSON-ready dict, registered by hand.

Each raises ``garrison.disclosure.document.ExportError`` naming every missing or wrong field instead of producing
an invalid document. Add a format with one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from garrison.disclosure.document import AdvisoryDoc
from garrison.disclosure.exporters.csaf import export_csaf, export_csaf_vex
from garrison.disclosure.exporters.cve5 import export_cve5
from garrison.disclosure.exporters.openvex import export_openvex
from garrison.disclosure.exporters.osv import export_osv

EXPORTERS: dict[str, Callable[[AdvisoryDoc], dict[str, Any]]] = {
    "csaf": export_csaf,  # CSAF 2.0, profile csaf_security_advisory
    "csaf-vex": export_csaf_vex,  # CSAF 2.0, profile csaf_vex
    "openvex": export_openvex,  # OpenVEX 0.2.0
    "osv": export_osv,  # OSV 1.6
    "cve5": export_cve5,  # CVE JSON 5.1 record (needs extra["assigner_org_id"])
}
