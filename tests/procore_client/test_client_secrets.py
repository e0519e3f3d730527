"""Secrets (client secret, access tokens, hook Authorization) never reach logs, reprs or errors."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from tests.procore_client.test_client_support import (
    CLIENT_ID,
    COMPANY,
    SECRET,
    fake_clock,
    new_client,
    new_sim,
)

from mlconnector_http import Secret
from procore_client import (
    ProcoreAuthError,
    ProcoreClient,
    ProcoreError,
    VendorInput,
    WebhookAuthError,
    verify_and_parse,
)
from procore_client.testing import rate_limited

HOOK_SECRET = "Bearer hook-secret-zz9-plural-z-alpha"


def test_no_secret_or_token_in_debug_logs_reprs_or_exceptions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = fake_clock()
    sim = new_sim(clock)
    texts: list[str] = []
    with new_client(sim, clock, client_secret=Secret(SECRET)) as client:
        client.me()
        sim.expire_tokens()
        client.me()
        sim.faults.add(rate_limited(retry_after=2), path="/rest/", times=1)
        list(client.companies.list())
        hook = client.webhooks.hooks.create(
            "https://r.example/h", namespace="ns", authorization=Secret(HOOK_SECRET)
        )
        texts += [repr(hook), str(hook), repr(client), repr(client.config), str(client.config)]
        texts += [repr(client.config.auth), repr(client.config.auth.provider)]  # type: ignore[union-attr]
        failures: list[Callable[[], object]] = [
            lambda: client.vendors.get(77),
            lambda: client.vendors.create(VendorInput(name="x", country_code="bad")),
        ]
        for failing in failures:
            with pytest.raises(ProcoreError) as caught:
                failing()
            texts += [str(caught.value), repr(caught.value), repr(caught.value.__dict__)]
    with new_client(sim, clock, client_secret="not-" + SECRET) as wrong:
        with pytest.raises(ProcoreAuthError) as refused:
            wrong.me()
        texts += [str(refused.value), repr(refused.value), repr(refused.value.__dict__)]
    with pytest.raises(WebhookAuthError) as webhook:
        verify_and_parse({"Authorization": HOOK_SECRET + "x"}, b"{}", HOOK_SECRET)
    texts += [str(webhook.value), repr(webhook.value)]
    tokens = list(sim.authority.tokens)
    assert len(tokens) == 2
    assert caplog.records, "the toolkit logs every attempt at DEBUG"
    everything = caplog.text + "\n".join(texts)
    for secret in (SECRET, HOOK_SECRET, "hook-secret-zz9", *tokens):
        assert secret not in everything
    assert "/rest/v1.0/me" in caplog.text


def test_the_client_repr_names_only_the_host_and_company() -> None:
    client = ProcoreClient(client_id=CLIENT_ID, client_secret=SECRET, company_id=COMPANY)
    with client:
        assert (
            repr(client)
            == f"ProcoreClient(base_url='https://api.procore.com', company_id={COMPANY})"
        )
        assert SECRET not in repr(vars(client))
