#!/usr/bin/env python3
"""The platform's benchmarks: the goals R1-R18 of docs/performance.md.

Run through scripts/bench, which installs wrk and nginx, builds the Release
build with the benchmark programs and then calls this file:

    scripts/bench                  # every workload; updates bench/results and the README
    scripts/bench --smoke          # one short round of each on small data (scripts/test)
    scripts/bench --only R1,R4     # some workloads; results in the build dir only

Every figure is a ratio against a baseline measured in the same run: nginx
serving the very same bytes, a plain SQLite loop writing the same rows,
sqlite3's .import of the same CSV file, the platform itself without load,
with a smaller database, on SQLite rather than PostgreSQL, or as one node
rather than two on one database; a few are absolute times. A timing never
fails the run; a workload that errors (an answer that is not 2xx, a server
that does not start) does, after the table is printed.

Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import http.client
import json
import math
import os
import pathlib
import platform as host_platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from typing import Callable, Optional

ROOT = pathlib.Path(__file__).resolve().parent.parent
LUA_DIR = ROOT / "bench" / "lua"

# The figures behind R4 and R6: one city-scoped indicator, 40 cities x 60
# months. R7 writes to indicators of its own, so the two never meet.
FIGURES_INDICATOR = "regelluwe-stad-e-invoices"
FIGURES_CITIES = 40
FIGURES_MONTHS = 60
FIGURES_FIRST_YEAR = 2013
WRITE_INDICATORS = ("lerende-stad-schools-on-eduroam",
                    "lerende-stad-pupils-certified",
                    "lerende-stad-teachers-certified")
WRITE_LAST_PERIOD = "2012-12"
WRITE_MONTHS = (2012 - 1900 + 1) * 12
# R12's CSV file: every per-city indicator (but the one measured for some
# cities only) x every city, in monthly series from 1900-01 on, all before
# the data sets' first figure, so that every row is a new figure on both
# sides. Each row names a source, as a city's file would.
IMPORT_FIRST_MONTH = 1900 * 12
IMPORT_SOURCE = "CBS"
# R13: the progress report of REPORT_PERIOD on a copy of the main data set
# whose figures up to the period are replaced by REPORT_MONTHS months of
# every indicator: REPORT_CITIES cities each (a per-city indicator measured
# for some cities only: those), or the network.
REPORT_PERIOD = "2014-H2"
REPORT_FIRST_MONTH = 2013 * 12
REPORT_MONTHS = 24
REPORT_CITIES = 40
# Generated rows carry this time, so two data sets answer the same bytes.
GENERATED_AT = "2026-01-01T00:00:00Z"
# Bump when the generated data change, so old data directories are rebuilt.
DATA_VERSION = 2

HANG_MS = 30000
README_BEGIN = "<!-- bench:begin -->"
README_END = "<!-- bench:end -->"


class BenchError(Exception):
    """A workload could not be measured; the message says why."""


# --------------------------------------------------------------------------
# The goals, as data (the issue's table).


@dataclasses.dataclass(frozen=True)
class Goal:
    text: str
    min_ratio: Optional[float] = None
    max_ratio: Optional[float] = None
    max_p99_ms: Optional[float] = None
    max_value: Optional[float] = None

    def met(self, row: "Row") -> Optional[bool]:
        checks = []
        if self.min_ratio is not None:
            checks.append(row.ratio is not None and row.ratio >= self.min_ratio)
        if self.max_ratio is not None:
            checks.append(row.ratio is not None and row.ratio <= self.max_ratio)
        if self.max_p99_ms is not None:
            checks.append(row.p99_ms is not None and row.p99_ms <= self.max_p99_ms)
        if self.max_value is not None:
            checks.append(row.value is not None and row.value <= self.max_value)
        return all(checks) if checks else None


GOALS = {
    "R1": Goal("≥ 0.9× nginx", min_ratio=0.9),
    "R2": Goal("≥ 0.9× nginx", min_ratio=0.9),
    "R3": Goal("≥ 0.8× nginx", min_ratio=0.8),
    "R4": Goal("≥ 0.6× nginx, p99 ≤ 5 ms", min_ratio=0.6, max_p99_ms=5),
    "R5": Goal("≥ 0.5× nginx", min_ratio=0.5),
    "R6": Goal("p99 ≤ 2× on the smaller db", max_ratio=2),
    "R7": Goal("≥ 0.5× SQLite loop", min_ratio=0.5),
    "R8": Goal("≥ 0.5× unloaded", min_ratio=0.5),
    "R8 healthz": Goal("≥ 0.5× unloaded, p99 ≤ 10 ms", min_ratio=0.5,
                       max_p99_ms=10),
    "R9": Goal("≤ 150 ms", max_value=150),
    "R10 idle": Goal("≤ 40 MiB", max_value=40),
    "R10 load": Goal("≤ 100 MiB", max_value=100),
    "R11": Goal("≥ 0.5× nginx", min_ratio=0.5),
    "R12": Goal("≥ 1.5× sqlite3 .import", min_ratio=1.5),
    "R13 html": Goal("≤ 1 s", max_value=1000),
    "R13 pdf": Goal("≤ 3 s", max_value=3000),
    "R14": Goal("≥ 0.5× sqlite3 -csv", min_ratio=0.5),
    "R14 memory": Goal("≤ 100 MiB", max_value=100),
    "R15": Goal("p99 ≤ 20 ms at c=16", max_p99_ms=20),
    "R16": Goal("≥ 0.8× SQLite", min_ratio=0.8),
    "R17": Goal("≥ 0.5× SQLite", min_ratio=0.5),
    # Two nodes share the machine's two cores with PostgreSQL and wrk: the
    # ratio shows what sharing costs, it cannot double (docs/performance.md).
    "R18": Goal("none, reported (2 cores)"),
}


@dataclasses.dataclass
class Row:
    """One line of the table."""
    id: str
    workload: str
    goal: str
    bytes: Optional[int] = None
    rps: Optional[float] = None
    p99_ms: Optional[float] = None
    baseline: str = ""
    baseline_rps: Optional[float] = None
    baseline_p99_ms: Optional[float] = None
    ratio: Optional[float] = None
    # For R9, R10 and R13: the figure itself (ms or MiB) and its unit.
    value: Optional[float] = None
    unit: str = ""
    met: Optional[bool] = None
    error: str = ""
    rounds: list = dataclasses.field(default_factory=list)

    @property
    def goal_text(self) -> str:
        return GOALS[self.goal].text

    def judge(self) -> "Row":
        self.met = None if self.error else GOALS[self.goal].met(self)
        return self


# --------------------------------------------------------------------------
# Modes: how long and on how much data.


@dataclasses.dataclass(frozen=True)
class Mode:
    name: str
    rounds: int
    seconds: float
    warmup_seconds: float
    main_figures: int
    large_figures: int
    startups: int
    # R12's file, and R13's reports of each form.
    import_figures: int
    reports: int
    # R15's knowledge base: documents of about 20 pages each.
    search_documents: int = 10_000


FULL = Mode("full", rounds=3, seconds=5, warmup_seconds=1,
            main_figures=100_000, large_figures=10_000_000, startups=5,
            import_figures=1_000_000, reports=5)
SMOKE = Mode("smoke", rounds=1, seconds=1, warmup_seconds=0,
             main_figures=5_000, large_figures=50_000, startups=2,
             import_figures=20_000, reports=1, search_documents=40)


# --------------------------------------------------------------------------
# Helpers: ports, HTTP, processes.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class Answer:
    status: int
    headers: list
    body: bytes


def http_request(port: int, path: str, method: str = "GET", body: bytes = b"",
                 headers: Optional[dict] = None, timeout: float = 10) -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def stop_process(process: subprocess.Popen, grace_s: float = 15) -> None:
    """SIGTERM, then SIGKILL after grace_s; only the process we started."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def tail(path: pathlib.Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def copy_data_dir(source: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    """A consistent copy, even while a server has the database open."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target,
                    ignore=shutil.ignore_patterns("smartercities.db*"))
    with contextlib.closing(sqlite3.connect(source / "smartercities.db")) as src, \
            contextlib.closing(sqlite3.connect(target / "smartercities.db")) as dst:
        src.backup(dst)
    return target


# --------------------------------------------------------------------------
# The platform and nginx.


