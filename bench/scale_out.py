"""Scale-out benchmark: one broadcast sent by 1, 2 or 4 worker processes sharing PostgreSQL.

Each worker is the real bot (``python -m bot``) in webhook mode behind the fake Bot API
server of the tests, which also plays the load balancer. The broadcast goes with
``PAID_BROADCAST=true`` at ``--rate`` messages a second, the limit the fake server enforces
on paid sends. Measured in this one run, and printed as ratios:

* the fake server's own ceiling, first, with a bare HTTP client;
* per setup (SQLite with 1 worker; PostgreSQL with each of ``--workers``): the achieved
  rate ÷ the allowed rate and ÷ the ceiling, 429s, duplicates, reply p95 during the
  broadcast ÷ idle, the workers' CPU time per message sent, and each worker's peak memory
  (VmHWM); with ``--library``, one worker on each backend again with pushes sent through
  python-telegram-bot (``LEAN_PUSHES=false``), the path before the lean one;
* a worker SIGKILLed mid-broadcast (PostgreSQL, 2 workers): whether every delivery still
  arrives, and the duplicates, against the bound of the killed worker's in-flight sends.

    python bench/scale_out.py                                   # 30 000 at 1000 msg/s
    python bench/scale_out.py --subscribers 2000 --rate 200 --workers 1 2 --idle-seconds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.broadcast import SEED, TOKEN, p95, probe, server_ceiling  # noqa: E402
from bench.search import start_postgres  # noqa: E402
from content.library import ingest_file  # noqa: E402
from content.ports import ArticleStore  # noqa: E402
from content.storage.postgres.store import PostgresStore  # noqa: E402
from content.storage.sqlite.store import Store  # noqa: E402
from content.topics import load_lexicon  # noqa: E402
from tests.support.fake_bot_api import FakeBotApi, ServerLimits, start_bot_process  # noqa: E402

FIRST_SUBSCRIBER = 1_000_000
SECRET = "bench-webhook-secret"  # noqa: S105 - the benchmark's own fake server's
CONCURRENCY = 32  # sends in flight per worker: the most a killed worker can leave undone
LEASE_SECONDS = 10  # so that the killed worker's claims come back within the run
FREE_RATE = 30  # replies: Telegram's free limit


@dataclass
class Workers:
    """The worker processes of one setup, and what was read of them."""

    processes: list[asyncio.subprocess.Process]
    ports: list[int]
    peak_rss_mb: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0  # all of them, during the broadcast


async def prepare(store: ArticleStore, subscribers: int) -> int:
    """The seed, and ``subscribers`` private chats subscribed to everything; the seed's id."""
    result = await ingest_file(store, SEED)
    chats = [(FIRST_SUBSCRIBER + n, "private") for n in range(subscribers)]
    await store.chats.import_subscribers(chats, time.time())
    return result.article_id


async def open_store(folder: Path, url: str) -> ArticleStore:
    if url:
        return await PostgresStore.open(url, load_lexicon())
    return await Store.open(folder / "bot.sqlite3", load_lexicon())


def free_port() -> int:
    import socket  # noqa: PLC0415 - only here

    with socket.socket() as probe_socket:
        probe_socket.bind(("127.0.0.1", 0))
        return int(probe_socket.getsockname()[1])


async def start_workers(
    api: FakeBotApi, folder: Path, url: str, count: int, rate: int, lean: bool
) -> Workers:
    """``count`` workers, each in a folder of its own with the seed, all behind ``api``."""
    processes, ports = [], []
    for number in range(count):
        home = folder / f"worker{number}"
        (home / "seeds").mkdir(parents=True)
        shutil.copy(SEED, home / "seeds" / SEED.name)
        if not url:
            shutil.copy(folder / "bot.sqlite3", home / "bot.sqlite3")
        port = free_port()
        api.webhook_backends.append(f"http://127.0.0.1:{port}")
        processes.append(
            await start_bot_process(
                api, TOKEN, home,
                DATABASE_URL=url,
                WEBHOOK_URL="https://bench.example/telegram",
                WEBHOOK_LISTEN=f"127.0.0.1:{port}",
                WEBHOOK_SECRET=SECRET,
                PAID_BROADCAST="true",
                LEAN_PUSHES=str(lean).lower(),
                RATE_PER_SECOND=str(FREE_RATE),
                RATE_PAID_PER_SECOND=str(rate),
                OUTBOX_CONCURRENCY=str(CONCURRENCY),
                OUTBOX_POLL_SECONDS="0.2",
                OUTBOX_LEASE_SECONDS=str(LEASE_SECONDS),
                OUTBOX_TIMEOUT_SECONDS=str(LEASE_SECONDS / 2),  # a lease outlasts two
                LOG_LEVEL="WARNING",
            )
        )  # fmt: skip
        ports.append(port)
        await until_counted(ports, number + 1)
    return Workers(processes, ports)


