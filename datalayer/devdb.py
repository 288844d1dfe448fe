"""An embedded PostgreSQL cluster for development and tests, run from the machine's own binaries.

``datalayer dev up`` creates (once) and starts a cluster under ``.pgdata/`` on a free port of
127.0.0.1 and prints its URL; ``dev down`` stops it; ``dev url`` prints the URL. PostgreSQL refuses
to run as root, so when this process is root the cluster runs as the unprivileged ``postgres`` user
(``runuser``), with the data directory owned by it. A normal user runs it as themselves.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigurationError

__all__ = ["Bouncer", "Cluster", "find_bindir", "free_port"]

_UNPRIVILEGED_USER = "postgres"
_INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found on PATH, via `pg_config --bindir`, "
    "or under /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: `apt-get install postgresql`; "
    "Fedora: `dnf install postgresql-server`; macOS: `brew install postgresql@16`), or set "
    "DATABASE_URL to an existing server."
)


def find_bindir() -> Path:
    """Directory holding ``initdb`` and ``pg_ctl``: PATH, then ``pg_config --bindir``, then the
    newest ``/usr/lib/postgresql/*/bin``."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], check=True, capture_output=True, text=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            out = ""
        if out and (Path(out) / "pg_ctl").exists() and (Path(out) / "initdb").exists():
            return Path(out)

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit())

    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if (Path(candidate) / "pg_ctl").exists() and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    raise ConfigurationError(_INSTALL_HINT, variable="DATABASE_URL")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Cluster:
    """A PostgreSQL cluster in ``root`` (data in ``root/data``, socket in ``root/run``).

    ``fast=True`` turns off fsync and friends: for throwaway test clusters (put them on tmpfs).
    """

    root: Path
    dbname: str = "datalayer"
    fast: bool = False
    bindir: Path = field(default_factory=find_bindir)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", self.dbname):
            raise ConfigurationError(f"not a plain database name: {self.dbname!r}")

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def rundir(self) -> Path:
        return self.root / "run"

    @property
    def _port_file(self) -> Path:
        return self.root / "port"

    @property
    def as_root(self) -> bool:
        return hasattr(os, "geteuid") and os.geteuid() == 0

    # -- process helpers ------------------------------------------------------------------------

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if self.as_root:
            runuser = shutil.which("runuser")
            if runuser:
                cmd = [runuser, "-u", _UNPRIVILEGED_USER, "--", *cmd]
            else:
                cmd = ["su", _UNPRIVILEGED_USER, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/", check=False)
        if check and proc.returncode != 0:
            raise ConfigurationError(
                f"`{' '.join(args[:2])}` failed ({proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-2000:]}"
            )
        return proc

    def _prepare_dirs(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.rundir.mkdir(exist_ok=True)
        if self.as_root:
            try:
                import pwd

                entry = pwd.getpwnam(_UNPRIVILEGED_USER)
            except KeyError:
                raise ConfigurationError(
                    "PostgreSQL refuses to run as root and there is no 'postgres' user to run it as: "
                    "create one (`useradd --system postgres`) or run as an unprivileged user."
                ) from None
            for path in (self.root, self.rundir):
                os.chown(path, entry.pw_uid, entry.pw_gid)
            if self.datadir.exists():
                os.chown(self.datadir, entry.pw_uid, entry.pw_gid)
            probe = self._run("test", "-w", str(self.root), check=False)
            if probe.returncode != 0:
                raise ConfigurationError(
                    f"the 'postgres' user cannot reach {self.root} (a parent directory is not "
                    "searchable by others); move the checkout or set DATABASE_URL."
                )

    # -- lifecycle -----------------------------------------------------------------------------

    def initialized(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialized():
            return False
        proc = self._run(
            str(self.bindir / "pg_ctl"), "status", "-D", str(self.datadir), check=False
        )
        return proc.returncode == 0

    @property
    def port(self) -> int:
        try:
            return int(self._port_file.read_text().strip())
        except (OSError, ValueError):
            return 0

    def up(self) -> str:
        """Initialise (once) and start the cluster; create the database; return its URL."""
        self._prepare_dirs()
        if not self.initialized():
            self._run(
                str(self.bindir / "initdb"),
                "-D",
                str(self.datadir),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-instructions",
            )
        if not self.running():
            port = self.port
            if not port or _port_in_use(port):
                port = free_port()
            options = [
                f"-p {port}",
                "-c listen_addresses=127.0.0.1",
                f"-k {self.rundir}",
                "-c max_connections=200",
                "-c shared_preload_libraries=pg_stat_statements",
            ]
            if self.fast:
                options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
            self._run(
                str(self.bindir / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.datadir),
                "-l",
                str(self.root / "server.log"),
                "-o",
                " ".join(options),
            )
            self._port_file.write_text(f"{port}\n")
        self._ensure_database()
        return self.url()

    def _ensure_database(self) -> None:
        psql = self.bindir / "psql"
        if not psql.exists():
            psql = Path(shutil.which("psql") or "psql")
        base = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-X", "-q", "-t", "-A"]
        for _ in range(50):
            proc = self._run(
                str(psql),
                *base,
                "-d",
                "postgres",
                "-c",
                f"SELECT 1 FROM pg_database WHERE datname = '{self.dbname}'",
                check=False,
            )
            if proc.returncode == 0:
                break
            time.sleep(0.1)
        if proc.stdout.strip() != "1":
            self._run(str(psql), *base, "-d", "postgres", "-c", f'CREATE DATABASE "{self.dbname}"')

    def url(self, dbname: str | None = None) -> str:
        if not self.port:
            raise ConfigurationError(f"the embedded cluster in {self.root} has not been started")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname or self.dbname}"

    def down(self) -> None:
        if self.running():
            self._run(
                str(self.bindir / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.datadir)
            )

    def replica(self, root: Path) -> Cluster:
        """A streaming replica of this (running) cluster in ``root``: ``pg_basebackup -R`` over the
        replication connection (PostgreSQL's defaults: ``wal_level=replica``, ``max_wal_senders``
        10, and initdb's ``host replication all 127.0.0.1/32`` line), run as the same user as the
        server. Start it with :meth:`up`; it follows the primary as a hot standby."""
        standby = Cluster(root, dbname=self.dbname, fast=self.fast, bindir=self.bindir)
        standby._prepare_dirs()
        if not standby.initialized():
            self._run(
                str(self.bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-D",
                str(standby.datadir),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            )
        return standby

    def destroy(self) -> None:
        """Stop the cluster and delete its files."""
        self.down()
        shutil.rmtree(self.root, ignore_errors=True)


_BOUNCER_HINT = (
    "pgbouncer was not found on PATH or in /usr/sbin (Debian/Ubuntu: `apt-get install pgbouncer`)"
)


@dataclass
class Bouncer:
    """A PgBouncer in ``root`` in front of a PostgreSQL server on 127.0.0.1:``server_port``.

    Every database of the server is reachable through it under its own name, with the client's own
    user name (``auth_type = trust``; user names the auth file does not list are looked up with
    ``auth_query`` as ``auth_user``). ``pool_mode`` is ``transaction`` by default: a server
    connection belongs to a client for one transaction only. Run as the unprivileged user when
    this process is root (PgBouncer refuses root too)."""

    root: Path
    server_port: int
    pool_mode: str = "transaction"
    auth_user: str = "postgres"
    pool_size: int = 20
    port: int = 0
    #: Startup parameters accepted and dropped (PgBouncer refuses unknown ones, e.g. ``options``).
    ignore_startup_parameters: str = "extra_float_digits"

    def _cluster(self) -> Cluster:
        return Cluster(self.root, dbname="postgres")

    @property
    def binary(self) -> str:
        found = shutil.which("pgbouncer") or (
            "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
        )
        if found is None:
            raise ConfigurationError(_BOUNCER_HINT)
        return found

    def url(self, dbname: str, user: str = "postgres") -> str:
        if not self.port:
            raise ConfigurationError(f"the PgBouncer in {self.root} has not been started")
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def up(self) -> str:
        """Write the configuration and start PgBouncer (daemonised); return the URL of the
        ``postgres`` database through it."""
        cluster = self._cluster()
        cluster._prepare_dirs()
        self.port = self.port or free_port()
        config = self.root / "pgbouncer.ini"
        (self.root / "userlist.txt").write_text(f'"{self.auth_user}" ""\n')
        config.write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host=127.0.0.1 port={self.server_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    f"unix_socket_dir = {cluster.rundir}",
                    "auth_type = trust",
                    f"auth_file = {self.root / 'userlist.txt'}",
                    f"auth_user = {self.auth_user}",
                    f"pool_mode = {self.pool_mode}",
                    "max_client_conn = 1000",
                    f"default_pool_size = {self.pool_size}",
                    "server_reset_query = DISCARD ALL",
                    f"ignore_startup_parameters = {self.ignore_startup_parameters}",
                    f"admin_users = {self.auth_user}",
                    f"logfile = {self.root / 'pgbouncer.log'}",
                    f"pidfile = {self.root / 'pgbouncer.pid'}",
                    "",
                ]
            )
        )
        if cluster.as_root:
            import pwd

            entry = pwd.getpwnam(_UNPRIVILEGED_USER)
            for path in (config, self.root / "userlist.txt"):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        cluster._run(self.binary, "-d", "-q", str(config))
        for _ in range(100):
            if _port_in_use(self.port):
                break
            time.sleep(0.05)
        else:
            log = self.root / "pgbouncer.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise ConfigurationError(f"PgBouncer did not start: {tail}")
        return self.url("postgres")

    def down(self) -> None:
        pidfile = self.root / "pgbouncer.pid"
        try:
            pid = int(pidfile.read_text().strip())
        except (OSError, ValueError):
            return
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            return
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    def destroy(self) -> None:
        self.down()
        shutil.rmtree(self.root, ignore_errors=True)
