"""A string that refuses to show itself: client secrets, passwords and tokens."""

from __future__ import annotations

from typing import Any

__all__ = ["Secret"]


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
