"""Values that refuse to show themselves: client secrets, passwords, tokens, token forms."""

from __future__ import annotations

from typing import Any

__all__ = ["Secret", "SecretFields"]


class Secret:
    """Holds a secret value; ``repr``/``str``/formatting show ``'**********'`` only.

    Call :meth:`reveal` at the single place the value is put on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str | Secret) -> None:
        self._value = value.reveal() if isinstance(value, Secret) else str(value)

    def reveal(self) -> str:
        """The secret value itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("Secret values are not picklable")


class SecretFields(dict[str, str]):
    """Request fields holding a secret (a token form, a JSON body, an ``Authorization``
    header): a plain ``dict`` on the wire whose ``repr`` names the fields but hides the values,
    so a traceback with locals or an operation's ``repr`` shows no secret. Not picklable.
    """

    def __repr__(self) -> str:
        return "SecretFields(" + ", ".join(f"{key}='**********'" for key in self) + ")"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __copy__(self) -> SecretFields:
        return SecretFields(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> SecretFields:
        return SecretFields(self)

    def __reduce__(self) -> Any:
        raise TypeError("SecretFields values are not picklable")
