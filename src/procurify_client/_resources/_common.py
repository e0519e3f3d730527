"""What the resource modules share: argument checks and the v3 read/write collection."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

import attrs

from mlconnector_http import Operation, Page
from procurify_client._convert import converter, dump
from procurify_client._exceptions import ProcurifyConfigurationError, ProcurifyConflict
from procurify_client._query import (
    DEFAULT_PAGE_SIZE,
    Kind,
    list_params,
    page_parser,
    record_parser,
)

__all__ = ["Collection", "check_id", "check_uuid"]

ModelT = TypeVar("ModelT")
InputT = TypeVar("InputT")

_UUID = re.compile(r"^[0-9a-fA-F-]{8,}$")


def check_id(what: str, value: object) -> int:
    """A positive integer id (bools and strings refused: they would build another path)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProcurifyConfigurationError(f"{what} must be a positive int, not {value!r}")
    return value


def check_uuid(what: str, value: object) -> str:
    """A UUID as Procurify accepts it in a path: hex digits, dashes optional."""
    if not isinstance(value, str) or _UUID.match(value) is None:
        raise ProcurifyConfigurationError(
            f"{what} must be a UUID (hex digits, dashes optional), not {value!r}"
        )
    return value.lower()


@attrs.frozen
class Collection(Generic[ModelT, InputT]):
    """A v3 collection on DRF's default routes: list and create at ``path``, get and PUT below.

    Vendors and account codes are both this. A create (POST) is never retried, since a second
    one would make a second record; an update is a PUT of the whole record, which has the same
    effect twice, so it is. ``create_only`` input fields are left out of an update's body.
    ``reference`` names the input field that is the integration's key for a record (a vendor's
    ``external_id``, an account code's ``code``): a create whose outcome is unknown carries it,
    and :meth:`find_by_reference` matches on it.
    """

    noun: str
    path: str
    model: type[ModelT]
    input: type[InputT]
    filters: Mapping[str, Kind]
    create_only: frozenset[str] = frozenset()
    reference: str | None = None

    def list(self, page_size: int | None, filters: Mapping[str, object]) -> Operation[Page[ModelT]]:
        """The first page of records matching ``filters``."""
        return Operation(
            name=f"{self._name}.list",
            method="GET",
            path=self.path,
            params=list_params(f"{self.noun}s", self.filters, filters, page_size=page_size),
            parse=page_parser(self.model, self.noun),
        )

    def get(self, record_id: int) -> Operation[ModelT]:
        """One record by id."""
        return Operation(
            name=f"{self._name}.get",
            method="GET",
            path=self._item(record_id),
            parse=record_parser(self.model, self.noun),
        )

    def create(self, given: InputT | None, fields: Mapping[str, Any]) -> Operation[ModelT]:
        """Create a record from an input model or its fields; not retried."""
        record = self._input(given, fields)
        key = getattr(record, self.reference, None) if self.reference else None
        return Operation(
            name=f"{self._name}.create",
            method="POST",
            path=self.path,
            json=dump(record),
            parse=record_parser(self.model, self.noun),
            reference=key if isinstance(key, str) and key else None,
        )

    def update(
        self, record_id: int, given: InputT | None, fields: Mapping[str, Any]
    ) -> Operation[ModelT]:
        """Replace a record's fields (PUT); retried, since sending it twice changes nothing."""
        body = dump(self._input(given, fields))
        return Operation(
            name=f"{self._name}.update",
            method="PUT",
            path=self._item(record_id),
            json={k: v for k, v in body.items() if k not in self.create_only},
            parse=record_parser(self.model, self.noun),
            retry_safe=True,
        )

    def patch(self, record_id: int, fields: Mapping[str, Any]) -> Operation[ModelT]:
        """Change only ``fields`` (PATCH): what is not named stays as Procurify has it, so a
        field this client does not model is never cleared. Each value is converted and
        checked as the input model would; retried, since sending it twice changes nothing."""
        model: Any = self.input
        declared: dict[str, attrs.Attribute[Any]] = attrs.fields_dict(attrs.resolve_types(model))
        unknown = sorted(set(fields) - (set(declared) - self.create_only))
        if unknown or not fields:
            raise ProcurifyConfigurationError(
                f"a {self.noun} patch takes some of {', '.join(sorted(declared))}, not "
                f"{', '.join(unknown) or 'nothing'}"
            )
        body: dict[str, Any] = {}
        for name, given in fields.items():
            field = declared[name]
            convert: Any = field.converter
            value = convert(given) if callable(convert) else given
            check: Any = field.validator
            if check is not None:
                check(None, field, value)
            wire = field.metadata.get("wire", name)
            body[wire] = converter.unstructure(value, unstructure_as=field.type)
        return Operation(
            name=f"{self._name}.patch",
            method="PATCH",
            path=self._item(record_id),
            json=body,
            parse=record_parser(self.model, self.noun),
            retry_safe=True,
        )

    def by_reference(self, reference: object) -> Operation[Page[ModelT]]:
        """The first page of the list filtered on ``reference`` (every page is walked)."""
        if self.reference is None:
            raise ProcurifyConfigurationError(f"{self.noun}s have no reference field")
        if not isinstance(reference, str) or not reference.strip():
            # a None or "" filter is ignored by Procurify: the listing would hold every record
            raise ProcurifyConfigurationError(
                f"{self.reference} must be a non-empty string, not {reference!r}"
            )
        return self.list(DEFAULT_PAGE_SIZE, {self.reference: reference})

    def reference_of(self, record: ModelT) -> object:
        """A decoded record's reference (``external_id``, ``code``)."""
        return getattr(record, self.reference or "", None)

    def raw_reference_of(self, raw: Any) -> object:
        """A raw (undecodable) record's reference, so an unreadable match is never "absent"."""
        return raw.get(self.reference) if isinstance(raw, Mapping) and self.reference else None

    def only(self, found: Sequence[ModelT], reference: str) -> ModelT | None:
        """The one match, ``None`` for none; ``ProcurifyConflict`` for duplicates."""
        if len(found) > 1:
            ids = ", ".join(str(getattr(record, "id", "?")) for record in found)
            raise ProcurifyConflict(
                f"{len(found)} {self.noun}s carry {self.reference} {reference!r} (ids {ids}): "
                "resolve the duplicates; find_by_reference lists them all",
                status_code=200,
                method="GET",
                path=self.path,
            )
        return found[0] if found else None

    @property
    def _name(self) -> str:
        return self.noun.replace(" ", "_") + "s"

    def _item(self, record_id: object) -> str:
        return f"{self.path}{check_id(self.noun.replace(' ', '_') + '_id', record_id)}/"

    def _input(self, given: object, fields: Mapping[str, Any]) -> InputT:
        """The input model given, or one built from keyword fields (not both), checked."""
        name = self.input.__name__
        if given is not None:
            if fields:
                raise ProcurifyConfigurationError(
                    f"pass a {name} or keyword fields, not both (got {', '.join(sorted(fields))})"
                )
            if not isinstance(given, self.input):
                raise ProcurifyConfigurationError(f"expected a {name}, got {type(given).__name__}")
            return given
        known = {field.name: field for field in attrs.fields(self.input)}  # type: ignore[arg-type]
        unknown = sorted(set(fields) - set(known))
        if unknown:
            raise ProcurifyConfigurationError(
                f"unknown {name} field{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}; "
                f"allowed: {', '.join(sorted(known))}"
            )
        missing = sorted(
            n for n, f in known.items() if f.default is attrs.NOTHING and n not in fields
        )
        if missing:
            raise ProcurifyConfigurationError(f"{name} needs {', '.join(missing)}")
        return self.input(**fields)
