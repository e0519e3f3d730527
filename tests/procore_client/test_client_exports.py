"""The public surface of procore_client: one sorted ``__all__`` that resolves."""

from __future__ import annotations

import procore_client
from procore_client import webhooks


def test_all_is_sorted_unique_and_resolves() -> None:
    names = procore_client.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    assert len(set(names)) == len(names)
    for name in names:
        assert getattr(procore_client, name) is not None


def test_every_public_class_of_the_models_and_errors_is_exported() -> None:
    from procore_client import _exceptions, _models

    exported = set(procore_client.__all__)
    for module in (_models, _exceptions):
        public = {n for n in module.__all__ if n[0].isupper()}
        assert public <= exported, public - exported


def test_the_webhooks_module_exports_its_names() -> None:
    assert webhooks.__all__ == sorted(webhooks.__all__, key=lambda n: (not n.isupper(), n))
    for name in ("verify_and_parse", "WebhookEvent", "WebhookAuthError", "WebhookPayloadError"):
        assert name in webhooks.__all__
        assert getattr(procore_client, name) is getattr(webhooks, name)
