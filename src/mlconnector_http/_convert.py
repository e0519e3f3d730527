"""Wire <-> model conversion: a fresh cattrs converter per client package, with our hooks.

Money is :class:`~decimal.Decimal` from strings, ints or floats (floats through their shortest
repr, so ``0.1`` is ``Decimal("0.1")``) and dumps as a string; datetimes must carry a zone
(naive ones are read as UTC, the vendors' documented zone); unknown enum values are kept.

Everything else is strict: a ``str`` field takes a JSON string, an ``int`` field a JSON integer
(``7.9``, ``"7"``, ``true`` and ``1e999`` are refused), a ``bool`` field ``true``/``false`` (not
``"false"``), a ``float`` field a finite number. Silently coercing ``{"x": 1}`` into the text
``"{'x': 1}"`` or ``"false"`` into ``True`` would post wrong data; a vendor client that knows
its API sends numbers as strings registers its own lenient hook on its own converter.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import operator
import threading
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, override
from cattrs.preconf.json import make_converter as _make_json_converter

from mlconnector_http._exceptions import APIError

__all__ = [
    "DECODE_FAILURES",
    "UNREADABLE",
    "DecodeError",
    "decode_problems",
    "make_converter",
    "make_structure_fn",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "structure",
]

T = TypeVar("T")

UNREADABLE: tuple[type[Exception], ...] = (
    ValueError,
    TypeError,
    LookupError,
    AttributeError,
    ArithmeticError,
    RecursionError,  # a body nested thousands deep
)
"""What a parser may raise on a body that is not what was promised."""

DECODE_FAILURES: tuple[type[Exception], ...] = (cattrs.BaseValidationError, *UNREADABLE)
"""What structuring wire data into a model may raise on data that does not fit."""


class DecodeError(APIError):
    """A record from the server does not fit its model; names the record and each field.

    ``problems`` are the human lines; ``fields`` the same as ``(path, reason)`` pairs, the path
    relative to the record (``"lines[2].amount"``, ``"id"``; ``""`` for the record as a whole).
    """

    def __init__(
        self,
        record: str,
        problems: list[str],
        *,
        fields: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(f"{record}: " + "; ".join(problems))
        self.record = record
        self.problems = problems
        self.fields: tuple[tuple[str, str], ...] = tuple(fields) or tuple(
            ("", problem) for problem in problems
        )


def _reason(error: BaseException, expected: Any) -> str:
    if isinstance(error, KeyError):
        return "required field missing"
    text = str(error) or type(error).__name__
    if expected is not None and isinstance(error, ValueError | TypeError) and not str(error):
        return f"invalid value, expected {getattr(expected, '__name__', expected)}"
    return text


def _join(path: str, step: str) -> str:
    if step.startswith("["):
        return path + step
    return f"{path}.{step}" if path else step


def decode_problems(error: BaseException, path: str = "") -> list[tuple[str, str]]:
    """``(field path, reason)`` for each leaf of a cattrs validation error, in order.

    Paths use model attribute names: ``"lines[2].amount"``, ``"tags['eu']"``, ``"id"``.
    """
    if isinstance(error, cattrs.IterableValidationError):
        with_notes, without = error.group_exceptions()
        found: list[tuple[str, str]] = []
        for sub, note in with_notes:
            found += decode_problems(sub, _join(path, f"[{note.index!r}]"))
        found += [(path, _reason(sub, None)) for sub in without]
        return found
    if isinstance(error, cattrs.ClassValidationError):
        with_names, unnamed = error.group_exceptions()
        found = []
        for sub, attribute in with_names:
            child = _join(path, attribute.name)
            if isinstance(sub, cattrs.BaseValidationError):
                found += decode_problems(sub, child)
            else:
                found.append((child, _reason(sub, attribute.type)))
        found += [(path, _reason(sub, None)) for sub in unnamed]
        return found
    return [(path, _reason(error, None))]


def parse_decimal(value: Any) -> decimal.Decimal:
    """A Decimal from a JSON string, int or float; rejects NaN, infinities and booleans."""
    if isinstance(value, str):
        try:
            result = decimal.Decimal(value)
        except decimal.InvalidOperation:
            try:
                result = decimal.Decimal(value.strip().replace(",", ""))
            except decimal.InvalidOperation:
                raise ValueError(f"not a decimal number: {value!r}") from None
    elif isinstance(value, decimal.Decimal):
        result = value
    elif isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    elif isinstance(value, float):
        result = decimal.Decimal(repr(value))
    elif isinstance(value, int):
        result = decimal.Decimal(value)
    else:
        raise ValueError(f"expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def parse_datetime(value: Any) -> dt.datetime:
    """A timezone-aware datetime from ISO-8601 (``Z`` allowed); naive values are UTC."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError(f"expected an ISO-8601 datetime, got {type(value).__name__}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def parse_date(value: Any) -> dt.date:
    """A date from ``YYYY-MM-DD`` or from a full datetime (some vendors send dates that way)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        return dt.date.fromisoformat(text) if len(text) == 10 else parse_datetime(text).date()
    raise ValueError(f"expected a date, got {type(value).__name__}")


def _strict_str(value: Any, cls: Any) -> Any:
    if cls is not str:  # a str enum: its own constructor decides (open enums keep unknowns)
        return cls(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {_json_kind(value)}")
    return value


def _strict_int(value: Any, cls: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected an integer, got {_json_kind(value)}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"expected an integer, got {value!r}")
        value = int(value)
    return value if cls is int else cls(value)


def _strict_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_json_kind(value)}")
    return value


def _strict_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_json_kind(value)}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"a string {value[:40]!r}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value!r}"[:60]
    if isinstance(value, dict):
        return "an object"
    return "an array" if isinstance(value, list) else type(value).__name__


def _decimal_hook(value: Any, _: Any) -> decimal.Decimal:
    if type(value) is str:  # the common case first: one constructor call, no dispatch
        try:
            result = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return parse_decimal(value)
        if result.is_finite():
            return result
    return parse_decimal(value)


def _datetime_hook(value: Any, _: Any) -> dt.datetime:
    if type(value) is str:
        try:  # Python 3.11 reads ``Z``; a value with spaces or odd zones takes the full path
            moment = _fromisoformat(value)
        except ValueError:
            return parse_datetime(value)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return parse_datetime(value)


def _date_hook(value: Any, _: Any) -> dt.date:
    if type(value) is str and len(value) == 10:
        try:
            return _date_fromisoformat(value)
        except ValueError:
            pass
    return parse_date(value)


_date_fromisoformat = dt.date.fromisoformat


_fromisoformat = dt.datetime.fromisoformat


def _enum_hook(converter: cattrs.Converter, base: type) -> Any:
    """A known member of a str or int enum by one dict lookup; anything else to ``base``'s
    hook, so unknown values, wrong types and the converter's own leniency stay as they were."""

    def hook(value: Any, cls: Any) -> Any:
        if type(value) is base:
            member = cls._value2member_map_.get(value)
            if member is not None:
                return member
        return converter.get_structure_hook(base)(value, cls)

    hook.enum_base = base  # type: ignore[attr-defined]
    return hook


