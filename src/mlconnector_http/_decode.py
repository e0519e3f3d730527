"""Decoding listings fast: no error bookkeeping on the way, field paths only for a failure.

A :class:`Decoder` holds a package's converter twice: built with cattrs' detailed validation
(every field's failure collected with its path) and without it. Records go through the fast
one; only a record it refuses goes through the detailed one, which explains the failure with
field paths, so a wrong record still fails exactly as before and a good page pays nothing
for that.

The fast converter structures attrs classes with
:func:`~mlconnector_http.make_structure_fn` (see there).
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, TypeVar

import cattrs
import orjson

from mlconnector_http._convert import _IDENTITY, DECODE_FAILURES, DecodeError, structure
from mlconnector_http._pagination import Reject, reject_of

__all__ = ["Decoder", "loads"]

T = TypeVar("T")
R = TypeVar("R")
P = TypeVar("P")


class _CollectorPause:
    """The cyclic garbage collector off while a page is decoded and structured, then as it was.

    Decoding a body and structuring its records build thousands of objects that hold no
    cycles, so a collection in the middle frees nothing, and the collections their
    allocations set off cost a fifth of a listing's time. httpx responses are cyclic garbage
    (a response and its stream), so with fewer collections a page's response and its body
    would wait for a rare full one: the paginators collect the young generations once a
    page is dropped (``_pagination.collect_young``). Nested and concurrent pauses (threads)
    count: the collector comes back on when the last one ends, and only if it was on before
    the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._resume = False

    def __enter__(self) -> None:
        with self._lock:
            if self._depth == 0:
                self._resume = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._resume:
                gc.enable()


collector_paused = _CollectorPause()
"""``with collector_paused:`` around work that allocates many objects and no cycles."""


_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def loads(content: bytes) -> Any:
    """A JSON body as Python values: by orjson where it reads it exactly as the standard
    library does, else by the standard library (what ``httpx.Response.json`` uses).

    orjson refuses what the standard library takes (``NaN``, a lone surrogate, a BOM, and
    other encodings than UTF-8): those bodies go to the standard library, which reads or
    refuses them as before. orjson reads an integer past 64 bits as a float, silently; a body
    with a run of 19 digits anywhere is therefore left to the standard library too.
    """
    if content.translate(_DIGITS).find(_LONG_NUMBER) < 0:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return json.loads(content)


def _id_of(row: Any) -> object:
    return row.get("id") if isinstance(row, Mapping) else None


class Decoder:
    """A package's converter with and without detailed validation (built by ``build``).

    ``build(detailed_validation)`` must register the same hooks either way; ``detailed`` is
    the one to unstructure with and to hand to code that wants cattrs' error groups.
    """

    def __init__(self, build: Callable[[bool], cattrs.Converter]) -> None:
        self.detailed = build(True)
        self.fast = build(False)

    @staticmethod
    def passes_exact(type_: type, hook: Callable[[Any, Any], Any]) -> None:
        """Declare that ``hook``, a client's own structure hook for ``type_``, returns a value
        of exactly ``type_`` unchanged (QAD's text hook also reads a number as its digits).

        Generated structure functions then check such a value's type inline instead of
        calling the hook, as they do for the toolkit's own strict hooks; any other value still
        goes to the hook. Declare it before the converters are built.
        """
        known = _IDENTITY.get(type_, ())
        if hook not in known:
            _IDENTITY[type_] = (*known, hook)

    @staticmethod
    def page(parse: Callable[[R], P]) -> Callable[[R], P]:
        """``parse`` (a page parser) run with the collector paused, from reading the body to
        dropping it: a pause that ended after the JSON decoding would have the next
        allocation scan the whole decoded page (a tenth of a listing's time), while the
        page's JSON freed before the collector resumes leaves it nothing to count."""

        def paused(response: R) -> P:
            with collector_paused:
                return parse(response)

        return paused

    def one(self, data: Any, cls: type[T], *, record: str) -> T:
        """One record as ``cls``; a record that does not fit raises ``DecodeError``."""
        try:
            return self.fast.get_structure_hook(cls)(data, cls)  # type: ignore[no-any-return]
        except DECODE_FAILURES:
            return structure(self.detailed, data, cls, record=record)

    def rows(
        self,
        rows: Iterable[Any],
        cls: type[T],
        *,
        label: Callable[[Any], str],
        identify: Callable[[Any], object] = _id_of,
        page_url: str | None = None,
    ) -> list[T | Reject]:
        """Each row as ``cls``, or a :class:`Reject` naming the record and its fields.

        ``label(row)`` names a rejected record in its error (``"purchase order 1042"``);
        ``identify(row)`` reads its id for the reject (default: its ``"id"``).
        """
        hook = self.fast.get_structure_hook(cls)
        out: list[T | Reject] = []
        append = out.append
        with collector_paused:
            for row in rows:
                try:
                    append(hook(row, cls))
                except DECODE_FAILURES:
                    try:
                        append(structure(self.detailed, row, cls, record=label(row)))
                    except DecodeError as error:
                        append(reject_of(row, error, identify=identify, page_url=page_url))
        return out
