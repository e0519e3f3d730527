"""checked_url: the URL checks every client applies to what a caller configures."""

from __future__ import annotations

import pytest

from mlconnector_http import APIError, ConfigurationError, checked_url, is_loopback


class AcmeError(APIError):
    pass


class AcmeConfigurationError(AcmeError, ConfigurationError):
    pass


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "must be a URL string, not NoneType"),
        (b"https://acme.example/", "must be a URL string, not bytes"),
        (42, "must be a URL string, not int"),
        ("https://acme.example/a b", "whitespace"),
        ("https://acme\n.example/", "whitespace or control"),
        ("https://acme.example/\x00", "control"),
        ("https://acme.example/x?y=1", "query"),
        ("https://acme.example/#top", "fragment"),
        ("login.example", "absolute https URL"),
        ("ftp://acme.example/", "absolute https URL"),
        ("https://acme.example:99999/", "port 99999"),
        ("https://acme.example:0/", "port 0"),
        ("https://user:pw@acme.example/", "user name or password"),
        ("https://user@acme.example/", "user name or password"),
        ("https://acme.example/x/%2e%2e/y", "'..'"),
        ("https://acme.example/x/%2E%2e", "'..'"),
        ("https://acme.example/x/../y", "'..'"),
        ("https://acme.example/x/%2f/y", "encoded '/'"),
        ("http://acme.example/", "must use https"),
        ("http://10.0.0.5/", "must use https"),
        ("https://169.254.169.254/", "private, link-local or reserved address"),
        ("https://10.1.2.3/", "private"),
        ("https://192.168.0.10:8443/", "private"),
        ("https://172.16.0.1/", "private"),
        ("https://[fd00::1]/", "private"),
        ("https://[fe80::1]/", "private"),
        ("https://[::ffff:169.254.169.254]/", "private"),
        ("https://2852039166/", "private"),  # 169.254.169.254 as one number
        ("https://0xa9fea9fe/", "private"),
        ("https://127.0.0.2/", "private"),  # loopback is 127.0.0.1 only
    ],
)
def test_refused(value: object, reason: str) -> None:
    with pytest.raises(AcmeConfigurationError, match=reason) as caught:
        checked_url(value, setting="base_url", family=AcmeError)
    assert "base_url" in str(caught.value)
    assert "pw" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://acme.example", "https://acme.example"),
        ("  https://acme.example/api  ", "https://acme.example/api"),
        ("https://acme.example:8443/x/", "https://acme.example:8443/x/"),
        ("http://127.0.0.1:8765/", "http://127.0.0.1:8765/"),
        ("http://[::1]:8765/", "http://[::1]:8765/"),
        ("http://localhost:8765/", "http://localhost:8765/"),
        ("https://8.8.8.8/", "https://8.8.8.8/"),
    ],
)
def test_accepted(value: str, expected: str) -> None:
    assert str(checked_url(value, setting="base_url")).rstrip("/") == expected.rstrip("/")


@pytest.mark.parametrize(
    "value", ["https://10.0.0.5:22011/", "https://169.254.1.1/", "https://[fd00::1]/"]
)
def test_private_addresses_are_accepted_when_allowed(value: str) -> None:
    assert checked_url(value, setting="base_url", allow_private_network=True).host


def test_user_info_never_shows_in_a_refusal() -> None:
    with pytest.raises(ConfigurationError) as caught:
        checked_url("https://bob:hunter2@acme.example/?x=1", setting="base_url")
    assert "hunter2" not in str(caught.value)


def test_loopback_hosts() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("[::1]")
    assert is_loopback("LOCALHOST")
    assert not is_loopback("127.0.0.2")
    assert not is_loopback("acme.example")