def _optional_inner(cls: Any) -> Any:
    """``X`` for ``X | None`` (either spelling), else ``None``."""
    if typing.get_origin(cls) not in (typing.Union, types.UnionType):
        return None
    args = typing.get_args(cls)
    inner = [arg for arg in args if arg is not type(None)]
    return inner[0] if len(args) == 2 and len(inner) == 1 else None


def _optional_factory(converter: cattrs.Converter) -> Any:
    """``X | None`` with ``X``'s hook looked up once, not per value (cattrs' union dispatch
    finds it again for every value)."""

    def factory(cls: Any) -> Any:
        inner = _optional_inner(cls)
        hook = converter.get_structure_hook(inner)
        identity = hook in _IDENTITY.get(inner, ())

        def structure_optional(value: Any, _: Any) -> Any:
            if value is None or (identity and type(value) is inner):
                return value
            return hook(value, inner)

        structure_optional.optional_of = (inner, hook, identity)  # type: ignore[attr-defined]
        return structure_optional

    return factory


_IDENTITY: dict[Any, tuple[Any, ...]] = {
    str: (_strict_str,),
    int: (_strict_int,),
    bool: (_strict_bool,),
}
"""Strict hooks that return a value of exactly their type unchanged: a field of that type
(or its Optional) can skip the call for such a value."""


