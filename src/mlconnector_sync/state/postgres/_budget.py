"""A rate budget shared by every process on one database (the toolkit's ``RateBudget``).

The rules are :class:`mlconnector_http.InProcessBudget`'s: sliding windows, a minimum spacing
and what the server's rate-limit headers said (a 429's ``Retry-After`` wins), per key. The
state lives in two tables instead of memory: ``budget_keys`` (one row per key: the last slot,
how many were reserved, the server's last hint) and ``budget_slots`` (the reserved slot times).
A reservation is one transaction holding the key's row lock, so ten workers on one Procore
app queue for one hourly budget; slots older than the longest window are deleted by the
reservations themselves, so the table stays bounded by the windows' limits.

Time is the database server's clock (``clock_timestamp()``), the one clock every worker
shares, unless a ``clock`` is given (tests); the wait returned is relative, so a worker's own
clock may be off.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from mlconnector_http import Clock, RateLimitHeaders, Window, parse_retry_after
from mlconnector_sync.state.postgres._schema import connect, describe, migrate, open_pool, quoted

__all__ = ["PostgresBudget"]

LOG_WAITS_OVER = 1.0
"""Waits longer than this many seconds are logged at INFO with their reason."""

_DEFAULT_HEADERS = RateLimitHeaders()
_DB_NOW = "extract(epoch FROM clock_timestamp())::double precision"


class PostgresBudget:
    """Sliding windows + minimum spacing + header learning, per key, for every process.

    Args:
        url: the PostgreSQL URL (its password never appears in a repr, log or exception).
        windows: limits to respect even before the server has said anything, e.g.
            ``[Window(3600, 3600)]`` for Procore's hourly budget.
        min_interval: least seconds between two sends on one key.
        headers: the vendor's rate-limit header names, or ``None`` to ignore headers.
        margin: requests kept in reserve below the server's reported remaining count.
        clock: time source; default the database server's clock.
        schema: the PostgreSQL schema (shared with the state store; migrated on start).
        pool_size: most connections open at once.
        logger: where a wait over a second is logged at INFO, with its reason.
    """

    in_process: ClassVar[bool] = False  # does I/O: async callers run it in a worker thread

    def __init__(
        self,
        url: str,
        windows: Sequence[Window] = (),
        *,
        min_interval: float = 0.0,
        headers: RateLimitHeaders | None = _DEFAULT_HEADERS,
        margin: int = 1,
        clock: Clock | None = None,
        schema: str = "mlconnector",
        pool_size: int = 2,
        logger: logging.Logger | None = None,
    ) -> None:
        self.windows = tuple(windows)
        for window in self.windows:
            if window.limit < 1 or not window.seconds > 0:
                raise ValueError(f"{window!r}: a window needs a limit >= 1 and seconds > 0")
        self.min_interval = min_interval
        self.headers = headers
        self.margin = margin
        self.schema = schema
        self.logger = logger or logging.getLogger("mlconnector_sync")
        self._clock = clock
        self._where = describe(url)
        s = quoted(schema)
        longest = max((w.seconds for w in self.windows), default=0.0)
        self._lock_key = (
            "SELECT last_at, sent, hint_remaining, hint_reset_at, hint_sent "
            f"FROM {s}.budget_keys WHERE key = %(key)s FOR UPDATE"
        )
        self._add_key = f"INSERT INTO {s}.budget_keys (key) VALUES (%(key)s) ON CONFLICT DO NOTHING"
        # read under the key's lock: the time, then the limit-th newest slot of each window
        # (slots only grow in time per key). The prune runs in the same statement and the
        # ranks see the slots from before it, which is harmless: a pruned slot is outside
        # every window.
        now = _DB_NOW if clock is None else "%(now)s::double precision"
        ranks = "".join(
            f", (SELECT at FROM {s}.budget_slots WHERE key = %(key)s "
            f"ORDER BY at DESC OFFSET {int(w.limit) - 1} LIMIT 1)"
            for w in self.windows
        )
        prune = (
            f", pruned AS (DELETE FROM {s}.budget_slots WHERE key = %(key)s "
            f"AND at <= (SELECT t FROM clock) - {float(longest)!r})"
            if self.windows
            else ""
        )
        self._ranks = (
            f"WITH clock AS (SELECT {now} AS t){prune} SELECT (SELECT t FROM clock){ranks}"
        )
        self._record = (
            f"UPDATE {s}.budget_keys SET last_at = %(at)s, sent = sent + 1 WHERE key = %(key)s"
        )
        if self.windows:
            self._record = (
                f"WITH slot AS (INSERT INTO {s}.budget_slots (key, at) "
                "VALUES (%(key)s, %(at)s)) " + self._record
            )
        self._now = f"SELECT {_DB_NOW}"
        self._hint = (
            f"INSERT INTO {s}.budget_keys AS k (key, hint_remaining, hint_reset_at, hint_sent) "
            "VALUES (%(key)s, %(remaining)s, %(reset_at)s, 0) ON CONFLICT (key) DO UPDATE SET "
            "hint_remaining = excluded.hint_remaining, hint_reset_at = excluded.hint_reset_at, "
            "hint_sent = k.sent WHERE %(force)s OR k.hint_reset_at IS NULL "
            "OR k.hint_reset_at <> excluded.hint_reset_at "
            "OR k.hint_remaining > excluded.hint_remaining"
        )
        with connect(url, what="rate budget") as conn:
            migrate(conn, schema)
        self._pool = open_pool(url, size=pool_size, name=f"mlconnector-budget-{schema}")

    def __repr__(self) -> str:
        return (
            f"PostgresBudget({self._where!r}, windows={list(self.windows)!r}, "
            f"min_interval={self.min_interval}, schema={self.schema!r})"
        )

    def reserve(self, key: str) -> float:
        """Claim a slot for one request on ``key``; returns the seconds to wait before sending."""
        args: dict[str, Any] = {"key": key}
        with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
            cur.execute(self._lock_key, args)
            state = cur.fetchone()
            if state is None:
                cur.execute(self._add_key, args)
                cur.execute(self._lock_key, args)
                state = cur.fetchone()
            assert state is not None
            last, sent, remaining, reset_at, sent_at_hint = state
            if self._clock is not None:
                args["now"] = self._clock.time()
            cur.execute(self._ranks, args)
            found = cur.fetchone()
            assert found is not None
            now = float(found[0])
            kth = [None if v is None else float(v) for v in found[1:]]
            at = now if last is None else max(now, float(last) + self.min_interval)
            reason = f"at most one request every {self.min_interval:g}s"
            if (
                remaining is not None
                and reset_at is not None
                and at < reset_at
                and int(sent) - int(sent_at_hint or 0) >= int(remaining) - self.margin
            ):
                at = float(reset_at)
                reason = "the server reported no requests left before its reset"
            changed = True
            while changed:
                changed = False
                for window, slot in zip(self.windows, kth, strict=True):
                    if slot is None or slot <= now - window.seconds:
                        continue  # fewer than `limit` reservations in this window
                    if slot > at - window.seconds:
                        at = slot + window.seconds
                        reason = f"window of {window.limit} requests per {window.seconds:g}s full"
                        changed = True
            cur.execute(self._record, {**args, "at": at})
        wait = at - now
        if wait > LOG_WAITS_OVER:
            self.logger.info("rate budget: next slot on key %s in %.1fs: %s", key, wait, reason)
        return wait

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        """Learn the server's remaining count and reset; a 429's ``Retry-After`` wins.

        Responses without rate-limit headers cost no database round trip.
        """
        raw_retry = headers.get("retry-after") if status == 429 else None
        learned = None if self.headers is None else self.headers.read(status, headers)
        if raw_retry is None and learned is None:
            return
        with self._pool.connection() as conn:
            now = self._time(conn)
            if raw_retry is not None:
                retry_after = parse_retry_after(raw_retry, now=now)
                if retry_after is not None:
                    self._set_hint(conn, key, 0, now + retry_after, force=True)
                    return
            if self.headers is None or learned is None:
                return
            remaining, reset = learned
            self._set_hint(conn, key, remaining, self.headers.reset_at(reset, now), force=False)

    def _time(self, conn: Any) -> float:
        if self._clock is not None:
            return self._clock.time()
        row = conn.execute(self._now).fetchone()
        return float(row[0])

    def _set_hint(
        self, conn: Any, key: str, remaining: int, reset_at: float, *, force: bool
    ) -> None:
        conn.execute(
            self._hint,
            {"key": key, "remaining": remaining, "reset_at": reset_at, "force": force},
        )

    def close(self) -> None:
        """Release connections."""
        self._pool.close()
