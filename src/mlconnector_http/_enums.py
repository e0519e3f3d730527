"""Enums that keep a value the server added after this library was written."""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["OpenIntEnum", "OpenStrEnum"]


class OpenIntEnum(enum.IntEnum):
    """An int enum that turns an unknown int into an ``UNKNOWN_<n>`` member instead of failing."""

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether the value is one this library knows."""
        return self._name_ in type(self).__members__


class OpenStrEnum(enum.StrEnum):
    """A str enum that keeps an unknown string as an ``UNKNOWN`` member instead of failing."""

    @classmethod
    def _missing_(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """Whether the value is one this library knows."""
        return self._name_ in type(self).__members__