def _tuple_of(type_: Any, hook: Any) -> Any:
    """``X`` for a ``tuple[X, ...]`` structured by cattrs' own tuple hook, else ``None``."""
    args = typing.get_args(type_)
    if typing.get_origin(type_) is not tuple or len(args) != 2 or args[1] is not Ellipsis:
        return None
    if getattr(hook, "__func__", None) is not cattrs.Converter._structure_tuple:
        return None
    return args[0]


def _field_code(
    name: str, type_: Any, hook: Any, namespace: dict[str, Any], converter: cattrs.Converter
) -> tuple[str, Callable[[Any], bool]]:
    """The statement turning ``name`` into the field's value, inline where the hook would not
    change it, and a test of which values pass that statement without a hook call."""
    hook_name, type_name = f"h_{name}", f"t_{name}"
    blank = getattr(hook, "blank_optional_of", None)  # ``X | None`` that reads "" as None
    if blank is not None:
        inner, inner_hook = blank
        namespace[hook_name], namespace[type_name] = inner_hook, inner
        inline = _inline_code(name, inner, inner_hook, namespace)
        convert = inline or f"{name} = {hook_name}({name}, {type_name})"
        return (
            "\n".join([f'if {name} is None or {name} == "": {name} = None', "else:"])
            + "\n"
            + "\n".join(_indented(convert)),
            lambda value: value is None,
        )
    optional = getattr(hook, "optional_of", None)
    if optional is not None:
        inner, inner_hook, identity = optional
        namespace[hook_name], namespace[type_name] = inner_hook, inner
        inline = _inline_code(name, inner, inner_hook, namespace)
        if inline is not None:
            return (
                "\n".join([f"if {name} is not None:", *_indented(inline)]),
                lambda value: value is None,
            )
        if identity:
            return (
                f"if {name} is not None and type({name}) is not {type_name}: "
                f"{name} = {hook_name}({name}, {type_name})",
                lambda value: value is None or type(value) is inner,
            )
        return (
            f"if {name} is not None: {name} = {hook_name}({name}, {type_name})",
            lambda value: value is None,
        )
    namespace[hook_name], namespace[type_name] = hook, type_
    element = _tuple_of(type_, hook)
    if element is not None:
        # cattrs' tuple hook, for a list: each element through the element's hook
        element_hook = converter.get_structure_hook(element)
        namespace[f"e_{name}"], namespace[f"eh_{name}"] = element, element_hook
        if element_hook in _IDENTITY.get(element, ()):
            return (
                f"if type({name}) is list and not [e for e in {name} if type(e) is not e_{name}]: "
                f"{name} = tuple({name})\n"
                f"else: {name} = {hook_name}({name}, {type_name})",
                lambda value: False,
            )
        return (
            f"if type({name}) is list: "
            f"{name} = tuple([eh_{name}(e, e_{name}) for e in {name}]) if {name} else ()\n"
            f"else: {name} = {hook_name}({name}, {type_name})",
            lambda value: False,
        )
    if hook in _IDENTITY.get(type_, ()):
        return (
            f"if type({name}) is not {type_name}: {name} = {hook_name}({name}, {type_name})",
            lambda value: type(value) is type_,
        )
    inline = _inline_code(name, type_, hook, namespace)
    if inline is not None:
        return inline, lambda value: False
    return f"{name} = {hook_name}({name}, {type_name})", lambda value: False