class Platform:
    """One `smartercities serve` on a free port of 127.0.0.1."""

    def __init__(self, bench: "Bench", name: str, data_dir: pathlib.Path,
                 plugin_dir: Optional[pathlib.Path] = None,
                 num_modules: int = 9, database: str = ""):
        self.bench = bench
        self.name = name
        self.data_dir = data_dir
        self.plugin_dir = plugin_dir
        # A PostgreSQL URL (R16-R18); empty: SQLite in the data directory.
        self.database = database
        self.num_modules = num_modules
        self.port = 0
        self.process: Optional[subprocess.Popen] = None
        self.log_path = bench.run_dir / f"platform-{name}.log"

    def start(self, timeout_s: float = 60) -> float:
        """Starts and waits for /readyz with every module enabled; returns
        the seconds from exec to ready."""
        self.port = free_port()
        command = [str(self.bench.executable), "serve", "--host", "127.0.0.1",
                   "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.plugin_dir:
            command += ["--plugin-dir", str(self.plugin_dir)]
        if self.database:
            command += ["--database", self.database]
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("SMARTERCITIES_") and k != "DATABASE_URL"}
        log = open(self.log_path, "ab")
        started = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=log,
                                        stderr=subprocess.STDOUT, env=env)
        log.close()
        deadline = started + timeout_s
        while True:
            if self.process.poll() is not None:
                raise BenchError(
                    f"the platform ({self.name}) exited with code "
                    f"{self.process.returncode} before it was ready; the end "
                    f"of {self.log_path}:\n{tail(self.log_path)}")
            if self.is_ready():
                return time.perf_counter() - started
            if time.perf_counter() > deadline:
                self.stop()
                raise BenchError(
                    f"the platform ({self.name}) did not report {self.num_modules} "
                    f"modules enabled on /readyz within {timeout_s:.0f} s; the end "
                    f"of {self.log_path}:\n{tail(self.log_path)}")
            time.sleep(0.001)

    def is_ready(self) -> bool:
        # Which modules run is shown to administrators only: ask with the
        # token the first start writes into the data directory.
        headers = {}
        token_file = self.data_dir / "admin-token"
        if token_file.exists():
            headers["Authorization"] = f"Bearer {token_file.read_text().strip()}"
        try:
            answer = http_request(self.port, "/readyz", headers=headers,
                                  timeout=2)
        except OSError:
            return False
        if answer.status != 200:
            return False
        try:
            body = json.loads(answer.body)
        except ValueError:
            return False
        enabled = [m for m, state in body.get("modules", {}).items()
                   if state == "enabled"]
        return body.get("status") == "ready" and len(enabled) == self.num_modules

    def stop(self, grace_s: float = 15) -> None:
        if self.process:
            stop_process(self.process, grace_s)
            self.process = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def rss_kib(self) -> int:
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise BenchError(f"no VmRSS for the platform ({self.name})")

    def hwm_kib(self) -> int:
        """The most resident memory the process has had (VmHWM)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        raise BenchError(f"no VmHWM for the platform ({self.name})")

    def admin_token(self) -> str:
        return (self.data_dir / "admin-token").read_text().strip()


# Response headers nginx does not copy from the platform: those it makes
# itself (ETag and Last-Modified for a static file among them), and those per
# connection or per request.
PER_RESPONSE_HEADERS = {"date", "server", "content-length", "content-type",
                        "connection", "keep-alive", "transfer-encoding",
                        "x-request-id", "etag", "last-modified",
                        "content-encoding", "set-cookie"}


class Nginx:
    """Debian's nginx with a config, prefix and temporary files of its own,
    serving each workload's exact response bytes as a static file with the
    same Content-Type and the same fixed headers, access log on."""

    def __init__(self, bench: "Bench"):
        self.bench = bench
        self.dir = bench.run_dir / "nginx"
        self.port = 0
        self.process: Optional[subprocess.Popen] = None
        self.bodies: dict[str, bytes] = {}

    def start(self, responses: dict[str, Answer]) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
        (self.dir / "bodies").mkdir(parents=True)
        (self.dir / "tmp").mkdir()
        self.port = free_port()
        locations = []
        for index, (path, answer) in enumerate(sorted(responses.items())):
            location = path.split("?")[0]
            body_file = self.dir / "bodies" / f"{index}.body"
            body_file.write_bytes(answer.body)
            self.bodies[path] = answer.body
            headers = dict((k.lower(), v) for k, v in answer.headers)
            # A path ending in "/" (the site's "/") would make alias look
            # for an index file in a directory; try_files serves the file.
            serve = ([f"      root {nginx_quote(str(body_file.parent))};",
                      f"      try_files /{body_file.name} =404;"]
                     if location.endswith("/") else [f"      alias {nginx_quote(str(body_file))};"])
            lines = [f"    location = {location} {{",
                     "      types { }",
                     f"      default_type {nginx_quote(headers.get('content-type', 'application/octet-stream'))};",
                     *serve,
                     "      add_header X-Request-Id $request_id;"]
            for name, value in answer.headers:
                if name.lower() in PER_RESPONSE_HEADERS or "$" in value:
                    continue
                lines.append(f"      add_header {name} {nginx_quote(value)};")
            lines.append("    }")
            locations.append("\n".join(lines))
        user = ""
        if os.geteuid() == 0:
            # Workers read the bodies from the build directory.
            user = "user root;\n"
        # Quoted: the checkout's path may hold a space.
        def q(path: pathlib.Path) -> str:
            return nginx_quote(str(path))

        config = f"""# Written by bench/bench.py for one run.
{user}worker_processes auto;
daemon off;
pid {q(self.dir / "nginx.pid")};
error_log {q(self.dir / "error.log")} warn;
events {{ worker_connections 4096; }}
http {{
  access_log {q(self.dir / "access.log")};
  client_body_temp_path {q(self.dir / "tmp" / "body")};
  proxy_temp_path {q(self.dir / "tmp" / "proxy")};
  fastcgi_temp_path {q(self.dir / "tmp" / "fastcgi")};
  uwsgi_temp_path {q(self.dir / "tmp" / "uwsgi")};
  scgi_temp_path {q(self.dir / "tmp" / "scgi")};
  sendfile on;
  tcp_nopush on;
  server_tokens off;
  # The platform keeps a connection as long as the client wants it.
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  server {{
    listen 127.0.0.1:{self.port};
{chr(10).join(locations)}
  }}
}}
"""
        config_file = self.dir / "nginx.conf"
        config_file.write_text(config)
        log = open(self.dir / "stderr.log", "ab")
        self.process = subprocess.Popen(
            ["nginx", "-e", str(self.dir / "error.log"), "-p", str(self.dir),
             "-c", str(config_file)], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                raise BenchError(
                    f"nginx exited with code {self.process.returncode}; "
                    f"{self.dir / 'error.log'}:\n{tail(self.dir / 'error.log')}"
                    f"\n{tail(self.dir / 'stderr.log')}")
            try:
                http_request(self.port, next(iter(self.bodies)), timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchError("nginx did not answer within 10 s")
                time.sleep(0.01)
        for path, body in self.bodies.items():
            answer = http_request(self.port, path)
            if answer.status != 200 or answer.body != body:
                raise BenchError(
                    f"nginx does not serve the platform's bytes for {path} "
                    f"(status {answer.status}, {len(answer.body)} bytes, "
                    f"expected {len(body)}); see {config_file}")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process:
            stop_process(self.process, grace_s=5)
            self.process = None


def nginx_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --------------------------------------------------------------------------
# PostgreSQL (R16-R18): a throwaway server of the run's own.


PG_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
# The role the nodes connect as: the database's owner with CREATEROLE, as
# docs/postgresql.md asks of a deployment (not a superuser).
PG_ROLE = "smartercities"
PG_TEMPLATE = "bench_main"
# What the server is told beyond initdb's defaults. The durability is
# SQLite's in the platform (WAL, synchronous=NORMAL): fsync on, so that a
# crash never corrupts the database, and synchronous_commit off, so that a
# commit is not flushed to disk before the answer, as SQLite's is not; a
# node that crashes loses nothing either way, a machine that loses power
# the last moment's commits (docs/performance.md, "PostgreSQL (R16-R18)").
PG_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "200",
    "fsync": "on",
    "synchronous_commit": "off",
}


def pg_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class Postgres:
    """PostgreSQL 15 from Debian with a cluster of its own: initdb into a
    directory of the run owned by the user postgres, a free port of
    127.0.0.1 and a Unix socket in that directory. stop() shuts it down and
    removes the directory (the server's log is kept in the run directory).
    Never pg_virtualenv: scripts/test's tests use that, with a fixed
    cluster name."""

    def __init__(self, bench: "Bench"):
        self.bench = bench
        self.dir = bench.run_dir / "postgres"
        self.data = self.dir / "data"
        self.log_path = bench.run_dir / "postgres.log"
        self.port = 0
        self.version = ""
        self.started = False

    def _as_owner(self, command: list) -> list:
        # The server refuses to run as root.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *map(str, command)]
        return [str(c) for c in command]

    def _run(self, what: str, command: list, timeout: float = 120,
             as_owner: bool = True) -> str:
        if as_owner:
            command = self._as_owner(command)
        try:
            done = subprocess.run([str(c) for c in command],
                                  capture_output=True, text=True,
                                  timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BenchError(f"PostgreSQL: {what} failed: {error}")
        if done.returncode != 0:
            raise BenchError(f"PostgreSQL: {what} failed ({done.returncode}): "
                             f"{(done.stderr or done.stdout).strip()[-800:]}")
        return done.stdout

    def start(self) -> None:
        if not (PG_BIN / "initdb").exists():
            raise BenchError(f"PostgreSQL: {PG_BIN / 'initdb'} is missing "
                             "(Debian's postgresql-15, which scripts/setup "
                             "installs)")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            try:
                shutil.chown(self.dir, "postgres", "postgres")
            except (LookupError, OSError) as error:
                raise BenchError(f"PostgreSQL: cannot give {self.dir} to the "
                                 f"user postgres: {error}")
            reach = subprocess.run(self._as_owner(["test", "-w", self.dir]))
            if reach.returncode != 0:
                # A checkout under a directory closed to other users (such
                # as /root): the server's directory goes to /tmp instead.
                shutil.rmtree(self.dir, ignore_errors=True)
                self.dir = pathlib.Path(tempfile.mkdtemp(
                    prefix="smartercities-bench-postgres-"))
                self.data = self.dir / "data"
                shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", [PG_BIN / "initdb", "-D", self.data, "-A", "trust",
                             "-U", "postgres", "-E", "UTF8", "--locale=C",
                             "--no-sync"])
        self.port = free_port()
        settings = dict(PG_SETTINGS, port=str(self.port),
                        unix_socket_directories=str(self.dir))
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# bench/bench.py\n")
            for name, value in settings.items():
                conf.write(f"{name} = {pg_quote(value)}\n")
        self.started = True
        self._run("pg_ctl start", [PG_BIN / "pg_ctl", "-D", self.data, "-l",
                                   self.dir / "server.log", "-w", "-t", "60",
                                   "start"], timeout=90)
        self.version = self.sql("SHOW server_version").strip()
        self.sql(f"CREATE ROLE {PG_ROLE} LOGIN CREATEROLE")

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Runs one statement with psql as the superuser; its rows as
        text, fields separated by '|'."""
        return self._run(
            f"{statement[:200]!r} on {database}",
            [PG_BIN / "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-h", self.dir, "-p", self.port, "-U", "postgres", "-d",
             database, "-c", statement],
            timeout=600, as_owner=False)

    def url(self, database: str) -> str:
        return f"postgresql://{PG_ROLE}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str = "") -> str:
        """A new database owned by the nodes' role, empty or a copy of
        template; returns its URL."""
        self.sql(f'CREATE DATABASE "{name}" OWNER {PG_ROLE}' +
                 (f' TEMPLATE "{template}"' if template else ""))
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if self.started:
            self.started = False
            with contextlib.suppress(BenchError):
                self._run("pg_ctl stop", [PG_BIN / "pg_ctl", "-D", self.data,
                                          "-m", "fast", "-w", "-t", "60",
                                          "stop"], timeout=90)
        with contextlib.suppress(OSError):
            shutil.copyfile(self.dir / "server.log", self.log_path)
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_leftover_postgres(run_dir: pathlib.Path) -> None:
    """A run killed before its end leaves its server running in a directory
    the next run removes: stop that server, by its data directory."""
    data = run_dir / "postgres" / "data"
    if (data / "postmaster.pid").exists():
        command = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                   "stop"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, capture_output=True, timeout=60)


# --------------------------------------------------------------------------
# wrk.


@dataclasses.dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: dict
    output: str

    def summary(self) -> dict:
        return {"rps": round(self.rps, 1), "p50Ms": finite(self.p50_ms),
                "p99Ms": finite(self.p99_ms), "requests": self.requests}


def finite(value: Optional[float]) -> Optional[float]:
    """For JSON, which has no infinity: None for "no answer"."""
    if value is None or math.isinf(value):
        return None
    return round(value, 3)


TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_duration_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise BenchError(f"wrk printed a time this script cannot read: {text!r}")
    return float(match.group(1)) * TIME_UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    def find(pattern: str, default: Optional[str] = None) -> str:
        match = re.search(pattern, output)
        if match:
            return match.group(1)
        if default is None:
            raise BenchError(f"wrk's output has no {pattern!r}:\n{output}")
        return default

    errors = {}
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                      r"timeout (\d+)", output)
    if match:
        errors = dict(zip(("connect", "read", "write", "timeout"),
                          map(int, match.groups())))
    return WrkResult(
        rps=float(find(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=parse_duration_ms(find(r"\n\s+50%\s+(\S+)")),
        p99_ms=parse_duration_ms(find(r"\n\s+99%\s+(\S+)")),
        requests=int(find(r"(\d+) requests in")),
        non_2xx=int(find(r"Non-2xx or 3xx responses: (\d+)", "0")),
        socket_errors=errors,
        output=output)


def wrk_command(url: str, seconds: float, connections: int, threads: int = 2,
                script: Optional[str] = None, script_args: tuple = (),
                timeout_s: int = 30) -> list:
    command = ["wrk", f"-t{threads}", f"-c{connections}",
               f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s}s",
               "--latency"]
    if script:
        command += ["-s", str(LUA_DIR / script)]
    command.append(url)
    if script_args:
        command += ["--", *map(str, script_args)]
    return command


def run_wrk(label: str, url: str, seconds: float, connections: int = 64,
            threads: int = 2, script: Optional[str] = None,
            script_args: tuple = (), may_get_no_answer: bool = False) -> WrkResult:
    """One wrk run; a BenchError when an answer was not 2xx or a connection
    could not be made. Under R8's load the server may answer nothing within
    the run: with may_get_no_answer that is a figure (0 req/s, p99 infinite),
    not an error."""
    command = wrk_command(url, seconds, connections, threads, script, script_args)
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=seconds + 60)
    return wrk_outcome(label, url, done.returncode, done.stdout, done.stderr,
                       script, may_get_no_answer)


