"""The one status model (ARCHITECTURE rule 5): a product's status for a vulnerability and the justification of
"not affected", mapped to every format from this one table. Exporters and importers use nothing else."""

from __future__ import annotations

from enum import StrEnum


class ProductStatus(StrEnum):
    AFFECTED = "affected"
    NOT_AFFECTED = "not_affected"
    FIXED = "fixed"
    UNDER_INVESTIGATION = "under_investigation"


class Justification(StrEnum):
    """Why a product is not affected (the VEX justifications shared by CSAF 2.0 flags and OpenVEX 0.2.0)."""

    COMPONENT_NOT_PRESENT = "component_not_present"
    VULNERABLE_CODE_NOT_PRESENT = "vulnerable_code_not_present"
    VULNERABLE_CODE_NOT_IN_EXECUTE_PATH = "vulnerable_code_not_in_execute_path"
    VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY = "vulnerable_code_cannot_be_controlled_by_adversary"
    INLINE_MITIGATIONS_ALREADY_EXIST = "inline_mitigations_already_exist"


# CSAF 2.0 vulnerabilities[].product_status keys.
CSAF_PRODUCT_STATUS: dict[ProductStatus, str] = {
    ProductStatus.AFFECTED: "known_affected",
    ProductStatus.NOT_AFFECTED: "known_not_affected",
    ProductStatus.FIXED: "fixed",
    ProductStatus.UNDER_INVESTIGATION: "under_investigation",
}
# CSAF 2.0 flags[].label uses the same words as the justification.
CSAF_FLAG_LABEL: dict[Justification, str] = {j: j.value for j in Justification}

# OpenVEX 0.2.0 statement status and justification.
OPENVEX_STATUS: dict[ProductStatus, str] = {
    ProductStatus.AFFECTED: "affected",
    ProductStatus.NOT_AFFECTED: "not_affected",
    ProductStatus.FIXED: "fixed",
    ProductStatus.UNDER_INVESTIGATION: "under_investigation",
}
OPENVEX_JUSTIFICATION: dict[Justification, str] = {j: j.value for j in Justification}

# CycloneDX 1.4+ vulnerability analysis state and justification.
CYCLONEDX_STATE: dict[ProductStatus, str] = {
    ProductStatus.AFFECTED: "exploitable",
    ProductStatus.NOT_AFFECTED: "not_affected",
    ProductStatus.FIXED: "resolved",
    ProductStatus.UNDER_INVESTIGATION: "in_triage",
}
CYCLONEDX_JUSTIFICATION: dict[Justification, str] = {
    Justification.COMPONENT_NOT_PRESENT: "requires_dependency",
    Justification.VULNERABLE_CODE_NOT_PRESENT: "code_not_present",
    Justification.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH: "code_not_reachable",
    Justification.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY: "protected_at_runtime",
    Justification.INLINE_MITIGATIONS_ALREADY_EXIST: "protected_by_mitigating_control",
}

# The other way, for CycloneDX VEX statements read from imported reports (garrison.findings.services.triage): every
# value above maps back to its own status or justification; CycloneDX's finer justifications go to the closest of
# ours. "false_positive" is a CycloneDX state but no product status, so it is not here (findings map it themselves).
FROM_CYCLONEDX_STATE: dict[str, ProductStatus] = {
    **{state: status for status, state in CYCLONEDX_STATE.items()},
    "resolved_with_pedigree": ProductStatus.FIXED,
}
FROM_CYCLONEDX_JUSTIFICATION: dict[str, Justification] = {
    **{word: justification for justification, word in CYCLONEDX_JUSTIFICATION.items()},
    "requires_configuration": Justification.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "requires_environment": Justification.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "protected_at_perimeter": Justification.VULNERABLE_CODE_CANNOT_BE_CONTROLLED_BY_ADVERSARY,
    "protected_by_compiler": Justification.INLINE_MITIGATIONS_ALREADY_EXIST,
}

# CVE JSON 5 affected[].versions[].status; a fixed product is "affected" below its fixed version (lessThan).
CVE5_STATUS: dict[ProductStatus, str] = {
    ProductStatus.AFFECTED: "affected",
    ProductStatus.FIXED: "affected",
    ProductStatus.NOT_AFFECTED: "unaffected",
    ProductStatus.UNDER_INVESTIGATION: "unknown",
}

# OSV lists only affected packages (with ranges and the fixed event); other statuses are left out of an OSV record.
OSV_INCLUDES: frozenset[ProductStatus] = frozenset({ProductStatus.AFFECTED, ProductStatus.FIXED})

# From an issue's backport matrix (garrison.issues.models.BackportStatus values) to the product status.
FROM_BACKPORT: dict[str, ProductStatus] = {
    "unknown": ProductStatus.UNDER_INVESTIGATION,
    "affected": ProductStatus.AFFECTED,
    "fix_in_progress": ProductStatus.AFFECTED,
    "not_affected": ProductStatus.NOT_AFFECTED,
    "fixed": ProductStatus.FIXED,
}