def _inline_code(name: str, type_: Any, hook: Any, namespace: dict[str, Any]) -> str | None:
    """The toolkit's Decimal, datetime, date and enum hooks written out for a value that is
    not ``None``: their common case (a decimal string or number, an ISO timestamp or date, a
    known member) without the call, anything else to the hook itself. ``None`` for other
    hooks."""
    hook_name, type_name = f"h_{name}", f"t_{name}"
    call = f"{hook_name}({name}, {type_name})"
    if hook is _decimal_hook:
        namespace["__Decimal"], namespace["__InvalidOperation"] = (
            decimal.Decimal,
            decimal.InvalidOperation,
        )
        return "\n".join(
            [
                f"if type({name}) is str:",
                "    try:",
                f"        w = __Decimal({name})",
                "    except __InvalidOperation:",
                f"        w = {call}",
                "    else:",
                f"        if not w.is_finite(): w = {call}",
                f"    {name} = w",
                f"elif type({name}) is float:",  # through its shortest repr, as parse_decimal
                f"    w = __Decimal(repr({name}))",
                f"    {name} = w if w.is_finite() else {call}",
                f"elif type({name}) is int: {name} = __Decimal({name})",
                f"else: {name} = {call}",
            ]
        )
    if hook is _datetime_hook:
        namespace["__fromisoformat"], namespace["__UTC"] = _fromisoformat, dt.UTC
        return "\n".join(
            [
                f"if type({name}) is str:",
                "    try:",
                f"        w = __fromisoformat({name})",
                "    except ValueError:",
                f"        w = {call}",
                "    else:",
                "        if w.tzinfo is None: w = w.replace(tzinfo=__UTC)",
                f"    {name} = w",
                f"else: {name} = {call}",
            ]
        )
    if hook is _date_hook:
        namespace["__date_fromisoformat"] = _date_fromisoformat
        return "\n".join(
            [
                f"if type({name}) is str and len({name}) == 10:",
                "    try:",
                f"        {name} = __date_fromisoformat({name})",
                "    except ValueError:",
                f"        {name} = {call}",
                f"else: {name} = {call}",
            ]
        )
    base = getattr(hook, "enum_base", None)
    if base is not None and isinstance(type_, type) and issubclass(type_, enum.Enum):
        namespace[f"m_{name}"], namespace[f"b_{name}"] = type_._value2member_map_, base
        return (
            f"w = m_{name}.get({name}) if type({name}) is b_{name} else None\n"
            f"{name} = {call} if w is None else w"
        )
    return None


_FACTORY: Any = type(attrs.Factory(list))  # the class behind ``attrs.Factory(...)``


def _fills_dict(cls: Any, fields: Sequence[Any]) -> bool:
    """Whether an instance of ``cls`` can be made by filling its ``__dict__``: its ``__init__``
    would only assign (no validator, converter, hook, cached hash, slot or ``init=False``)."""
    init = getattr(cls.__init__, "__code__", None)
    return (
        init is not None
        and "_attrs_cached_hash" not in init.co_names
        and not hasattr(cls, "__attrs_post_init__")
        and not hasattr(cls, "__attrs_pre_init__")
        and all(
            field.init
            and field.validator is None
            and field.converter is None
            and not (isinstance(field.default, _FACTORY) and field.default.takes_self)
            and not isinstance(getattr(cls, field.name, None), types.MemberDescriptorType)
            for field in fields
        )
    )


def _indented(code: str, spaces: int = 4) -> list[str]:
    return [" " * spaces + line for line in code.split("\n")]


_MISSING = object()
"""A key the record does not carry (``dict.get``'s default where no model default fits)."""


@attrs.frozen
class _Slot:
    """One field of a generated structure function: its variable, wire key and statements."""

    name: str  # the local variable, ``v3``
    key: str  # the wire key
    target: str  # the attribute
    convert: list[str]  # statements turning the wire value into the attribute's
    missing: str | None  # the expression for an absent key; None: the key is required
    passes_default: bool  # the default is left as it is by ``convert``


_SHAPES = 32
"""Key sets of a class's records that get their own generated function (then: one for all)."""


