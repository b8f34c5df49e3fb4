"""Request bodies the behaviour suites write: valid values for every settable property.

The values are ours (the docs' own examples are replayed from openapi/positions.yaml by the
examples suite); each one is valid for its documented type, so a conforming service must store
and return it exactly.
"""

from __future__ import annotations

import copy
from typing import Any

# Text a service must store and return exactly: no re-encoding, normalisation or truncation.
NON_ASCII_TEXTS: dict[str, str] = {
    "cyrillic": "Ведущий менеджер по брендингу",
    "cjk": "高级产品品牌经理・プロダクト",
    "beyond-the-basic-plane": "Chief 🚀 Officer 𠀋𠮟 🧑🏽‍💻",
    "combining-marks": "Cafe\u0301 Ame\u0301lie\u0308 (decomposed, not normalised)",
    "right-to-left": "مدير تطوير المنتجات",
    "latin-with-diacritics": "Ærøskøbing Straße Ünïcödé Łódź",
}

LONG_TEXT_LENGTH = 2000


def long_text(length: int = LONG_TEXT_LENGTH) -> str:
    """Text whose 9-character blocks each say where they start, so a truncation shows where."""
    blocks = "".join(f"[{i:07d}]" for i in range(0, length, 9))
    return blocks[:length]


def full_position() -> dict[str, Any]:
    """A create body with every property the Create page lists as settable."""
    return copy.deepcopy(_FULL_POSITION)


def patched(body: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """`body` with the top-level properties of `patch` replacing its own."""
    return {**copy.deepcopy(body), **copy.deepcopy(patch)}


def without(body: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in body.items() if k not in names}


# Every settable property of the Create page's request body table.
SETTABLE_ON_CREATE = (
    "allowedAudiences",
    "categories",
    "colleagues",
    "detail",
    "inference",
    "isCurrent",
    "manager",
    "source",
)

_FULL_POSITION: dict[str, Any] = {
    "allowedAudiences": "organization",
    "categories": ["Consulting", "Brand strategy"],
    "colleagues": [
        {
            "displayName": "Adele Vance",
            "relationship": "colleague",
            "userId": "5f0d6c6e-2b1a-4b8e-9f3e-0c9e7c1d2a11",
            "userPrincipalName": "adele.vance@contoso.example",
        }
    ],
    "detail": {
        "company": {
            "displayName": "Adventureworks Ltd.",
            "pronunciation": "adventure works",
            "department": "Consulting",
            "companyCode": "AW-7",
            "secondaryDepartment": "Brand studio",
            "officeLocation": "AW23/344",
            "address": {
                "type": "business",
                "postOfficeBox": "PO 1024",
                "street": "123 Patriarch Ponds",
                "city": "Moscow",
                "state": "Moscow",
                "countryOrRegion": "Russian Federation",
                "postalCode": "RU-34621",
            },
            "webUrl": "https://www.adventureworks.example",
        },
        "description": "Leads the product branding practice for consulting clients.",
        "endMonthYear": "2023-06-30",
        "jobTitle": "Senior Product Branding Manager II",
        "layer": 3,
        "level": "Senior",
        "role": "consulting",
        "startMonthYear": "2020-07-01",
        "summary": "Branding lead",
    },
    "inference": {"confidenceScore": 0.75, "userHasVerifiedAccuracy": True},
    "isCurrent": False,
    "manager": {
        "displayName": "Megan Bowen",
        "relationship": "manager",
        "userId": "8b3f1c2d-6a4e-4f0b-b2c1-9d8e7f6a5b40",
        "userPrincipalName": "megan.bowen@contoso.example",
    },
    "source": {"type": "User"},
}


def minimal_position() -> dict[str, Any]:
    """A small valid body for checks that only need some position to exist."""
    return {
        "detail": {"jobTitle": "Contract test position", "company": {"displayName": "Contoso"}},
        "isCurrent": True,
    }


def text_position(text: str) -> dict[str, Any]:
    """A position carrying `text` in string properties at every depth and in a collection."""
    return {
        "categories": [text],
        "detail": {
            "jobTitle": text,
            "description": text,
            "company": {"displayName": text, "address": {"city": text}},
        },
        "manager": {"displayName": text},
    }


def long_text_position(text: str) -> dict[str, Any]:
    """A position with `text` in the properties meant for longer prose."""
    return {"detail": {"jobTitle": "Archivist", "description": text, "summary": text}}


def text_bodies() -> dict[str, dict[str, Any]]:
    """Bodies whose text a service must return exactly, by case name."""
    bodies = {name: text_position(text) for name, text in NON_ASCII_TEXTS.items()}
    bodies[f"long-text-{LONG_TEXT_LENGTH}-characters"] = long_text_position(long_text())
    return bodies