def run_wrk_together(runs: list, seconds: float) -> list:
    """Several wrk runs at the same time (R18: one per node), each given as
    (label, url, connections, threads, script, script_args); their results
    in the same order, each checked as run_wrk checks one."""
    processes = []
    try:
        for label, url, connections, threads, script, script_args in runs:
            command = wrk_command(url, seconds, connections, threads, script,
                                  script_args)
            processes.append(subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True))
        outputs = [p.communicate(timeout=seconds + 60) for p in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return [wrk_outcome(run[0], run[1], process.returncode, out, err, run[4])
            for run, process, (out, err) in zip(runs, processes, outputs)]


def wrk_outcome(label: str, url: str, returncode: int, stdout: str,
                stderr: str, script: Optional[str] = None,
                may_get_no_answer: bool = False) -> WrkResult:
    if returncode != 0:
        raise BenchError(f"{label}: wrk failed ({returncode}): "
                         f"{stderr.strip() or stdout.strip()}")
    result = parse_wrk(stdout)
    if result.requests == 0:
        if not may_get_no_answer:
            raise BenchError(f"{label}: no request was answered ({url})")
        result.rps, result.p50_ms, result.p99_ms = 0.0, math.inf, math.inf
    if result.socket_errors.get("connect", 0):
        raise BenchError(f"{label}: {result.socket_errors['connect']} "
                         f"connections to {url} failed")
    if result.non_2xx:
        raise BenchError(f"{label}: {result.non_2xx} of {result.requests} "
                         f"answers from {url} were not 2xx{sample_answer(url, script)}")
    return result


def sample_answer(url: str, script: Optional[str]) -> str:
    """What one GET of url answers now, for an error message."""
    if script:
        return ""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        answer = http_request(parts.port, path, timeout=5)
    except OSError as error:
        return f" (a single GET now fails: {error})"
    body = " ".join(answer.body[:300].decode(errors="replace").split())
    return f" (a single GET now answers {answer.status}: {body})"


class Loader:
    """Background load for R8: wrk for as long as it is needed."""

    def __init__(self, label: str, url: str, connections: int,
                 script: Optional[str] = None, timeout_s: int = 60):
        self.label = label
        self.command = wrk_command(url, 3600, connections, threads=1,
                                   script=script, timeout_s=timeout_s)
        self.process: Optional[subprocess.Popen] = None
        self.result: Optional[WrkResult] = None

    def start(self) -> "Loader":
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        return self

    def stop(self) -> str:
        """Stops wrk (SIGINT makes it print its summary); returns a line
        about what the load got back."""
        if not self.process:
            return ""
        self.process.send_signal(signal.SIGINT)
        try:
            output, _ = self.process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            output, _ = self.process.communicate()
        self.process = None
        try:
            self.result = parse_wrk(output)
        except BenchError:
            return f"{self.label}: wrk printed no summary"
        r = self.result
        if r.requests == 0:
            return f"{self.label}: no answer while it ran"
        return (f"{self.label}: {r.requests} answers in {r.requests / r.rps:.0f} s "
                f"({r.non_2xx} not 2xx), p50 {r.p50_ms:.0f} ms, p99 {r.p99_ms:.0f} ms")


# --------------------------------------------------------------------------
# Data: a data directory made by the real executable, plus generated figures.


def fill_figures(db_path: pathlib.Path, total_figures: int) -> None:
    """Puts 40 cities x 60 months of figures on FIGURES_INDICATOR and fills
    the other city-scoped indicators up to total_figures rows in
    `measurements`. Rows are generated in the order of the table's unique
    index, so SQLite appends instead of splitting pages."""
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")
        db.execute("BEGIN")
        cities = [r[0] for r in db.execute(
            "SELECT cbs_code FROM cities ORDER BY cbs_code")]
        if len(cities) < FIGURES_CITIES:
            raise BenchError(f"the database has {len(cities)} cities; R4 needs "
                             f"{FIGURES_CITIES}")
        db.execute("DELETE FROM measurements WHERE indicator_id = ?",
                   (FIGURES_INDICATOR,))
        rows = []
        for city in cities[:FIGURES_CITIES]:
            for month in range(FIGURES_MONTHS):
                period = f"{FIGURES_FIRST_YEAR + month // 12:04d}-{month % 12 + 1:02d}"
                value = (len(rows) * 37 % 1000) / 10
                rows.append((FIGURES_INDICATOR, city, period, value, "benchmark",
                             GENERATED_AT))
        db.executemany(
            "INSERT INTO measurements (indicator_id, city, period, value, "
            "source, is_demo, recorded_at, recorded_by) VALUES "
            "(?, ?, ?, ?, ?, 0, ?, 'cli')", rows)

        excluded = (FIGURES_INDICATOR, *WRITE_INDICATORS)
        db.execute("CREATE TEMP TABLE fill_indicators (n INTEGER PRIMARY KEY, "
                   "id TEXT, kind TEXT)")
        db.execute(
            "INSERT INTO fill_indicators (n, id, kind) SELECT "
            "row_number() OVER (ORDER BY id) - 1, id, kind FROM indicators "
            "WHERE scope = 'city' AND cities = '[]' AND retired_at IS NULL "
            f"AND id NOT IN ({','.join('?' * len(excluded))})", excluded)
        db.execute("CREATE TEMP TABLE fill_cities (n INTEGER PRIMARY KEY, "
                   "cbs_code TEXT)")
        db.executemany("INSERT INTO fill_cities VALUES (?, ?)",
                       list(enumerate(cities)))
        num_indicators = db.execute(
            "SELECT COUNT(*) FROM fill_indicators").fetchone()[0]
        db.execute("DELETE FROM measurements WHERE indicator_id IN "
                   "(SELECT id FROM fill_indicators)")
        present = db.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
        remaining = total_figures - present
        if remaining < 0:
            raise BenchError(f"the data set already has {present} figures, more "
                             f"than the {total_figures} asked for")
        # Months per (indicator, city) series; the series end in 2012-12 (the
        # covenant's sample starts in 2013) and reach back as far as the
        # count needs; past the year 1000 (the table's lower bound) they run
        # forward from there instead.
        months = max(1, math.ceil(remaining / (num_indicators * len(cities))))
        if months > 2000 * 12:
            raise BenchError(f"{total_figures} figures do not fit {num_indicators} "
                             f"indicators x {len(cities)} cities x 2000 years")
        first_month = max(1000 * 12, 2012 * 12 + 11 - (months - 1))
        db.execute(
            """WITH RECURSIVE seq(k) AS (
                 SELECT 0 UNION ALL SELECT k + 1 FROM seq WHERE k + 1 < :remaining)
               INSERT INTO measurements (indicator_id, city, period, value,
                                         source, is_demo, recorded_at, recorded_by)
               SELECT i.id, c.cbs_code,
                      printf('%04d-%02d', (:first + k % :months) / 12,
                             (:first + k % :months) % 12 + 1),
                      CASE WHEN i.kind = 'milestone' THEN k % 2
                           ELSE (k % 1000) / 10.0 END,
                      'benchmark', 0, :at, 'cli'
               FROM seq
               JOIN fill_indicators i ON i.n = k / (:months * :cities)
               JOIN fill_cities c ON c.n = (k / :months) % :cities""",
            {"remaining": remaining, "first": first_month, "months": months,
             "cities": len(cities), "at": GENERATED_AT})
        count = db.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]
        if count != total_figures:
            raise BenchError(f"generated {count} figures instead of {total_figures}")
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def prepare_data_dir(bench: "Bench", name: str, total_figures: int) -> pathlib.Path:
    """A data directory with the demo sample and total_figures figures, kept
    under the build directory and made again only when missing or stale."""
    path = bench.data_root / f"{bench.mode.name}-{name}"
    marker = path / "bench-data.json"
    wanted = {"figures": total_figures, "version": DATA_VERSION}
    try:
        if json.loads(marker.read_text()) == wanted:
            return path
    except (OSError, ValueError):
        pass
    started = time.monotonic()
    print(f"bench: preparing the data set '{bench.mode.name}-{name}' "
          f"({total_figures:,} figures) in {path}", flush=True)
    building = path.with_name(path.name + ".building")
    shutil.rmtree(building, ignore_errors=True)
    shutil.rmtree(path, ignore_errors=True)
    building.mkdir(parents=True)
    done = subprocess.run(
        [str(bench.executable), "demo", "load", "--data-dir", str(building)],
        capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"smartercities demo load failed ({done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
    fill_figures(building / "smartercities.db", total_figures)
    # The first start creates the administrator token (R7 posts with it), so
    # every later start is one on existing data.
    first = Platform(bench, f"first-start-{name}", building)
    first.start(timeout_s=300)
    first.stop()
    if not (building / "admin-token").exists():
        raise BenchError(f"the first start left no admin-token in {building}")
    marker_tmp = building / "bench-data.json"
    marker_tmp.write_text(json.dumps(wanted) + "\n")
    building.rename(path)
    print(f"bench: data set ready in {time.monotonic() - started:.0f} s", flush=True)
    return path


# --------------------------------------------------------------------------
# The run's shared state.


class Bench:
    def __init__(self, args: argparse.Namespace, mode: Mode):
        self.args = args
        self.mode = mode
        self.build_dir = pathlib.Path(args.build_dir).resolve()
        self.executable = self.build_dir / "bin" / "smartercities"
        self.sqlite_writer = self.build_dir / "bin" / "smartercities_bench_sqlite_writes"
        self.data_root = self.build_dir / "bench-data"
        self.run_dir = self.build_dir / "bench-run"
        stop_leftover_postgres(self.run_dir)
        shutil.rmtree(self.run_dir, ignore_errors=True)
        self.run_dir.mkdir(parents=True)
        self.rounds = args.rounds or mode.rounds
        self.seconds = args.seconds or mode.seconds
        self.notes: list[str] = []
        # Other work on the machine moves the figures; the table says so.
        self.load_average = os.getloadavg()
        self._main: Optional[Platform] = None
        self._main_error: Optional[BenchError] = None
        self._nginx: Optional[Nginx] = None
        self._postgres: Optional[Postgres] = None
        self._postgres_error: Optional[BenchError] = None
        self._servers: list = []

    def main_data(self) -> pathlib.Path:
        return prepare_data_dir(self, "main", self.mode.main_figures)

    def main_platform(self) -> Platform:
        """The platform on the main data set, started once per run."""
        if self._main_error:
            raise self._main_error
        if not self._main:
            try:
                platform = Platform(self, "main", self.main_data())
                platform.start()
            except BenchError as error:
                self._main_error = error
                raise
            self._main = self.track(platform)
        return self._main

    def nginx(self) -> Nginx:
        """nginx on the bytes of every GET workload, fetched from the
        platform; started once per run."""
        if not self._nginx:
            main = self.main_platform()
            responses = {}
            for workload in GET_WORKLOADS:
                answer = http_request(main.port, workload.path)
                if answer.status != 200:
                    raise BenchError(
                        f"{workload.id} {workload.name}: GET {workload.path} "
                        f"answered {answer.status}: {answer.body[:300]!r}")
                responses[workload.path] = answer
            nginx = Nginx(self)
            self.track(nginx)
            nginx.start(responses)
            self._nginx = nginx
        return self._nginx

    def postgres(self) -> Postgres:
        """The run's PostgreSQL server with PG_TEMPLATE, a database holding
        the main data set copied by `smartercities migrate-to`; started
        once per run, stopped and removed by close()."""
        if self._postgres_error:
            raise self._postgres_error
        if not self._postgres:
            try:
                server = self.track(Postgres(self))
                server.start()
                source = copy_data_dir(self.main_data(),
                                       self.run_dir / "pg-source")
                server.create_database(PG_TEMPLATE)
                started = time.perf_counter()
                done = subprocess.run(
                    [str(self.executable), "migrate-to",
                     server.url(PG_TEMPLATE), "--data-dir", str(source)],
                    capture_output=True, text=True, timeout=1800)
                if done.returncode != 0:
                    raise BenchError(
                        f"smartercities migrate-to failed ({done.returncode}): "
                        f"{(done.stderr or done.stdout).strip()[-800:]}")
                copied = (done.stdout.strip().splitlines() or [""])[-1]
                self.notes.append(
                    f"R16-R18: PostgreSQL {server.version.split()[0]} of the "
                    f"run's own (fsync {PG_SETTINGS['fsync']}, "
                    f"synchronous_commit {PG_SETTINGS['synchronous_commit']}); "
                    f"migrate-to copied the main data set into it in "
                    f"{time.perf_counter() - started:.1f} s ({copied})")
            except BenchError as error:
                self._postgres_error = error
                raise
            self._postgres = server
        return self._postgres

    def postgres_node_dir(self, name: str) -> pathlib.Path:
        """A node's own data directory for a database copied from the main
        data set: its files but the SQLite database, so that the
        administrator token of the copy is the one the node reads."""
        self.postgres()
        target = self.run_dir / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.run_dir / "pg-source", target,
                        ignore=shutil.ignore_patterns("smartercities.db*",
                                                      "smartercities.lock"))
        return target

    def track(self, server):
        self._servers.append(server)
        return server

    def close(self) -> None:
        for server in reversed(self._servers):
            server.stop()
        self._servers.clear()