def _filled_lines(
    fields: Sequence[Any],
    hints: Mapping[str, Any],
    renames: Mapping[str, str],
    namespace: dict[str, Any],
    converter: cattrs.Converter,
) -> list[str]:
    """The body of a structure function that fills a dict class's ``__dict__``.

    A record that carries every field's key (most vendor answers do) has all its values read
    in one ``operator.itemgetter`` call. Any other gets a function generated for its key set
    on first sight, reading just the keys it has and setting the others' defaults without a
    look-up (a Procurify bill's vendor has 2 of the Vendor's 27 keys, a PO list row lacks
    ``order_items``). A class whose records keep missing a key stops trying the itemgetter
    after 32 of them; past 32 key sets, one function reads them all with ``dict.get``.
    """
    slots: list[_Slot] = []
    for index, field in enumerate(fields):
        name = f"v{index}"
        type_ = hints.get(field.name, Any)
        convert, passes = _field_code(
            name, type_, converter.get_structure_hook(type_), namespace, converter
        )
        default = field.default
        missing: str | None = None
        if isinstance(default, _FACTORY):
            namespace[f"f_{name}"] = default.factory
            missing = f"f_{name}()"
        elif default is not attrs.NOTHING:
            namespace[f"d_{name}"] = default
            missing = f"d_{name}"
        namespace[f"k_{name}"] = renames.get(field.name, field.name)
        slots.append(
            _Slot(
                name=name,
                key=renames.get(field.name, field.name),
                target=field.name,
                convert=convert.split("\n"),
                missing=missing,
                passes_default=not isinstance(default, _FACTORY) and passes(default),
            )
        )
    filled = "{" + ", ".join(f"{slot.target!r}: {slot.name}" for slot in slots) + "}"
    made = ["made = __new(__cl)", f"__set(made, '__dict__', {filled})", "return made"]
    namespace["__missing"] = _MISSING
    namespace["__generic"] = _exec(_generic_lines(slots, made, namespace), namespace)
    namespace["__shapes"] = {}
    namespace["__shape"] = _shape_maker(slots, made, namespace)
    lines = ["def structure(o, _=None):", "    if type(o) is not dict:"]
    lines.append("        return __fallback(o, _)")
    if len(slots) > 1:
        namespace["__every"] = operator.itemgetter(*(slot.key for slot in slots))
        namespace["__misses"] = [0]
        lines += [
            "    if __misses[0] < 32:",
            "        try:",
            f"            {', '.join(slot.name for slot in slots)} = __every(o)",
            "        except KeyError:",
            "            __misses[0] += 1",
            "        else:",
            *(line for slot in slots for line in _indented("\n".join(slot.convert), 12)),
            *_indented("\n".join(made), 12),
        ]
    lines += [
        "    shaped = __shapes.get(tuple(o))",
        "    return (__shape(o) if shaped is None else shaped)(o)",
    ]
    return lines


def _exec(lines: list[str], namespace: dict[str, Any]) -> Any:
    """The function ``lines`` define (its name is on the first line), in ``namespace``."""
    name = lines[0][len("def ") : lines[0].index("(")]
    label = f"<fast structure {namespace['__cl'].__qualname__} {name}>"  # for profiles
    exec(compile("\n".join(lines), label, "exec"), namespace)
    return namespace[name]


def _generic_lines(slots: list[_Slot], made: list[str], namespace: dict[str, Any]) -> list[str]:
    """A function reading every key with ``map(o.get, keys, defaults)``, whatever it carries."""
    namespace["__keys"] = tuple(slot.key for slot in slots)
    namespace["__defaults"] = tuple(
        namespace[slot.missing] if slot.passes_default and slot.missing else _MISSING
        for slot in slots
    )
    namespace["__map"] = map
    lines = ["def __generic_structure(o):"]
    if slots:
        unpacked = ", ".join(slot.name for slot in slots) + ("," if len(slots) == 1 else "")
        lines.append(f"    {unpacked} = __map(o.get, __keys, __defaults)")
    for slot in slots:
        if slot.passes_default:
            lines += [f"    {line}" for line in slot.convert]
        elif slot.missing is None:
            lines.append(f"    if {slot.name} is __missing: raise KeyError(k_{slot.name})")
            lines += [f"    {line}" for line in slot.convert]
        else:
            lines += [f"    if {slot.name} is __missing: {slot.name} = {slot.missing}", "    else:"]
            lines += _indented("\n".join(slot.convert), 8)
    return lines + [f"    {line}" for line in made]


