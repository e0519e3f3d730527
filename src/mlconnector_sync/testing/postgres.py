"""A throwaway PostgreSQL server for tests: ``initdb`` + ``pg_ctl`` in a temporary directory.

::

    with TemporaryPostgres() as url:
        store = PostgresStore(url)

The server listens on a free port on 127.0.0.1 only, with trust authentication (nothing else
can reach it), and is tuned for speed over durability (``fsync`` off): it is for tests and
benchmarks, never for data that matters. The binaries come from ``PATH``, else from the
newest ``/usr/lib/postgresql/*/bin`` (Debian and Ubuntu packages), else from ``bin_dir``.

PostgreSQL refuses to run as root; when this process is root, the cluster is owned and run
by an unprivileged account (``postgres`` if it exists, else ``nobody``) through
``subprocess``'s ``user=``/``group=``, in a temporary directory that account owns.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import stat
import subprocess
import tempfile
import uuid
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["PostgresNotFound", "TemporaryPostgres", "find_postgres_bin"]

_SUPERUSER = "postgres"
_SETTINGS: Mapping[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "log_statement": "none",
}
_HBA = "local all all trust\nhost all all 127.0.0.1/32 trust\n"


class PostgresNotFound(RuntimeError):
    """No PostgreSQL server binaries (``initdb``, ``pg_ctl``) were found."""


def find_postgres_bin(bin_dir: str | Path | None = None) -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: ``bin_dir``, else ``PATH``, else the
    newest ``/usr/lib/postgresql/*/bin``; raises :class:`PostgresNotFound`."""
    candidates: list[Path] = []
    if bin_dir is not None:
        candidates.append(Path(bin_dir))
    else:
        on_path = shutil.which("initdb")
        if on_path is not None:
            candidates.append(Path(on_path).resolve().parent)
        candidates.extend(
            Path(found)
            for found in sorted(
                glob.glob("/usr/lib/postgresql/*/bin"), key=_version_of, reverse=True
            )
        )
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    where = str(bin_dir) if bin_dir is not None else "PATH or /usr/lib/postgresql/*/bin"
    raise PostgresNotFound(
        f"no PostgreSQL server binaries (initdb, pg_ctl) in {where}: install the server "
        "(Debian/Ubuntu: apt-get install postgresql; .ci/run does this) or pass bin_dir"
    )