# --------------------------------------------------------------------------
# Measuring.


def warm_up(bench: Bench, urls: list, connections: int = 64) -> None:
    if bench.mode.warmup_seconds:
        for url in urls:
            run_wrk("warm-up", url, bench.mode.warmup_seconds, connections)


def alternate(bench: Bench, sides: list) -> list:
    """Runs each side's measurement once per round, the order turned around
    every other round; returns per side the list of its rounds' results."""
    results = [[] for _ in sides]
    for index in range(bench.rounds):
        order = list(range(len(sides)))
        if index % 2:
            order.reverse()
        for side in order:
            results[side].append(sides[side]())
    return results


def median(values: list) -> float:
    return statistics.median(values)


def compare_get(bench: Bench, workload: "GetWorkload") -> Row:
    """A GET workload on the platform and on nginx serving the same bytes."""
    main = bench.main_platform()
    nginx = bench.nginx()
    label = f"{workload.id} {workload.name}"
    platform_url, nginx_url = main.url(workload.path), nginx.url(workload.path)
    warm_up(bench, [platform_url, nginx_url])
    platform_runs, nginx_runs = alternate(bench, [
        lambda: run_wrk(label, platform_url, bench.seconds),
        lambda: run_wrk(label + " (nginx)", nginx_url, bench.seconds)])
    row = Row(workload.id + ("" if workload.name == "" else f" {workload.name}"),
              f"GET {workload.path}, c=64", workload.id,
              bytes=len(nginx.bodies[workload.path]), baseline="nginx")
    fill_rates(row, platform_runs, nginx_runs)
    return row.judge()


def fill_rates(row: Row, platform_runs: list, baseline_runs: list) -> None:
    row.rps = median([r.rps for r in platform_runs])
    row.p99_ms = median([r.p99_ms for r in platform_runs])
    row.baseline_rps = median([r.rps for r in baseline_runs])
    row.baseline_p99_ms = median([r.p99_ms for r in baseline_runs])
    row.ratio = row.rps / row.baseline_rps if row.baseline_rps else None
    if row.ratio is not None and row.rps == 0:
        row.ratio = 0.0
    row.rounds = [{"platform": p.summary(), "baseline": b.summary()}
                  for p, b in zip(platform_runs, baseline_runs)]


# --------------------------------------------------------------------------
# The workloads, one function each.


@dataclasses.dataclass(frozen=True)
class GetWorkload:
    id: str
    name: str
    path: str


GET_WORKLOADS = [
    GetWorkload("R1", "themes", "/api/v1/themes"),
    GetWorkload("R2", "healthz", "/healthz"),
    GetWorkload("R3", "agreements", "/api/v1/themes/regelluwe-stad/agreements"),
    GetWorkload("R3", "indicator", f"/api/v1/indicators/{FIGURES_INDICATOR}"),
    GetWorkload("R3", "cities", "/api/v1/cities"),
    GetWorkload("R3", "openapi", "/api/v1/openapi.json"),
    GetWorkload("R4", "figures",
                f"/api/v1/indicators/{FIGURES_INDICATOR}/measurements?pageSize=500"),
    GetWorkload("R5", "plugin route", "/api/v1/themes/groene-stad/data-centres"),
    # The web site's pages: HTML rendered from templates, then cached.
    GetWorkload("R11", "dashboard page", "/"),
    GetWorkload("R11", "indicator page", f"/indicatoren/{FIGURES_INDICATOR}"),
]
R1_PATH = GET_WORKLOADS[0].path
R2_PATH = GET_WORKLOADS[1].path
R4_PATH = GET_WORKLOADS[6].path


def get_workloads(workload_id: str) -> list:
    return [w for w in GET_WORKLOADS if w.id == workload_id]