def _shape_maker(
    slots: list[_Slot], made: list[str], namespace: dict[str, Any]
) -> Callable[[dict[str, Any]], Callable[[dict[str, Any]], Any]]:
    """``shape(record)``: the function for records with ``record``'s keys, made once."""
    shapes: dict[tuple[str, ...], Any] = namespace["__shapes"]
    lock = threading.Lock()

    def shape(record: dict[str, Any]) -> Callable[[dict[str, Any]], Any]:
        with lock:
            found = shapes.get(tuple(record))
            if found is not None:
                return found  # type: ignore[no-any-return]
            if len(shapes) >= _SHAPES:
                return namespace["__generic"]  # type: ignore[no-any-return]
            number = len(shapes)
            present = [slot for slot in slots if slot.key in record]
            lines = [f"def __shape_{number}(o):"]
            absent = [slot for slot in slots if slot.key not in record]
            if any(slot.missing is None for slot in absent):
                required = next(slot for slot in absent if slot.missing is None)
                lines.append(f"    raise KeyError(k_{required.name})")
            else:
                if present:
                    namespace[f"__read_{number}"] = operator.itemgetter(
                        *(slot.key for slot in present)
                    )
                    unpacked = ", ".join(slot.name for slot in present)
                    lines.append(f"    {unpacked} = __read_{number}(o)")  # one key: its value
                for slot in present:
                    lines += [f"    {line}" for line in slot.convert]
                if len(absent) < len(present):
                    for slot in absent:
                        lines.append(f"    {slot.name} = {slot.missing}")
                    lines += [f"    {line}" for line in made]
                else:  # mostly defaults: a copy of them, and the record's values set in it
                    namespace[f"__template_{number}"] = {
                        slot.target: namespace.get(f"d_{slot.name}") for slot in slots
                    }
                    lines.append(f"    values = __template_{number}.copy()")
                    lines += [f"    values[{slot.target!r}] = {slot.name}" for slot in present]
                    lines += [
                        f"    values[{slot.target!r}] = f_{slot.name}()"
                        for slot in absent
                        if f"f_{slot.name}" in namespace
                    ]
                    lines += [
                        "    made = __new(__cl)",
                        "    __set(made, '__dict__', values)",
                        "    return made",
                    ]
            function = _exec(lines, namespace)
            shapes[tuple(record)] = function
            return function  # type: ignore[no-any-return]

    return shape


def _init_lines(
    fields: Sequence[Any],
    hints: Mapping[str, Any],
    renames: Mapping[str, str],
    namespace: dict[str, Any],
    converter: cattrs.Converter,
) -> list[str]:
    """The body of a structure function that calls the class's ``__init__``: a field whose
    default the hook would change is passed only when the record carries it."""
    body: list[str] = []
    always: list[str] = []
    sometimes: list[str] = []
    for index, field in enumerate(fields):
        if not field.init:
            continue
        name = f"v{index}"
        type_ = hints.get(field.name, Any)
        key = renames.get(field.name, field.name)
        convert, passes = _field_code(
            name, type_, converter.get_structure_hook(type_), namespace, converter
        )
        default = field.default
        if default is attrs.NOTHING:
            body += [f"{name} = o[{key!r}]", *convert.split("\n")]
            always.append(f"{field.alias!r}: {name}")
        elif not isinstance(default, _FACTORY) and passes(default):
            namespace[f"d_{name}"] = default
            body += [f"{name} = o.get({key!r}, d_{name})", *convert.split("\n")]
            always.append(f"{field.alias!r}: {name}")
        else:
            body += [f"if {key!r} in o:", f"    {name} = o[{key!r}]", *_indented(convert)]
            body.append(f"    res[{field.alias!r}] = {name}")
            sometimes.append(name)
    lines = ["def structure(o, _=None):", "    if type(o) is not dict:"]
    lines.append("        return __fallback(o, _)")
    if sometimes:
        lines.append("    res = {}")
    lines += [f"    {line}" for line in body]
    values = "{" + ", ".join(always) + "}"
    lines.append(f"    return __cl(**{values}{', **res' if sometimes else ''})")
    return lines


