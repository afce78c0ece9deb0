"""The agencies a passage addresses, read from its words."""

from __future__ import annotations

import re

# agency id → (label, pattern). Order is the order people see them in.
AGENCIES: dict[str, tuple[str, str]] = {
    "gp_primary_care": (
        "GP, primary care and CCGs",
        r"\bGPs?\b|general practi|primary care|clinical commissioning group|\bCCGs?\b|\bICBs?\b"
        r"|integrated care board",
    ),
    "police": ("Police", r"\bpolice\b|constabulary|\bDAISU\b|domestic abuse investigation"),
    "childrens_social_care": (
        "Children's social care",
        r"children'?s services|children'?s social care|social work|family safeguarding team"
        r"|\bMASH\b|multi[- ]agency safeguarding hub|local authority|child in need"
        r"|children in need",
    ),
    "health_maternity": (
        "Health and maternity",
        r"\bhealth (?:visitor|provider|commissioner|service|professional)s?\b|maternity|midwi"
        r"|hospital|\bNHS\b|paediatric|named nurse|health visiting|\bhealth\b",
    ),
    "housing": ("Housing", r"\bhousing\b|landlord|tenan|\barrears\b|homeless"),
    "education": ("Education", r"\bschools?\b|education|teacher|\bnurser(?:y|ies)\b|college"),
    "partnership": (
        "The safeguarding partnership",
        r"\bHSCP\b|\bHSCB\b|\bLSCB\b|\bHSAB\b|safeguarding children (?:partnership|board)"
        r"|\bthe (?:partnership|board)\b",
    ),
}
_COMPILED = {key: re.compile(pattern, re.I) for key, (_, pattern) in AGENCIES.items()}


def agencies_in(text: str) -> tuple[str, ...]:
    """Agency ids whose words appear in ``text``, in the order of :data:`AGENCIES`."""
    return tuple(key for key, pattern in _COMPILED.items() if pattern.search(text))


def label(agency: str) -> str:
    return AGENCIES[agency][0] if agency in AGENCIES else agency
