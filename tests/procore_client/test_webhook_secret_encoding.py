"""A webhook secret with non-ASCII characters matches the header however the server decoded
it: raw bytes, latin-1 (ASGI servers, Starlette's ``request.headers``) or UTF-8."""

from __future__ import annotations

import pytest

from mlconnector_http import Secret
from procore_client.webhooks import WebhookAuthError, verify_authorization

SECRET = "Clé-secrète-über-ß-✓"
WIRE = SECRET.encode("utf-8")  # what Procore puts on the wire


@pytest.mark.parametrize(
    "headers",
    [
        [(b"authorization", WIRE)],  # raw ASGI scope headers
        {"authorization": WIRE.decode("latin-1")},  # Starlette / ASGI decoded
        {"Authorization": SECRET},  # a framework that decodes UTF-8
        [("Authorization", WIRE.decode("latin-1"))],
    ],
)
def test_a_non_ascii_secret_matches_every_decoding(headers: object) -> None:
    verify_authorization(headers, SECRET)  # type: ignore[arg-type]
    verify_authorization(headers, Secret(SECRET))  # type: ignore[arg-type]
    verify_authorization(headers, ["old-secret", SECRET])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {"authorization": "Cle-secrete-uber-ss-?"},
        {"authorization": SECRET.encode("utf-8").decode("latin-1")[:-1]},
        [(b"authorization", SECRET.encode("latin-1", errors="replace"))],
    ],
)
def test_a_near_miss_is_still_refused(headers: object) -> None:
    with pytest.raises(WebhookAuthError) as caught:
        verify_authorization(headers, SECRET)  # type: ignore[arg-type]
    assert SECRET not in str(caught.value)


def test_a_latin1_only_secret_matches_its_utf8_wire_form() -> None:
    secret = "café"
    verify_authorization({"authorization": secret.encode("utf-8").decode("latin-1")}, secret)
    with pytest.raises(WebhookAuthError):
        # the same characters sent as latin-1 bytes are not the UTF-8 secret
        verify_authorization([(b"authorization", secret.encode("latin-1"))], secret)