async def until_counted(ports: list[int], count: int, seconds: float = 60) -> None:
    """Wait until every worker answers /metrics and counts ``count`` workers."""
    deadline = time.monotonic() + seconds
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as client:
        while time.monotonic() < deadline:
            counts = [await workers_seen(client, port) for port in ports]
            if all(seen == count for seen in counts):
                await asyncio.sleep(2.5)  # a joining worker waits for room before it sends
                return
            await asyncio.sleep(0.2)
    raise TimeoutError(f"the workers did not count {count}")


async def workers_seen(client: aiohttp.ClientSession, port: int) -> float:
    try:
        async with client.get(f"http://127.0.0.1:{port}/metrics") as response:
            page = await response.text()
    except (aiohttp.ClientError, TimeoutError):
        return 0
    match = re.search(r"^mojaz_workers (\S+)$", page, re.MULTILINE)
    return float(match[1]) if match else 0


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, user and system (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory, from /proc (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match[1]) / 1024 if match else 0.0


async def stop_workers(workers: Workers) -> None:
    for process in workers.processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in workers.processes:
        await asyncio.wait_for(process.wait(), 60)


@dataclass(frozen=True)
class Run:
    """One setup's broadcast under way: the server, the workers, and what is sent."""

    api: FakeBotApi
    folder: Path
    url: str
    article: int
    workers: Workers
    args: argparse.Namespace


@dataclass(frozen=True)
class Setup:
    backend: str  # sqlite or postgres
    workers: int
    kill_one: bool = False
    lean: bool = True


async def run_setup(setup: Setup, server: Any, args: argparse.Namespace) -> dict[str, Any]:
    """One broadcast to ``args.subscribers`` chats, measured."""
    api = FakeBotApi(TOKEN, limits=ServerLimits(per_second=FREE_RATE, paid_per_second=args.rate))
    await api.start()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = ""
        if setup.backend == "postgres":
            name = f"bench_{setup.workers}_{int(setup.kill_one)}_{int(setup.lean)}"
            server.psql(f"CREATE DATABASE {name};")
            url = server.get_uri(name)
        store = await open_store(folder, url)
        try:
            article = await prepare(store, args.subscribers)
        finally:
            await store.close()
        workers = await start_workers(api, folder, url, setup.workers, args.rate, setup.lean)
        try:
            return await measure(Run(api, folder, url, article, workers, args), setup)
        finally:
            await stop_workers(workers)
            await api.stop()


async def measure(run: Run, setup: Setup) -> dict[str, Any]:
    api, args = run.api, run.args
    idle: list[float] = []
    stop_idle = asyncio.Event()
    prober = asyncio.create_task(probe(api, stop_idle, idle))
    await asyncio.sleep(args.idle_seconds)
    stop_idle.set()
    await prober
    store = await open_store(run.folder / "worker0", run.url)
    try:
        await store.outbox.enqueue_broadcast(run.article, "bench", time.time())
    finally:
        await store.close()
    busy: list[float] = []
    done = asyncio.Event()
    prober = asyncio.create_task(probe(api, done, busy))
    targets = set(range(FIRST_SUBSCRIBER, FIRST_SUBSCRIBER + args.subscribers))
    cpu_before = sum(cpu_seconds(process.pid) for process in run.workers.processes)
    killed = await watch(api, run.workers, targets, setup.kill_one, args)
    cpu_after = sum(cpu_seconds(process.pid) for process in run.workers.processes)
    run.workers.cpu_seconds = cpu_after - cpu_before
    done.set()
    await prober
    return result_of(run, targets, (idle, busy), killed)


async def watch(
    api: FakeBotApi, workers: Workers, targets: set[int], kill_one: bool, args: argparse.Namespace
) -> int:
    """Until every target has its message: sample memory, and kill a worker halfway if
    asked. How many sends the killed worker had in flight at most (0 if none was killed)."""
    deadline = time.monotonic() + args.subscribers / args.rate * 4 + 120
    peaks = [0.0] * len(workers.processes)
    killed = 0
    while time.monotonic() < deadline:
        served = sum(1 for chat in targets if api.delivered(chat))
        for n, process in enumerate(workers.processes):
            peaks[n] = max(peaks[n], peak_rss_mb(process.pid))
        if kill_one and not killed and served >= len(targets) * 0.4:
            workers.processes[0].send_signal(signal.SIGKILL)
            killed = CONCURRENCY
        if served >= len(targets):
            break
        await asyncio.sleep(0.25)
    workers.peak_rss_mb = peaks
    return killed


def result_of(
    run: Run, targets: set[int], latencies: tuple[list[float], list[float]], killed: int
) -> dict[str, Any]:
    """The numbers of a setup: rate, 429s, losses, duplicates, latency, memory."""
    api, (idle, busy) = run.api, latencies
    bulk = [c.at for c in api.delivered() if c.chat_id in targets]
    copies = Counter(c.chat_id for c in api.delivered() if c.chat_id in targets)
    start = min(bulk)
    # Whole seconds only, so that a run's last partial second neither flatters nor harms.
    seconds = max(1, int(max(bulk) - start))
    achieved = sum(1 for at in bulk if start <= at < start + seconds) / seconds
    return {
        "achieved": achieved,
        "ratio": achieved / run.args.rate,
        "limit_429s": api.limit_violations,
        "missing": len(targets) - len(copies),
        "duplicates": sum(n - 1 for n in copies.values()),
        "duplicate_bound": killed,
        "latency_ratio": p95(busy) / p95(idle),
        "busy_p95_ms": p95(busy) * 1000,
        "idle_p95_ms": p95(idle) * 1000,
        "peak_mb": run.workers.peak_rss_mb,
        "cpu_ms": run.workers.cpu_seconds / max(1, len(bulk)) * 1000,
    }


async def run_all(args: argparse.Namespace) -> None:
    ceiling = await server_ceiling()
    print(f"fake server ceiling {ceiling:8.0f} msg/s (a bare client, this run)")
    print(f"{args.subscribers:,} subscribers, allowed {args.rate} msg/s (paid broadcast)\n")
    setups = [Setup("sqlite", 1)] + [Setup("postgres", n) for n in args.workers]
    if not args.no_kill:
        setups.append(Setup("postgres", 2, kill_one=True))
    if args.library:
        setups += [Setup("sqlite", 1, lean=False), Setup("postgres", 1, lean=False)]
    print(
        f"{'setup':<22} {'msg/s':>7} {'÷ rate':>7} {'÷ ceiling':>9} {'429s':>5} {'missing':>7}"
        f" {'dups':>9} {'p95 busy÷idle':>13} {'busy ms':>8} {'CPU ms/msg':>10}"
        f" {'peak MB per worker':>20}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        server = start_postgres(Path(tmp))
        try:
            for setup in setups:
                row = await run_setup(setup, server, args)
                print_row(setup, row, ceiling)
        finally:
            server.cleanup()


def print_row(setup: Setup, row: dict[str, Any], ceiling: float) -> None:
    name = f"{setup.backend} ×{setup.workers}" + (", one killed" if setup.kill_one else "")
    name += "" if setup.lean else ", library"
    dups = f"{row['duplicates']}" + (f" (≤{row['duplicate_bound']})" if setup.kill_one else "")
    memory = " ".join(f"{mb:.0f}" for mb in row["peak_mb"])
    of_ceiling = row["achieved"] / ceiling
    print(
        f"{name:<22} {row['achieved']:>7.0f} {row['ratio']:>7.3f} {of_ceiling:>9.3f}"
        f" {row['limit_429s']:>5} {row['missing']:>7} {dups:>9} {row['latency_ratio']:>13.2f}"
        f" {row['busy_p95_ms']:>8.0f} {row['cpu_ms']:>10.2f} {memory:>20}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=30_000)
    parser.add_argument("--rate", type=int, default=1000, help="allowed paid messages a second")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--idle-seconds", type=float, default=5.0)
    parser.add_argument("--no-kill", action="store_true", help="leave out the SIGKILL run")
    parser.add_argument(
        "--library", action="store_true", help="also send through python-telegram-bot"
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="runtime-"))
    asyncio.run(run_all(args))


if __name__ == "__main__":
    main()
