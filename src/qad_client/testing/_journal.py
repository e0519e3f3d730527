"""An undo log, so one write request is all-or-nothing however many records it touches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["Journal"]

K = TypeVar("K")
V = TypeVar("V")


class Journal:
    """Performs mutations and remembers how to reverse them; ``rollback`` undoes in reverse."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []

    def put(self, mapping: dict[K, V], key: K, value: V) -> None:
        """``mapping[key] = value``, restoring the previous entry (or its absence) on rollback."""
        if key in mapping:
            old = mapping[key]
            self._undo.append(lambda: mapping.__setitem__(key, old))
        else:
            self._undo.append(lambda: mapping.pop(key, None))
        mapping[key] = value

    def pop(self, mapping: dict[K, V], key: K) -> None:
        """Remove ``mapping[key]``, putting it back on rollback."""
        old = mapping.pop(key)
        self._undo.append(lambda: mapping.__setitem__(key, old))

    def set(self, target: Any, attribute: str, value: object) -> None:
        """``setattr(target, attribute, value)``, restoring the old value on rollback."""
        old = getattr(target, attribute)
        self._undo.append(lambda: setattr(target, attribute, old))
        setattr(target, attribute, value)

    def append(self, items: list[V], item: V) -> None:
        """Append ``item`` to ``items``, removing it again on rollback."""
        items.append(item)
        self._undo.append(items.pop)

    def rollback(self) -> None:
        """Undo every recorded mutation, newest first."""
        while self._undo:
            self._undo.pop()()
