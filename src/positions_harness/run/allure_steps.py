"""Allure drill-down: labels and doc links per test, one step with attachment per HTTP exchange.

Only active when pytest runs with --alluredir (the CLI passes it); otherwise these calls are
never made. Everything attached comes from the transcript, which is redacted at the door.
"""

from __future__ import annotations

import json

import allure
from allure_commons.types import AttachmentType

from ..contract.catalogue import Catalogue
from ..reporting.wording import exchange_text
from ..transport.transcript import Exchange

EPIC = "Microsoft Graph beta workPosition"


def label_test(requirement_ids: tuple[str, ...], catalogue: Catalogue) -> None:
    allure.dynamic.epic(EPIC)
    for rid in requirement_ids:
        requirement = catalogue[rid]
        allure.dynamic.feature(requirement.area)
        allure.dynamic.story(f"{rid} {requirement.statement}")
        allure.dynamic.label("requirement", rid)
        allure.dynamic.tag(requirement.level)
        if requirement.doc_url:
            allure.dynamic.link(requirement.doc_url, name=f"{rid}: doc page")


def record_exchange(exchange: Exchange) -> None:
    """One step per request, with the redacted exchange and its curl line attached."""
    outcome = exchange.error or exchange.status
    with allure.step(f"{exchange.method} {exchange.url} -> {outcome}"):
        details = exchange.as_dict()
        allure.attach(exchange_text(details), "exchange", AttachmentType.TEXT)
        allure.attach(exchange.curl(), "reproduce with curl", AttachmentType.TEXT)
        if exchange.response_body and exchange.response_body.lstrip().startswith(("{", "[")):
            try:
                pretty = json.dumps(
                    # escaped: a lone surrogate the target sent must not break the attachment
                    json.loads(exchange.response_body),
                    indent=2,
                )
            except ValueError:
                return
            allure.attach(pretty, "response body", AttachmentType.JSON)