def make_structure_fn(
    cls: type[T], converter: cattrs.Converter, renames: Mapping[str, str] | None = None
) -> Callable[[Any, Any], T]:
    """A structure function for the attrs class ``cls``: cattrs' own when ``converter`` has
    detailed validation, else one generated once for the class that calls the same hooks,
    except that a field whose hook would return an exact ``str``/``int``/``bool`` (or
    ``None`` for an Optional) unchanged is checked inline instead: most fields of a vendor
    record are such, and those calls were most of the cost of a listing. An instance whose
    ``__init__`` would only assign (a dict class without validators or converters) is made by
    filling its ``__dict__`` in one step: the checks were made, and a frozen ``__init__``
    pays a guarded ``setattr`` per field.

    ``renames`` maps attribute names to wire keys. The generated function takes dicts; any
    other value goes to cattrs' function, which refuses it as before.
    """
    renames = dict(renames or {})
    overrides: dict[str, Any] = {name: override(rename=wire) for name, wire in renames.items()}
    generated: Callable[[Any, Any], T] = make_dict_structure_fn(cls, converter, **overrides)
    if converter.detailed_validation:
        return generated
    hints = typing.get_type_hints(cls)
    fields = attrs.fields(cast(Any, cls))
    fill = _fills_dict(cls, fields)
    namespace: dict[str, Any] = {
        "__cl": cls,
        "__fallback": generated,
        "__new": object.__new__,
        "__set": object.__setattr__,
    }
    if fill:
        lines = _filled_lines(fields, hints, renames, namespace, converter)
    else:
        lines = _init_lines(fields, hints, renames, namespace, converter)
    exec(compile("\n".join(lines), f"<fast structure {cls.__qualname__}>", "exec"), namespace)
    made: Callable[[Any, Any], T] = namespace["structure"]
    return made


def make_converter(*, detailed_validation: bool = True) -> cattrs.Converter:
    """A new converter with the toolkit's hooks; each client keeps its own private one.

    ``detailed_validation=False`` builds the same rules without cattrs' per-field error
    bookkeeping: a page decodes with it, and a record it refuses is decoded again with the
    detailed converter to say which field failed (see :class:`Decoder`).
    """
    converter = _make_json_converter(
        forbid_extra_keys=False, detailed_validation=detailed_validation
    )
    converter.register_structure_hook(str, _strict_str)
    converter.register_structure_hook(int, _strict_int)
    converter.register_structure_hook(bool, _strict_bool)
    converter.register_structure_hook(float, _strict_float)
    converter.register_structure_hook(enum.StrEnum, _enum_hook(converter, str))
    converter.register_structure_hook(enum.IntEnum, _enum_hook(converter, int))
    converter.register_structure_hook(decimal.Decimal, _decimal_hook)
    converter.register_unstructure_hook(decimal.Decimal, str)
    converter.register_structure_hook(dt.datetime, _datetime_hook)
    converter.register_unstructure_hook(dt.datetime, lambda v: v.isoformat())
    converter.register_structure_hook(dt.date, _date_hook)
    converter.register_unstructure_hook(dt.date, lambda v: v.isoformat())
    converter.register_structure_hook_factory(
        lambda cls: _optional_inner(cls) is not None, _optional_factory(converter)
    )
    if not detailed_validation:
        converter.register_structure_hook_factory(
            attrs.has, lambda cls: make_structure_fn(cls, converter)
        )
    return converter


def structure(converter: cattrs.Converter, data: Any, cls: type[T], *, record: str) -> T:
    """Structure ``data`` into ``cls``; a failure raises :class:`DecodeError` naming each path.

    ``record`` names the record for the message, e.g. ``"purchase order 1042"``.
    """
    try:
        return converter.structure(data, cls)
    except DECODE_FAILURES as error:
        if isinstance(error, cattrs.BaseValidationError):
            fields = decode_problems(error)
            problems = [f"{reason} @ {_join(f'${cls.__name__}', path)}" for path, reason in fields]
        else:
            problems = [f"{type(error).__name__}: {error}"]
            fields = [("", problems[0])]
        raise DecodeError(record, problems, fields=fields) from None