def _version_of(path: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", Path(path).parent.name))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _traversable(path: Path) -> bool:
    """Whether every directory from the root down to ``path`` lets others through."""
    current = path.resolve()
    return all(d.stat().st_mode & stat.S_IXOTH for d in (current, *current.parents))


def _remove(base: str, pg_ctl: str, data: str, run_as: Mapping[str, Any]) -> None:
    """Stop the server (if it runs) and delete its directory; safe to call twice."""
    if os.path.exists(os.path.join(data, "postmaster.pid")):
        subprocess.run(
            [pg_ctl, "stop", "-D", data, "-m", "immediate", "-w", "-t", "30"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
            **run_as,
        )
    shutil.rmtree(base, ignore_errors=True)


class TemporaryPostgres:
    """A PostgreSQL cluster that lives as long as the ``with`` block (or until :meth:`stop`).

    Args:
        bin_dir: where ``initdb`` and ``pg_ctl`` are (default: see :func:`find_postgres_bin`).
        settings: extra ``postgresql.conf`` settings, over the fast test defaults.
        run_as: the account that runs the server when this process is root (default
            ``postgres`` if it exists, else ``nobody``); ignored when not root.
        timeout: seconds to wait for the server to start.

    ``with TemporaryPostgres() as url`` gives the URL of the ``postgres`` database as the
    ``postgres`` superuser; :meth:`create_database` makes a fresh database and gives its URL.
    """

    def __init__(
        self,
        *,
        bin_dir: str | Path | None = None,
        settings: Mapping[str, str] | None = None,
        run_as: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self.bin_dir = find_postgres_bin(bin_dir)
        self.settings = {**_SETTINGS, **(settings or {})}
        self.timeout = timeout
        self._run_as_name = run_as
        self._run_as: dict[str, Any] = {}
        self._base: Path | None = None
        self._port: int | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None

    def __repr__(self) -> str:
        state = f"port {self._port}" if self._port is not None else "not running"
        return f"TemporaryPostgres({str(self.bin_dir)!r}, {state})"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the temporary PostgreSQL server is not running")
        return self._port

    @property
    def url(self) -> str:
        """The URL of the ``postgres`` database."""
        return self.url_for("postgres")

    def url_for(self, database: str) -> str:
        """The URL of ``database`` on this server."""
        return f"postgresql://{_SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def __enter__(self) -> str:
        self.start()
        return self.url

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> str:
        """Create the cluster and start the server; returns :attr:`url`."""
        if self._port is not None:
            return self.url
        self._run_as = self._account()
        base = Path(tempfile.mkdtemp(prefix="mlc-pg-", dir=self._temp_parent()))
        self._base = base
        data, log = base / "data", base / "server.log"
        self._finalizer = weakref.finalize(
            self, _remove, str(base), str(self.bin_dir / "pg_ctl"), str(data), self._run_as
        )
        try:
            if self._run_as:
                os.chown(base, self._run_as["user"], self._run_as["group"])
            self._run(
                [
                    str(self.bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    _SUPERUSER,
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ],
                "initdb",
            )
            (data / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
            last_error: RuntimeError | None = None
            for _ in range(5):
                port = _free_port()
                self._configure(data, base, port)
                try:
                    self._run(
                        [
                            str(self.bin_dir / "pg_ctl"),
                            "start",
                            "-D",
                            str(data),
                            "-l",
                            str(log),
                            "-w",
                            "-t",
                            str(int(self.timeout)),
                        ],
                        "pg_ctl start",
                        log=log,
                    )
                except RuntimeError as error:  # most likely the port was taken meanwhile
                    last_error = error
                    continue
                self._port = port
                return self.url
            assert last_error is not None
            raise last_error
        except BaseException:
            self.stop()
            raise

    def _account(self) -> dict[str, Any]:
        if os.geteuid() != 0:
            return {}
        names = [self._run_as_name] if self._run_as_name else ["postgres", "nobody"]
        for name in names:
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                continue
            return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        raise RuntimeError(
            f"running as root and no account {' or '.join(names)} to run PostgreSQL as "
            "(PostgreSQL refuses root): create one or pass run_as"
        )

    def _temp_parent(self) -> str | None:
        """Where to make the directory: the temp dir, or /tmp when root's temp dir is private."""
        if not self._run_as:
            return None
        default = Path(tempfile.gettempdir())
        return None if _traversable(default) else "/tmp"

    def _configure(self, data: Path, base: Path, port: int) -> None:
        lines = {
            **self.settings,
            "listen_addresses": "'127.0.0.1'",
            "port": str(port),
            "unix_socket_directories": f"'{base}'",
        }
        text = "".join(f"{name} = {value}\n" for name, value in lines.items())
        (data / "postgresql.auto.conf").write_text(text, encoding="utf-8")
        if self._run_as:
            os.chown(data / "postgresql.auto.conf", self._run_as["user"], self._run_as["group"])
            os.chown(data / "pg_hba.conf", self._run_as["user"], self._run_as["group"])

    def _run(self, command: Sequence[str], what: str, *, log: Path | None = None) -> None:
        assert self._base is not None
        output = self._base / "command.out"
        with output.open("wb") as sink:
            done = subprocess.run(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
                cwd=self._base,
                timeout=self.timeout + 30,
                check=False,
                **self._run_as,
            )
        if done.returncode != 0:
            details = output.read_text(errors="replace")
            if log is not None and log.exists():
                details += log.read_text(errors="replace")
            tail = "\n".join(details.strip().splitlines()[-15:])
            raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{tail}")

    def create_database(self, name: str | None = None) -> str:
        """Create a fresh, empty database (a random name unless given); returns its URL."""
        import psycopg

        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" STRATEGY FILE_COPY')
        return self.url_for(name)

    def drop_database(self, name_or_url: str) -> None:
        """Drop a database made by :meth:`create_database`, closing its connections."""
        import psycopg

        name = name_or_url.rsplit("/", 1)[-1]
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise ValueError(f"database name {name!r}")
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its directory (also done on garbage collection)."""
        self._port = None
        if self._finalizer is not None:
            self._finalizer()
            self._finalizer = None
        self._base = None