def r1_themes(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R1")]


def r2_healthz(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R2")]


def r3_core_reads(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R3")]


def r4_figures(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R4")]


def r11_web_pages(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R11")]


def r5_plugin_route(bench: Bench) -> list:
    return [compare_get(bench, w) for w in get_workloads("R5")]


def r6_large_database(bench: Bench) -> list:
    """R4's request on a database with large_figures figures against the
    main one (main_figures), both running, alternating."""
    main = bench.main_platform()
    large = bench.track(Platform(
        bench, "large", prepare_data_dir(bench, "large", bench.mode.large_figures)))
    try:
        large.start()
        small_body = http_request(main.port, R4_PATH)
        large_body = http_request(large.port, R4_PATH)
        if large_body.status != 200 or large_body.body != small_body.body:
            raise BenchError(f"R6: GET {R4_PATH} answers differently on the large "
                             f"database (status {large_body.status})")
        label = "R6"
        warm_up(bench, [large.url(R4_PATH), main.url(R4_PATH)])
        large_runs, main_runs = alternate(bench, [
            lambda: run_wrk(label + " (large)", large.url(R4_PATH), bench.seconds),
            lambda: run_wrk(label + " (main)", main.url(R4_PATH), bench.seconds)])
    finally:
        large.stop()
    row = Row(f"R6 figures, {short_count(bench.mode.large_figures)} in the db",
              f"R4 with {bench.mode.large_figures:,} figures, c=64", "R6",
              bytes=len(small_body.body),
              baseline=f"the same, {short_count(bench.mode.main_figures)} in the db")
    fill_rates(row, large_runs, main_runs)
    row.ratio = row.p99_ms / row.baseline_p99_ms if row.baseline_p99_ms else None
    return [row.judge()]


def r7_writes(bench: Bench) -> list:
    """POST …/measurements at c=16 (each with its audit row) against a plain
    SQLite loop writing the same rows, each side on a fresh copy of the main
    data set in every round."""
    main_data = bench.main_data()
    sequence = write_sequence(bench)

    def platform_round() -> WrkResult:
        return sqlite_write_round(bench, "r7", sequence)

    def sqlite_round() -> WrkResult:
        data = copy_data_dir(main_data, bench.run_dir / "r7-sqlite-data")
        done = subprocess.run(
            [str(bench.sqlite_writer), "--db", str(data / "smartercities.db"),
             "--seconds", str(bench.seconds), "--indicators", sequence[0],
             "--cities", sequence[1], "--last-period", sequence[2],
             "--months", str(sequence[3])], capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"R7: the SQLite loop failed: {done.stderr.strip()}")
        figures = json.loads(done.stdout)
        return WrkResult(figures["rowsPerSecond"], figures["p50Ms"],
                         figures["p99Ms"], figures["rows"], 0, {}, done.stdout)

    platform_runs, sqlite_runs = alternate(bench, [platform_round, sqlite_round])
    row = Row("R7 POST figures", "POST …/measurements + audit row, c=16", "R7",
              baseline="SQLite loop")
    fill_rates(row, platform_runs, sqlite_runs)
    return [row.judge()]


def r8_under_load(bench: Bench) -> list:
    """R1 and R2 unloaded, then while 200 clients send wrong passwords, while
    50 clients hold a plugin route that hangs, and while both happen; on a
    platform of its own with the fixture plugin that has the hanging route."""
    data = copy_data_dir(bench.main_data(), bench.run_dir / "r8-data")
    plugin_dir = bench.run_dir / "r8-plugins"
    shutil.rmtree(plugin_dir, ignore_errors=True)
    plugin_dir.mkdir()
    plugin_files = [*(bench.build_dir / "plugins").glob("lib*.so*"),
                    *(bench.build_dir / "test-plugins").glob("libfixture_good.so*")]
    for path in plugin_files:
        shutil.copy2(path, plugin_dir / path.name)
    platform = bench.track(Platform(bench, "r8", data, plugin_dir, num_modules=10))
    platform.start()
    hang_path = "/api/v1/themes/test-good/slow"
    hang_url = platform.url(f"{hang_path}?ms={HANG_MS}")
    flood_url = platform.url("/api/v1/sessions")

    def measure(label: str) -> tuple:
        print(f"bench: R8 {label}", flush=True)
        themes, healthz = [], []
        for _ in range(bench.rounds):
            themes.append(run_wrk(f"R8 themes {label}", platform.url(R1_PATH),
                                  bench.seconds, may_get_no_answer=True))
            healthz.append(run_wrk(f"R8 healthz {label}", platform.url(R2_PATH),
                                   bench.seconds, may_get_no_answer=True))
        return themes, healthz

    loaders = []
    try:
        probe = http_request(platform.port, f"{hang_path}?ms=1")
        if probe.status != 200:
            raise BenchError(f"R8: the fixture's route {hang_path} answered "
                             f"{probe.status}: {probe.body[:200]!r}")
        warm_up(bench, [platform.url(R1_PATH), platform.url(R2_PATH)])
        unloaded = measure("unloaded")
        flood = Loader("login flood", flood_url, 200, "login_flood.lua").start()
        loaders.append(flood)
        time.sleep(1)
        flooded = measure("during the login flood")
        bench.notes.append("R8 " + flood.stop())
        wait_until_quiet(platform)
        hang = Loader("hanging plugin", hang_url, 50, timeout_s=60).start()
        loaders.append(hang)
        time.sleep(1)
        hanging = measure("while the plugin hangs")
        flood = Loader("login flood", flood_url, 200, "login_flood.lua").start()
        loaders.append(flood)
        time.sleep(1)
        both = measure("during both")
        bench.notes.append("R8 both: " + flood.stop())
        bench.notes.append("R8 " + hang.stop())
    finally:
        for loader in loaders:
            loader.stop()
        # Handlers still asleep in the fixture would hold a graceful stop
        # for their full time; this copy of the data is thrown away anyway.
        platform.stop(grace_s=2)

    rows = []
    for scenario, (themes, healthz) in (("login flood", flooded),
                                        ("hanging plugin", hanging),
                                        ("both", both)):
        for name, runs, base, goal in (("themes", themes, unloaded[0], "R8"),
                                       ("healthz", healthz, unloaded[1], "R8 healthz")):
            row = Row(f"R8 {name}, {scenario}",
                      f"GET {R1_PATH if name == 'themes' else R2_PATH} during "
                      f"{scenario}", goal, baseline="the same, unloaded")
            fill_rates(row, runs, base)
            rows.append(row.judge())
    return rows


def wait_until_quiet(platform: Platform, timeout_s: float = 60) -> None:
    """Until /healthz answers within 50 ms twice in a row: the work a load
    left queued is done."""
    deadline = time.monotonic() + timeout_s
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        try:
            http_request(platform.port, R2_PATH, timeout=timeout_s)
            quick = quick + 1 if time.monotonic() - started < 0.05 else 0
        except OSError:
            quick = 0
        time.sleep(0.1)


def r9_startup(bench: Bench) -> list:
    """From exec to /readyz with nine modules enabled, on existing data."""
    data = copy_data_dir(bench.main_data(), bench.run_dir / "r9-data")
    platform = bench.track(Platform(bench, "r9", data))
    platform.start()  # the first start on the copy; not counted
    platform.stop()
    times_ms = []
    for _ in range(bench.mode.startups):
        times_ms.append(platform.start() * 1000)
        platform.stop()
    row = Row("R9 start to ready", "start to /readyz, nine plugins, existing data", "R9",
              value=median(times_ms), unit="ms",
              baseline=f"median of {len(times_ms)} starts")
    row.rounds = [{"ms": round(t, 1)} for t in times_ms]
    return [row.judge()]


def r10_memory(bench: Bench) -> list:
    """VmRSS of a fresh platform, idle and at the most during R1's load."""
    data = copy_data_dir(bench.main_data(), bench.run_dir / "r10-data")
    platform = bench.track(Platform(bench, "r10", data))
    platform.start()
    try:
        time.sleep(1)
        idle_kib = platform.rss_kib()
        samples = [idle_kib]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(platform.rss_kib())
                stop.wait(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            run_wrk("R10 (R1's load)", platform.url(R1_PATH), bench.seconds)
        finally:
            stop.set()
            sampler.join()
        samples.append(platform.rss_kib())
    finally:
        platform.stop()
    return [
        Row("R10 memory, idle", "resident memory, nine plugins, idle", "R10 idle",
            value=idle_kib / 1024, unit="MiB", baseline="VmRSS").judge(),
        Row("R10 memory, R1 load", "resident memory, at most during R1", "R10 load",
            value=max(samples) / 1024, unit="MiB", baseline="VmRSS").judge(),
    ]


def month_text(month: int) -> str:
    """A month counted from the year 0 as YYYY-MM."""
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def write_import_file(bench: Bench, db_path: pathlib.Path,
                      path: pathlib.Path) -> tuple:
    """R12's CSV file of import_figures figures, in the order of the unique
    index on measurements (the order in which sqlite3 inserts fastest);
    returns the number of rows and the last month it holds."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        indicators = db.execute(
            "SELECT id, kind FROM indicators WHERE scope = 'city' AND "
            "cities = '[]' AND retired_at IS NULL ORDER BY id").fetchall()
        cities = [r[0] for r in db.execute(
            "SELECT cbs_code FROM cities ORDER BY cbs_code")]
    total = bench.mode.import_figures
    months = math.ceil(total / (len(indicators) * len(cities)))
    lines = ["indicator,city,period,value,source\n"]
    for indicator, kind in indicators:
        for city in cities:
            for month in range(months):
                k = len(lines) - 1
                if k == total:
                    break
                value = str(k % 2) if kind == "milestone" else \
                    f"{k % 1000 / 10:g}"
                lines.append(f"{indicator},{city},"
                             f"{month_text(IMPORT_FIRST_MONTH + month)},"
                             f"{value},{IMPORT_SOURCE}\n")
    if len(lines) - 1 != total:
        raise BenchError(f"R12: could write only {len(lines) - 1} of "
                         f"{total} figures")
    path.write_text("".join(lines))
    return total, month_text(IMPORT_FIRST_MONTH + months - 1)


def count_figures(db_path: pathlib.Path) -> int:
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        return db.execute("SELECT COUNT(*) FROM measurements").fetchone()[0]


# sqlite3's side of R12: the file into a table of its columns with .import,
# then into measurements with the values the platform gives the columns the
# file does not have; one transaction, with the platform's settings. The
# file's column order is the documented one, so the table takes it as is.
SQLITE_IMPORT_SCRIPT = """\
PRAGMA foreign_keys=ON;
PRAGMA synchronous=NORMAL;
BEGIN;
CREATE TEMP TABLE figures_csv (indicator TEXT, city TEXT, period TEXT,
                               value REAL, source TEXT);
.mode csv
.import --skip 1 {file} figures_csv
INSERT INTO measurements (indicator_id, city, period, value, source,
                          is_demo, recorded_at, recorded_by)
  SELECT indicator, NULLIF(city, ''), period, value, NULLIF(source, ''), 0,
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'sqlite3'
  FROM figures_csv;
COMMIT;
"""


def r12_import(bench: Bench) -> list:
    """A CSV file of import_figures figures imported through the API
    (POST /api/v1/measurements/import as the administrator, the way a city
    sends a large file) against sqlite3's .import of the same file into the
    same table; each side on a fresh copy of the main data set in every
    round, the figures counted in the database after each."""
    main_data = bench.main_data()
    csv_path = bench.run_dir / "r12-figures.csv"
    total, last_month = write_import_file(bench, main_data / "smartercities.db",
                                          csv_path)
    body = csv_path.read_bytes()
    with contextlib.closing(sqlite3.connect(main_data / "smartercities.db")) as db:
        present = db.execute("SELECT COUNT(*) FROM measurements WHERE period "
                             "<= ?", (last_month,)).fetchone()[0]
    if present:
        raise BenchError(f"R12: the main data set holds {present} figures up "
                         f"to {last_month}, which the import file would "
                         f"replace; it must hold none")

    def check_count(side: str, data: pathlib.Path, before: int) -> None:
        added = count_figures(data / "smartercities.db") - before
        if added != total:
            raise BenchError(f"R12 ({side}): the database holds {added:,} new "
                             f"figures after importing {total:,}")

    def platform_round() -> float:
        data = copy_data_dir(main_data, bench.run_dir / "r12-platform-data")
        before = count_figures(data / "smartercities.db")
        platform = bench.track(Platform(bench, "r12", data))
        try:
            platform.start()
            started = time.perf_counter()
            answer = http_request(
                platform.port, "/api/v1/measurements/import", "POST", body,
                {"Content-Type": "text/csv",
                 "Authorization": f"Bearer {platform.admin_token()}"},
                timeout=600)
            seconds = time.perf_counter() - started
        finally:
            platform.stop()
        if answer.status != 200:
            raise BenchError(
                f"R12: POST /api/v1/measurements/import of {len(body):,} bytes "
                f"({total:,} figures) answered {answer.status}: "
                f"{' '.join(answer.body[:500].decode(errors='replace').split())}")
        report = json.loads(answer.body)
        if report.get("inserted") != total or not report.get("stored"):
            raise BenchError(f"R12: the import stored {report.get('inserted')} "
                             f"new figures of {total:,}: {report}")
        check_count("platform", data, before)
        return seconds

    def sqlite_round() -> float:
        data = copy_data_dir(main_data, bench.run_dir / "r12-sqlite-data")
        before = count_figures(data / "smartercities.db")
        script = SQLITE_IMPORT_SCRIPT.format(file=csv_path.name)
        started = time.perf_counter()
        # From the file's folder: .import is given the bare name, which
        # needs no quoting whatever the checkout's path holds.
        done = subprocess.run(
            ["sqlite3", "-bail", str(data / "smartercities.db")], input=script,
            capture_output=True, text=True, cwd=csv_path.parent)
        seconds = time.perf_counter() - started
        if done.returncode != 0 or done.stderr.strip():
            raise BenchError(f"R12: sqlite3's .import failed ({done.returncode}): "
                             f"{done.stderr.strip()[:500]}")
        check_count("sqlite3", data, before)
        return seconds

    platform_runs, sqlite_runs = alternate(bench, [platform_round, sqlite_round])
    platform_s, sqlite_s = median(platform_runs), median(sqlite_runs)
    row = Row(f"R12 import {short_count(total)} figures",
              f"POST /api/v1/measurements/import, text/csv, {total:,} figures",
              "R12", bytes=len(body), rps=total / platform_s,
              baseline="sqlite3 .import", baseline_rps=total / sqlite_s,
              ratio=sqlite_s / platform_s)
    row.rounds = [{"platformSeconds": round(p, 3), "baselineSeconds": round(b, 3)}
                  for p, b in zip(platform_runs, sqlite_runs)]
    bench.notes.append(f"R12: {total:,} figures in {platform_s:.2f} s through "
                       f"the API, {sqlite_s:.2f} s with sqlite3 .import "
                       f"(medians; the column holds figures per second)")
    return [row.judge()]


# R14: what sqlite3 writes for the figures of all.zip, the same rows in the
# same order (the unique index's).
SQLITE_FIGURES_CSV = (
    "SELECT indicator_id AS indicator, city, period, value, source "
    "FROM measurements ORDER BY indicator_id, COALESCE(city, ''), period;")


def download(port: int, path: str, timeout: float = 3600) -> tuple:
    """GETs path and reads the body in pieces, keeping none of it; returns
    the status and the number of bytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        size = 0
        while True:
            piece = response.read(1 << 20)
            if not piece:
                break
            size += len(piece)
        return response.status, size
    finally:
        connection.close()


def r14_bulk_download(bench: Bench) -> list:
    """GET /api/v1/exports/all.zip (every dataset as CSV with its CSVW
    metadata, deflated) on the large data set, the platform started anew in
    every round so that the archive is written, not taken from the file
    kept for the last version; against sqlite3 -csv writing the same figures
    from the same file to a file. The server's peak resident memory
    (VmHWM) after the download is the second row."""
    data = prepare_data_dir(bench, "large", bench.mode.large_figures)
    db_path = data / "smartercities.db"
    total = count_figures(db_path)
    out_path = bench.run_dir / "r14-figures.csv"
    peaks = []
    sizes = []

    def platform_round() -> float:
        platform = bench.track(Platform(bench, "r14", data))
        try:
            platform.start(timeout_s=300)
            started = time.perf_counter()
            status, size = download(platform.port, "/api/v1/exports/all.zip")
            seconds = time.perf_counter() - started
            peaks.append(platform.hwm_kib())
        finally:
            platform.stop()
        if status != 200:
            raise BenchError(f"R14: GET /api/v1/exports/all.zip answered {status}")
        sizes.append(size)
        return seconds

    def sqlite_round() -> float:
        started = time.perf_counter()
        with open(out_path, "wb") as out:
            done = subprocess.run(
                ["sqlite3", "-csv", "-header", "-readonly", str(db_path),
                 SQLITE_FIGURES_CSV], stdout=out, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise BenchError(f"R14: sqlite3 -csv failed ({done.returncode}): "
                             f"{done.stderr.decode(errors='replace')[:500]}")
        return seconds

    platform_runs, sqlite_runs = alternate(bench, [platform_round, sqlite_round])
    platform_s, sqlite_s = median(platform_runs), median(sqlite_runs)
    out_path.unlink(missing_ok=True)
    row = Row(f"R14 all.zip, {short_count(total)} figures",
              f"GET /api/v1/exports/all.zip, {total:,} figures, written anew",
              "R14", bytes=max(sizes), rps=total / platform_s,
              baseline="sqlite3 -csv of the figures",
              baseline_rps=total / sqlite_s, ratio=sqlite_s / platform_s)
    row.rounds = [{"platformSeconds": round(p, 3), "baselineSeconds": round(b, 3)}
                  for p, b in zip(platform_runs, sqlite_runs)]
    bench.notes.append(f"R14: all.zip ({max(sizes):,} bytes) with {total:,} "
                       f"figures in {platform_s:.2f} s, sqlite3 -csv of the "
                       f"figures alone in {sqlite_s:.2f} s (medians; the "
                       f"column holds figures per second)")
    memory = Row("R14 memory, all.zip", "the server's peak resident memory "
                 "(VmHWM) after the download", "R14 memory",
                 value=max(peaks) / 1024, unit="MiB", baseline="VmHWM")
    return [row.judge(), memory.judge()]


def write_report_figures(db_path: pathlib.Path) -> int:
    """Replaces every figure up to REPORT_PERIOD's last month by
    REPORT_MONTHS months of each indicator, with trends that differ per
    city, so that the report has every status to show; returns how many."""
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("BEGIN")
        cities = [r[0] for r in db.execute(
            "SELECT cbs_code FROM cities ORDER BY cbs_code")][:REPORT_CITIES]
        indicators = db.execute(
            "SELECT id, kind, unit, scope, cities, target FROM indicators "
            "WHERE retired_at IS NULL ORDER BY id").fetchall()
        last = month_text(REPORT_FIRST_MONTH + REPORT_MONTHS - 1)
        db.execute("DELETE FROM measurements WHERE period <= ?", (last,))
        rows = []
        for n, (indicator, kind, unit, scope, own_cities, target) in \
                enumerate(indicators):
            series = [None] if scope == "network" else \
                (json.loads(own_cities) or cities)
            for c, city in enumerate(series):
                # From 0.4 to 1.3 times the pace the target needs; a
                # milestone done in a month of its own, or later.
                pace = 0.4 + (n * 7 + c * 13) % 10 / 10
                done_month = (n * 5 + c * 3) % (REPORT_MONTHS + 6)
                for month in range(REPORT_MONTHS):
                    if kind == "milestone":
                        value = 1.0 if month >= done_month else 0.0
                    else:
                        value = round(target * pace * (month + 1) /
                                      REPORT_MONTHS, 1)
                        if unit == "percent":
                            value = min(value, 100.0)
                    rows.append((indicator, city,
                                 month_text(REPORT_FIRST_MONTH + month), value,
                                 "benchmark", GENERATED_AT))
        db.executemany(
            "INSERT INTO measurements (indicator_id, city, period, value, "
            "source, is_demo, recorded_at, recorded_by) VALUES "
            "(?, ?, ?, ?, ?, 0, ?, 'cli')", rows)
        db.execute("COMMIT")
        return len(rows)
    finally:
        db.close()


REPORT_FORMS = (("HTML", "text/html", "R13 html"),
                ("PDF", "application/pdf", "R13 pdf"))


def r13_report(bench: Bench) -> list:
    """GET /api/v1/reports/{period} as HTML and as PDF, each computed anew:
    the answer is cached until the data change, so a figure is corrected
    before every request (one of a later month, which the report does not
    read). The first request of each form is not counted."""
    data = copy_data_dir(bench.main_data(), bench.run_dir / "r13-data")
    num_figures = write_report_figures(data / "smartercities.db")
    with contextlib.closing(sqlite3.connect(data / "smartercities.db")) as db:
        num_agreements = db.execute("SELECT COUNT(*) FROM agreements WHERE "
                                    "retired_at IS NULL").fetchone()[0]
        first_city = db.execute("SELECT MIN(cbs_code) FROM cities").fetchone()[0]
    platform = bench.track(Platform(bench, "r13", data))
    path = f"/api/v1/reports/{REPORT_PERIOD}"
    times_ms = {form: [] for _, _, form in REPORT_FORMS}
    sizes = {}
    platform.start()
    try:
        headers = {"Authorization": f"Bearer {platform.admin_token()}",
                   "Content-Type": "application/json"}
        change = 0

        def change_data() -> None:
            nonlocal change
            change += 1
            figure = {"city": first_city, "period": "2020-01",
                      "value": change % 2}
            write = http_request(
                platform.port,
                f"/api/v1/indicators/{WRITE_INDICATORS[0]}/measurements",
                "POST", json.dumps(figure).encode(), headers)
            if write.status not in (200, 201):
                raise BenchError(f"R13: writing a figure answered "
                                 f"{write.status}: {write.body[:300]!r}")

        # The report must hold every agreement, or it measures less.
        model = http_request(platform.port, path,
                             headers={"Accept": "application/json"}, timeout=120)
        if model.status != 200:
            raise BenchError(f"R13: GET {path} as JSON answered {model.status}: "
                             f"{model.body[:300]!r}")
        reported = sum(len(theme["agreements"])
                       for theme in json.loads(model.body)["themes"])
        if reported != num_agreements:
            raise BenchError(f"R13: the report holds {reported} agreements; the "
                             f"database {num_agreements}")
        for round_index in range(bench.mode.reports + 1):
            for name, accept, form in REPORT_FORMS:
                change_data()
                started = time.perf_counter()
                answer = http_request(platform.port, path,
                                      headers={"Accept": accept}, timeout=120)
                elapsed_ms = (time.perf_counter() - started) * 1000
                content_type = dict((k.lower(), v) for k, v in
                                    answer.headers).get("content-type", "")
                if answer.status != 200 or not content_type.startswith(accept):
                    raise BenchError(
                        f"R13: GET {path} as {name} answered {answer.status} "
                        f"({content_type}): "
                        f"{' '.join(answer.body[:300].decode(errors='replace').split())}")
                sizes[form] = len(answer.body)
                if round_index > 0:
                    times_ms[form].append(elapsed_ms)
    finally:
        platform.stop()
    rows = []
    for name, accept, form in REPORT_FORMS:
        row = Row(f"R13 report {REPORT_PERIOD}, {name}",
                  f"GET {path}, Accept: {accept}; {num_agreements} agreements, "
                  f"{num_figures:,} figures ({REPORT_CITIES} cities x "
                  f"{REPORT_MONTHS} months)", form, bytes=sizes[form],
                  value=median(times_ms[form]), unit="ms",
                  baseline=f"median of {len(times_ms[form])} runs"
                  if len(times_ms[form]) > 1 else "1 run")
        row.rounds = [{"ms": round(t, 1)} for t in times_ms[form]]
        rows.append(row.judge())
    return rows


# R15: the knowledge base's text. A vocabulary of Dutch stems, each with
# its inflections, drawn with Zipf's law (a few words everywhere, most
# rare), 20 pages of about 3,000 characters per document.
SEARCH_STEMS = (
    "verkeerslicht", "gemeente", "fietser", "lantaarnpaal", "ondernemersloket",
    "glasvezelaansluiting", "laadpaal", "parkeersensor", "zonnepaneel",
    "wijkteam", "zorgverlener", "leerling", "school", "bedrijventerrein",
    "dienst", "burger", "inwoner", "raadslid", "wethouder", "ambtenaar",
    "subsidie", "begroting", "aanbesteding", "leverancier", "platform",
    "netwerk", "sensor", "camera", "evenement", "straat", "wijk", "buurt",
    "station", "kruispunt", "rotonde", "fietspad", "parkeerplaats", "haven",
    "dijk", "gemaal", "rioolbuis", "afvalbak", "container", "lichtmast",
    "meter", "aansluiting", "woning", "huurder", "corporatie", "zorgvrager",
)
SEARCH_SUFFIXES = ("", "en", "s", "e", "tje", "tjes")


def search_vocabulary() -> list:
    """About 30,000 words: the stems' inflections and compounds of them."""
    import random
    rng = random.Random(15)
    words = [stem + suffix for stem in SEARCH_STEMS for suffix in SEARCH_SUFFIXES]
    while len(words) < 30_000:
        words.append(rng.choice(SEARCH_STEMS) + rng.choice(SEARCH_STEMS) +
                     rng.choice(SEARCH_SUFFIXES))
    rng.shuffle(words)
    return words


def search_document(rng, vocabulary: list, weights: list, pages: int = 20,
                    page_words: int = 150) -> str:
    """20 pages of about 3,000 characters (the compounds make the words
    drawn about 19 letters long on average)."""
    text = []
    for _ in range(pages):
        words = rng.choices(vocabulary, cum_weights=weights, k=page_words)
        text.append(" ".join(words) + ".\n")
    return "".join(text)


def multipart(fields: dict, file_name: str, data: bytes) -> tuple:
    boundary = "bench-boundary-15"
    body = b""
    for name, value in fields.items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; "
                 f"name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
             f"filename=\"{file_name}\"\r\n\r\n").encode()
    body += data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def r15_search(bench: Bench) -> list:
    """GET /api/v1/search at c=16 over search_documents documents of 20
    pages each, uploaded through POST /api/v1/documents (the real code
    path: type by content, text, the Dutch tokenizer, the index). Queries
    are inflected words of middle frequency, one or two words; each request
    carries a counter so that the response cache never answers it."""
    import random
    from concurrent.futures import ThreadPoolExecutor
    data = copy_data_dir(bench.main_data(), bench.run_dir / "r15-data")
    platform = bench.track(Platform(bench, "r15", data))
    platform.start()
    vocabulary = search_vocabulary()
    # Zipf: the word of rank r is drawn with weight 1/r.
    cumulative, total = [], 0.0
    for rank in range(1, len(vocabulary) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    token = platform.admin_token()
    num_documents = bench.mode.search_documents

    def upload(index: int) -> int:
        rng = random.Random(index)
        text = search_document(rng, vocabulary, cumulative).encode()
        fields = {"title": f"Plan {index} " + " ".join(rng.choices(vocabulary[:2000], k=4)),
                  "kind": ("project-plan", "evaluation", "minutes")[index % 3],
                  "author": "stedenlink", "date": f"{2013 + index % 5}-06-01",
                  "theme": "bedrijvige-stad"}
        body, content_type = multipart(fields, f"plan-{index}.txt", text)
        answer = http_request(platform.port, "/api/v1/documents", "POST", body,
                              {"Authorization": f"Bearer {token}",
                               "Content-Type": content_type}, timeout=120)
        if answer.status != 201:
            raise BenchError(f"R15: uploading document {index} answered "
                             f"{answer.status}: {answer.body[:300]!r}")
        return len(text)

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            text_bytes = sum(pool.map(upload, range(num_documents)))
        load_s = time.perf_counter() - started
        # Middle-frequency words, inflected differently from most of their
        # occurrences, and pairs of them.
        rng = random.Random(1515)
        singles = [vocabulary[rank] for rank in rng.sample(range(50, 3000), 60)]
        pairs = [f"{a}+{b}" for a, b in zip(singles[:20], singles[20:40])]
        queries = singles + pairs
        probe = http_request(platform.port,
                             f"/api/v1/search?q={singles[0]}", timeout=30)
        if probe.status != 200:
            raise BenchError(f"R15: a search answered {probe.status}: "
                             f"{probe.body[:300]!r}")
        url = platform.url("/api/v1/search")
        warm = run_wrk("R15 warm-up", url, max(1, bench.mode.warmup_seconds),
                       connections=16, script="search.lua",
                       script_args=(",".join(queries),))
        del warm
        runs = [run_wrk("R15", url, bench.seconds, connections=16,
                        script="search.lua", script_args=(",".join(queries),))
                for _ in range(bench.mode.rounds)]
    finally:
        platform.stop()
    for r in runs:
        # wrk counts only the answers that came within the run: a search
        # slower than the run leaves a latency of the few fast ones.
        if r.requests < 16:
            raise BenchError(f"R15: only {r.requests} searches answered in "
                             f"{bench.seconds:.0f} s at 16 connections")
    p99s = [r.p99_ms for r in runs]
    row = Row("R15 full-text search",
              f"GET /api/v1/search?q=… at c=16, {num_documents:,} documents of "
              f"20 pages ({text_bytes / 2**20:,.0f} MiB of text, uploaded and "
              f"indexed in {load_s:.0f} s), {len(queries)} queries, no cache",
              "R15", rps=median([r.rps for r in runs]), p99_ms=median(p99s),
              baseline=f"median of {len(runs)} rounds")
    row.rounds = [{"rps": round(r.rps), "p99_ms": round(r.p99_ms, 2)} for r in runs]
    return [row.judge()]


# R16-R18: the platform on PostgreSQL. Each node gets a database copied
# from PG_TEMPLATE (the main data set, through migrate-to) and a data
# directory of its own.
R16_PATHS = (("themes", R1_PATH), ("figures", R4_PATH))


def r16_postgres_reads(bench: Bench) -> list:
    """R1's and R4's GET on a node on PostgreSQL against the main platform
    on SQLite, the same data on both (checked: the same bytes), both
    running, alternating."""
    main = bench.main_platform()
    postgres = bench.postgres()
    url = postgres.create_database("r16", PG_TEMPLATE)
    node = bench.track(Platform(bench, "r16-postgres",
                                bench.postgres_node_dir("r16-data"),
                                database=url))
    rows = []
    try:
        node.start()
        for name, path in R16_PATHS:
            on_sqlite = http_request(main.port, path)
            on_postgres = http_request(node.port, path)
            if on_postgres.status != 200 or on_postgres.body != on_sqlite.body:
                raise BenchError(
                    f"R16: GET {path} answers differently on PostgreSQL "
                    f"(status {on_postgres.status}, {len(on_postgres.body)} "
                    f"bytes; on SQLite {on_sqlite.status}, "
                    f"{len(on_sqlite.body)} bytes)")
            label = f"R16 {name}"
            warm_up(bench, [node.url(path), main.url(path)])
            postgres_runs, sqlite_runs = alternate(bench, [
                lambda: run_wrk(label + " (PostgreSQL)", node.url(path),
                                bench.seconds),
                lambda: run_wrk(label + " (SQLite)", main.url(path),
                                bench.seconds)])
            row = Row(f"R16 {name}, PostgreSQL",
                      f"GET {path}, c=64, a node on PostgreSQL", "R16",
                      bytes=len(on_sqlite.body), baseline="the same on SQLite")
            fill_rates(row, postgres_runs, sqlite_runs)
            rows.append(row.judge())
    finally:
        node.stop()
        postgres.drop_database("r16")
    return rows


def write_sequence(bench: Bench) -> tuple:
    """The figures R7, R17 and R18 write (bench/lua/post_measurements.lua):
    the indicators, every city, the last month and the number of months."""
    with contextlib.closing(sqlite3.connect(bench.main_data() /
                                            "smartercities.db")) as db:
        cities = [r[0] for r in db.execute(
            "SELECT cbs_code FROM cities ORDER BY cbs_code")]
    return (",".join(WRITE_INDICATORS), ",".join(cities), WRITE_LAST_PERIOD,
            WRITE_MONTHS)


def sqlite_write_round(bench: Bench, name: str, sequence: tuple,
                       connections: int = 16, threads: int = 2) -> WrkResult:
    """R7's measurement: POST figures at c=16 to a platform on a fresh copy
    of the main data set, then the figures counted in its database."""
    data = copy_data_dir(bench.main_data(), bench.run_dir / f"{name}-data")
    platform = bench.track(Platform(bench, name, data))
    try:
        platform.start()
        try:
            result = run_wrk(name.upper(), platform.url("/"), bench.seconds,
                             connections, threads, "post_measurements.lua",
                             (platform.admin_token(), *sequence, threads))
        except BenchError as error:
            raise BenchError(f"{error}{sample_post(platform, sequence)}")
    finally:
        platform.stop()
    with contextlib.closing(sqlite3.connect(data / "smartercities.db")) as db:
        written = db.execute(
            "SELECT COUNT(*) FROM measurements WHERE indicator_id IN "
            f"({','.join('?' * len(WRITE_INDICATORS))}) AND source IS NULL",
            WRITE_INDICATORS).fetchone()[0]
    if written < result.requests * 0.9:
        raise BenchError(f"{name.upper()}: wrk counted {result.requests} "
                         f"answers but only {written} figures are in the "
                         f"database")
    return result


def sample_post(platform: Platform, sequence: tuple) -> str:
    """What one POST of the sequence's first figure answers now, for an
    error message (wrk does not keep the answers)."""
    indicator, city = sequence[0].split(",")[0], sequence[1].split(",")[0]
    path = f"/api/v1/indicators/{indicator}/measurements"
    try:
        answer = http_request(
            platform.port, path, "POST",
            json.dumps({"city": city, "period": sequence[2],
                        "value": 0.0}).encode(),
            {"Authorization": f"Bearer {platform.admin_token()}",
             "Content-Type": "application/json"})
    except OSError as error:
        return f" (a single POST now fails: {error})"
    body = " ".join(answer.body[:400].decode(errors="replace").split())
    return f" (a single POST {path} now answers {answer.status}: {body})"


# What R17 and R18 count in PostgreSQL before and after writing.
POSTGRES_WRITTEN_SQL = (
    "SELECT (SELECT COUNT(*) FROM measurements WHERE indicator_id IN (" +
    ", ".join(f"'{i}'" for i in WRITE_INDICATORS) + ") AND source IS NULL), "
    "(SELECT COUNT(*) FROM audit_log)")


def postgres_write_round(bench: Bench, name: str, sequence: tuple,
                         nodes: int) -> WrkResult:
    """POST figures at c=16 in all, spread evenly over `nodes` nodes on one
    fresh copy of the main data set in PostgreSQL (one wrk per node, the
    nodes writing disjoint parts of one sequence). Afterwards every
    acknowledged figure must be in the database with its audit row, and
    `smartercities audit verify` must find the chain intact."""
    postgres = bench.postgres()
    url = postgres.create_database(name, PG_TEMPLATE)
    figures_before, audit_before = map(
        int, postgres.sql(POSTGRES_WRITTEN_SQL, name).strip().split("|"))
    platforms = []
    connections, threads = 16, 2
    try:
        for index in range(nodes):
            node = f"{name}-node{index + 1}" if nodes > 1 else name
            platform = bench.track(Platform(
                bench, node, bench.postgres_node_dir(f"{node}-data"),
                database=url))
            platforms.append(platform)
            platform.start()
        label = name.upper()
        try:
            results = run_wrk_together(
                [(f"{label} ({p.name})", p.url("/"), connections // nodes,
                  threads // nodes, "post_measurements.lua",
                  (p.admin_token(), *sequence, threads, index))
                 for index, p in enumerate(platforms)], bench.seconds)
        except BenchError as error:
            raise BenchError(f"{error}{sample_post(platforms[0], sequence)}")
    finally:
        for platform in platforms:
            platform.stop()
    try:
        figures, audit = map(
            int, postgres.sql(POSTGRES_WRITTEN_SQL, name).strip().split("|"))
        acknowledged = sum(r.requests for r in results)
        if figures - figures_before < acknowledged:
            raise BenchError(
                f"{label}: the nodes acknowledged {acknowledged} figures but "
                f"only {figures - figures_before} are in the database")
        if audit - audit_before < acknowledged:
            raise BenchError(
                f"{label}: the nodes acknowledged {acknowledged} figures but "
                f"the audit trail holds only {audit - audit_before} new rows")
        done = subprocess.run(
            [str(bench.executable), "audit", "verify", "--database", url,
             "--data-dir", str(platforms[0].data_dir)],
            capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise BenchError(f"{label}: smartercities audit verify failed "
                             f"({done.returncode}) after the writes: "
                             f"{(done.stderr or done.stdout).strip()[-500:]}")
    finally:
        postgres.drop_database(name)
    if len(results) == 1:
        return results[0]
    # The nodes' runs side by side: their rates add up; the slower tail.
    return WrkResult(rps=sum(r.rps for r in results),
                     p50_ms=max(r.p50_ms for r in results),
                     p99_ms=max(r.p99_ms for r in results),
                     requests=sum(r.requests for r in results), non_2xx=0,
                     socket_errors={},
                     output="\n".join(r.output for r in results))


def r17_postgres_writes(bench: Bench) -> list:
    """R7's POST of figures (c=16, each with its audit row) on a node on
    PostgreSQL against the same on a node on SQLite, each side on a fresh
    copy of the main data set in every round."""
    sequence = write_sequence(bench)
    bench.postgres()
    postgres_runs, sqlite_runs = alternate(bench, [
        lambda: postgres_write_round(bench, "r17", sequence, nodes=1),
        lambda: sqlite_write_round(bench, "r17-sqlite", sequence)])
    row = Row("R17 POST figures, PostgreSQL",
              "POST …/measurements + audit row, c=16, a node on PostgreSQL",
              "R17", baseline="the same on SQLite")
    fill_rates(row, postgres_runs, sqlite_runs)
    return [row.judge()]


def r18_two_nodes(bench: Bench) -> list:
    """Two nodes on one PostgreSQL database against one node on it: POST
    figures at c=16 in all (each round on a fresh copy of the database,
    every acknowledged figure counted afterwards), and R4's GET at c=64 in
    all (both nodes running throughout; one wrk on the first, or one on
    each)."""
    sequence = write_sequence(bench)
    postgres = bench.postgres()
    two_runs, one_runs = alternate(bench, [
        lambda: postgres_write_round(bench, "r18-two", sequence, nodes=2),
        lambda: postgres_write_round(bench, "r18-one", sequence, nodes=1)])
    writes = Row("R18 POST figures, two nodes",
                 "POST …/measurements + audit row, c=16 in all, spread over "
                 "two nodes on one PostgreSQL database", "R18",
                 baseline="one node on it")
    fill_rates(writes, two_runs, one_runs)

    url = postgres.create_database("r18-reads", PG_TEMPLATE)
    nodes = [bench.track(Platform(bench, f"r18-reads-node{i}",
                                  bench.postgres_node_dir(f"r18-reads-node{i}-data"),
                                  database=url)) for i in (1, 2)]
    try:
        for node in nodes:
            node.start()
        first = http_request(nodes[0].port, R4_PATH)
        second = http_request(nodes[1].port, R4_PATH)
        if first.status != 200 or second.body != first.body:
            raise BenchError(f"R18: GET {R4_PATH} answers differently on the "
                             f"two nodes (status {first.status} and "
                             f"{second.status})")
        warm_up(bench, [node.url(R4_PATH) for node in nodes])

        def on_both() -> WrkResult:
            results = run_wrk_together(
                [(f"R18 figures ({node.name})", node.url(R4_PATH), 32, 1,
                  None, ()) for node in nodes], bench.seconds)
            return WrkResult(rps=sum(r.rps for r in results),
                             p50_ms=max(r.p50_ms for r in results),
                             p99_ms=max(r.p99_ms for r in results),
                             requests=sum(r.requests for r in results),
                             non_2xx=0, socket_errors={}, output="")

        both_runs, one_node_runs = alternate(bench, [
            on_both,
            lambda: run_wrk("R18 figures (one node)", nodes[0].url(R4_PATH),
                            bench.seconds)])
    finally:
        for node in nodes:
            node.stop()
        postgres.drop_database("r18-reads")
    reads = Row("R18 figures, two nodes",
                f"GET {R4_PATH}, c=64 in all, spread over two nodes on one "
                f"PostgreSQL database", "R18", bytes=len(first.body),
                baseline="one node on it")
    fill_rates(reads, both_runs, one_node_runs)
    return [writes.judge(), reads.judge()]

WORKLOADS: dict[str, Callable[[Bench], list]] = {
    "R1": r1_themes,
    "R2": r2_healthz,
    "R3": r3_core_reads,
    "R4": r4_figures,
    "R5": r5_plugin_route,
    "R6": r6_large_database,
    "R7": r7_writes,
    "R8": r8_under_load,
    "R9": r9_startup,
    "R10": r10_memory,
    "R11": r11_web_pages,
    "R12": r12_import,
    "R13": r13_report,
    "R14": r14_bulk_download,
    "R15": r15_search,
    "R16": r16_postgres_reads,
    "R17": r17_postgres_writes,
    "R18": r18_two_nodes,
}


# --------------------------------------------------------------------------
# Output.


def short_count(count: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if count >= size and count % size == 0:
            return f"{count // size}{suffix}"
    return f"{count:,}"


def fmt_rate(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:,.0f}"


def fmt_ms(value: Optional[float]) -> str:
    if value is None:
        return "—"
    if math.isinf(value):
        return "no answer"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def table_rows(rows: list) -> list:
    out = []
    for row in rows:
        if row.error:
            out.append([row.id, "", "error", "", "", "", "", row.goal_text, "no"])
            continue
        platform = fmt_rate(row.rps) if row.value is None else \
            f"{row.value:.1f} {row.unit}"
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        met = {True: "yes", False: "no", None: "—"}[row.met]
        out.append([row.id, "—" if row.bytes is None else f"{row.bytes:,}",
                    platform, fmt_ms(row.p99_ms), row.baseline,
                    fmt_rate(row.baseline_rps), ratio, row.goal_text, met])
    return out


HEADER = ["workload", "bytes", "platform req/s", "p99", "baseline",
          "baseline req/s", "ratio", "goal", "met"]


def text_table(rows: list) -> str:
    cells = [HEADER] + table_rows(rows)
    widths = [max(len(r[i]) for r in cells) for i in range(len(HEADER))]
    lines = []
    for index, r in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list) -> str:
    lines = ["| " + " | ".join(HEADER) + " |",
             "|" + "|".join("---" for _ in HEADER) + "|"]
    for r in table_rows(rows):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    return "\n".join(lines)


def run_facts(bench: Bench, command: str) -> dict:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True)
        return done.stdout.strip()

    commit = git("rev-parse", "--short=12", "HEAD") or "unknown"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True,
                                 text=True).stdout.split("\n")[0].split(" [")[0]
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True,
                                   text=True).stderr.strip().split("/")[-1]
    return {
        "date": datetime.datetime.now(datetime.timezone.utc)
                .strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"nproc {len(os.sched_getaffinity(0))}, {cpu}, "
                   f"{memory_gib:.0f} GiB RAM, {host_platform.system()} "
                   f"{host_platform.release()}",
        "commit": commit,
        "command": command,
        "mode": f"{bench.mode.name}: {bench.rounds} round(s) of {bench.seconds:g} s "
                f"per side, wrk -t2 -c64 --latency (R7: -c16), keep-alive, loopback; "
                f"main data set {bench.mode.main_figures:,} figures, large "
                f"{bench.mode.large_figures:,}; R12 imports "
                f"{bench.mode.import_figures:,}, R13 takes the median of "
                f"{bench.mode.reports} report(s) of each form",
        "tools": f"wrk {wrk_version.replace('wrk ', '')}, nginx {nginx_version}",
        "load": "load average {:.1f} / {:.1f} / {:.1f} (1/5/15 min) when the run "
                "started".format(*bench.load_average),
    }


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def write_results(bench: Bench, rows: list, facts: dict, directory: pathlib.Path,
                  update_readme: bool) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    table = markdown_table(rows)
    notes = bench.notes + [f"{row.id}: {row.error}" for row in rows if row.error]
    markdown = ["# Benchmark results", "",
                f"- date: {facts['date']}",
                f"- machine: {facts['machine']}",
                f"- commit: {facts['commit']}",
                f"- command: `{facts['command']}`",
                f"- mode: {facts['mode']}",
                f"- tools: {facts['tools']}",
                f"- {facts['load']}",
                "", table, ""]
    if notes:
        markdown += ["Notes:", ""] + [f"- {note}" for note in notes] + [""]
    markdown += ["How to read this: [docs/performance.md](../../docs/performance.md).", ""]
    (directory / "latest.md").write_text("\n".join(markdown))
    document = dict(facts)
    document["rows"] = []
    for row in rows:
        fields = dataclasses.asdict(row)
        for key in ("p99_ms", "baseline_p99_ms", "ratio"):
            fields[key] = finite(fields[key])
        fields["goal_text"] = row.goal_text
        document["rows"].append({camel_case(k): v for k, v in fields.items()})
    document["notes"] = notes
    (directory / "latest.json").write_text(json.dumps(document, indent=2,
                                                      ensure_ascii=False) + "\n")
    if update_readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        if README_BEGIN in text and README_END in text:
            before = text.split(README_BEGIN)[0]
            after = text.split(README_END, 1)[1]
            block = (f"{README_BEGIN}\nMeasured {facts['date']}, commit {facts['commit']}, "
                     f"with `{facts['command']}` ({bench.rounds} rounds of "
                     f"{bench.seconds:g} s per side) on {facts['machine']}; "
                     f"{facts['load']}.\n\n{table}\n{README_END}")
            readme.write_text(before + block + after)


# --------------------------------------------------------------------------


def parse_args(argv: list) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Measures the platform against baselines in the same run "
                    "(docs/performance.md).")
    parser.add_argument("--smoke", action="store_true",
                        help="one short round of each workload on small data "
                             "(what scripts/test runs)")
    parser.add_argument("--only", default="",
                        help="comma-separated workloads, e.g. R1,R4 (R1-R18)")
    parser.add_argument("--rounds", type=int, default=0,
                        help="rounds per workload (default 3; smoke 1)")
    parser.add_argument("--seconds", type=float, default=0,
                        help="seconds per wrk run (default 5; smoke 1)")
    parser.add_argument("--build-dir", default=str(ROOT / "build-bench"),
                        help="the Release build with SMARTERCITIES_BUILD_BENCH=ON")
    parser.add_argument("--results-dir", default="",
                        help="where latest.md and latest.json go (default: "
                             "bench/results for a full run of every workload, "
                             "else <build dir>/bench-results)")
    args = parser.parse_args(argv)
    selected = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in selected if w not in WORKLOADS]
    if unknown:
        parser.error(f"--only: unknown workload {', '.join(unknown)}; "
                     f"choose from {', '.join(WORKLOADS)}")
    args.selected = selected or list(WORKLOADS)
    return args


def main(argv: list) -> int:
    args = parse_args(argv)
    mode = SMOKE if args.smoke else FULL
    bench = Bench(args, mode)
    for needed in (bench.executable, bench.sqlite_writer):
        if not needed.exists():
            print(f"bench: {needed} is missing; scripts/bench builds it", file=sys.stderr)
            return 1
    # scripts/bench names itself and what it was given; run directly, this
    # file does.
    command = os.environ.get("BENCH_COMMAND") or \
        " ".join(["python3 bench/bench.py", *argv])
    started = time.monotonic()
    rows: list[Row] = []
    try:
        for workload_id in args.selected:
            print(f"bench: {workload_id} ...", flush=True)
            workload_started = time.monotonic()
            try:
                new_rows = WORKLOADS[workload_id](bench)
            except (BenchError, OSError, subprocess.SubprocessError) as error:
                goal = workload_id if workload_id in GOALS else next(
                    g for g in GOALS if g.startswith(workload_id + " "))
                new_rows = [Row(workload_id, "", goal, error=str(error))]
                print(f"bench: {workload_id} failed: {error}", file=sys.stderr, flush=True)
            rows += new_rows
            for row in new_rows:
                if not row.error:
                    print("   " + text_table([row]).splitlines()[-1], flush=True)
            print(f"bench: {workload_id} took {time.monotonic() - workload_started:.0f} s",
                  flush=True)
    finally:
        bench.close()
    facts = run_facts(bench, command)
    print()
    print(text_table(rows))
    for note in bench.notes:
        print(f"note: {note}")
    full_run = not args.smoke and not args.only
    results_dir = pathlib.Path(args.results_dir) if args.results_dir else \
        (ROOT / "bench" / "results" if full_run else bench.build_dir / "bench-results")
    write_results(bench, rows, facts, results_dir,
                  update_readme=full_run and not args.results_dir)
    print(f"\nbench: {len(rows)} rows in {time.monotonic() - started:.0f} s; "
          f"written to {results_dir}/latest.md and latest.json"
          + (" and the README" if full_run and not args.results_dir else ""))
    failed = [row for row in rows if row.error]
    if failed:
        print(f"bench: {len(failed)} workload(s) could not be measured: "
              f"{', '.join(row.id for row in failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
