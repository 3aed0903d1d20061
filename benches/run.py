#!/usr/bin/env python3
"""Runs every benchmark of the project and prints one table: medians, ratios
against each limit and peer, and the targets from the benchmark issue.

    python3 benches/run.py            # everything (about 10 minutes on 2 cores)
    python3 benches/run.py --no-peers # without the npm peers
    python3 benches/run.py --audit-only  # only pat-audit's benchmarks (about 6 minutes)
    python3 benches/run.py --act-only    # only pat-audit's acting half (7.): webhooks, revoking 10,000 grants
    python3 benches/run.py --act-only --no-divan  # ... the processes only, without the bench build
    python3 benches/run.py --trace-only  # only pat-audit trace (6.): 20 tokens across 10 organizations
    python3 benches/run.py --contain-only  # only pat-audit contain: one user across 100 organizations
    python3 benches/run.py --cache-only    # only a second, unchanged audit with --cache
    python3 benches/run.py --compile-only  # only the consumer compile cost (5.)
    python3 benches/run.py --generator-only  # cargo xtask import/generate as maintainers run them

Needs GitHub's full description for the scale figures: ../shared/github-rest/
api.github.com.json or $GITHUB_REST_DESCRIPTION (`npm pack @octokit/openapi@23.0.2`).
The npm peers (@redocly/cli, @apidevtools/json-schema-ref-parser, @octokit/rest)
are installed into target/bench-peers when node and npm are present; without
them the script says so and skips them. Nothing here runs in CI. The binaries
are taken from $CARGO_TARGET_DIR when it is set. Every row of the table gives
the 1-minute load average sampled before each of its runs.
"""

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench-report"
PEERS = ROOT / "target" / "bench-peers"
PEER_VERSIONS = ["@redocly/cli@2.77.0", "@apidevtools/json-schema-ref-parser@15.5.2", "@octokit/rest@22.0.1"]
UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
# pat-audit's benchmark data are generated relative to this moment.
AUDIT_NOW = "2025-06-02T09:00:00Z"


# The 1-minute load average, sampled before each timed run: the machine may
# be shared, and each row of the table says what the load was while it was
# measured (see Rows).
LOAD = []


def sample_load():
    LOAD.append(os.getloadavg()[0])


class Rows(list):
    """The table's rows: (measure, median, against, ratio, target), each
    given the range of the load samples taken since the row before it (a
    row of the same measurement as the row before it, the same range)."""

    def __init__(self):
        super().__init__()
        self.mark = 0
        self.load = None

    def append(self, row):
        seen = LOAD[self.mark:]
        self.mark = len(LOAD)
        if seen or not self.load:
            seen = seen or [os.getloadavg()[0]]
            self.load = f"{min(seen):.1f}–{max(seen):.1f}"
        super().append((*row, self.load))


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr, flush=True)
    return subprocess.run(cmd, cwd=kw.pop("cwd", ROOT), check=True, text=True, **kw)


def timed(cmd, runs, ok=(0,), **kw):
    """Wall seconds of each of `runs` runs of a command, after one warm-up run; an exit status
    not in `ok` is an error."""
    times = []
    for i in range(runs + 1):
        sample_load()
        start = time.perf_counter()
        done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
        if done.returncode not in ok:
            raise RuntimeError(f"{cmd[0]} exited with {done.returncode}")
        if i:
            times.append(time.perf_counter() - start)
    return times


def divan_medians(text):
    """({bench: median seconds}, {bench: median throughput}) from divan's table."""
    medians, throughput, last = {}, {}, None
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) < 4:
            continue
        parts = re.sub(r"^[├╰─\s]+", "", cells[0]).split()
        m = re.match(r"([\d.]+)\s*(ns|µs|us|ms|s)$", cells[2])
        if parts and m:
            last = parts[0]
            medians[last] = float(m.group(1)) * UNITS[m.group(2)]
        elif not parts and last and re.search(r"[KMG]?B/s$", cells[3]):
            throughput[last] = cells[3]
    return medians, throughput


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, {rustc}"


def fmt_s(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def ensure_peers(packages=PEER_VERSIONS):
    """Installs npm peers into target/bench-peers (once) and copies the scripts there."""
    PEERS.mkdir(parents=True, exist_ok=True)
    if not all((PEERS / "node_modules" / p.rsplit("@", 1)[0]).exists() for p in packages):
        if not (PEERS / "package.json").exists():
            run(["npm", "init", "-y"], cwd=PEERS, capture_output=True)
        run(["npm", "install", "--no-audit", "--no-fund", *packages], cwd=PEERS, capture_output=True)
    for script in (ROOT / "benches/peers").glob("*.mjs"):
        shutil.copy(script, PEERS / script.name)


# The GitHub stand-in's process (standin/examples/standin.rs) and pat-audit, in release,
# where cargo puts them (CARGO_TARGET_DIR when set).
RELEASE = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
STANDIN = RELEASE / "examples/standin"
PAT_AUDIT = RELEASE / "pat-audit"
BUILD_STANDIN = ["cargo", "build", "--release", "-p", "github-standin", "--example", "standin"]
BUILD_PAT_AUDIT = ["cargo", "build", "--release", "-p", "pat-audit", "--bin", "pat-audit"]


@contextlib.contextmanager
def standin_process(flags):
    """The GitHub stand-in (standin/examples/standin.rs) in its own process, with these flags;
    yields its base URL and `seen()`: what it answered since the last `seen()` (requests,
    not_modified, writes, minted, reads, app_reads, logged) and the rate limit spent since it
    started (rate_limit_used), as integers."""
    server = subprocess.Popen([str(STANDIN), *flags], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def seen():
        server.stdin.write("\n")
        server.stdin.flush()
        return {k: int(v) for k, v in (kv.split("=") for kv in server.stdout.readline().split())}

    try:
        yield server.stdout.readline().strip(), seen
    finally:
        server.stdin.close()
        server.wait(timeout=10)


@contextlib.contextmanager
def standin(grants_per_org, latency_ms, orgs=10, credentials_per_org=0, extra=()):
    """The GitHub stand-in in its own process, serving generated organizations; yields its base URL."""
    with standin_process(["--orgs", str(orgs), "--grants-per-org", str(grants_per_org),
                          "--latency-ms", str(latency_ms), "--credentials-per-org", str(credentials_per_org),
                          "--now", AUDIT_NOW, *extra]) as (base, _):
        yield base


def peak_rss_kib(cmd, env, ok=(0,)):
    """The peak resident memory of one run of a command, as the kernel accounts it (os.wait4)."""
    sample_load()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok:
        raise RuntimeError(f"{cmd[0]} exited with {child.returncode}")
    return usage.ru_maxrss


def audit_benchmarks(args, rows, peers_ok):
    """6. pat-audit: 100,000 grants across 10 organizations on the stand-in, 50 ms a page."""
    run(BUILD_PAT_AUDIT, capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    orgs = [f"org-{n:02}" for n in range(1, 11)]
    env = dict(os.environ, GITHUB_TOKEN="bench")

    def audit(base, *extra, kinds="grant,request"):
        return [str(PAT_AUDIT), "audit", "--base-url", base, "--now", AUDIT_NOW, "--quiet",
                "--kind", kinds, *[a for org in orgs for a in ("--org", org)], *extra]

    # Each organization: 100 pages of grants and one (empty) page of requests
    # (the grants and requests only, as the octokit.js script audits).
    pages = len(orgs) * (100 + 1)
    wall = {}
    with standin(10_000, 50) as base:
        for concurrency in (4, 8):
            wall[concurrency] = statistics.median(
                timed(audit(base, "--format", "json", "--concurrency", str(concurrency)), args.runs, env=env))
            ideal = pages / concurrency * 0.050
            rows.append((f"6. `pat-audit audit` 100,000 grants, 10 orgs, 50 ms/page, concurrency {concurrency}",
                         fmt_s(wall[concurrency]), f"ideal {fmt_s(ideal)} ({pages} pages / {concurrency} x 50 ms)",
                         f"{wall[concurrency] / ideal:.2f}x", "≤ 1.15x"))
        if peers_ok:
            ensure_peers([p for p in PEER_VERSIONS if p.startswith("@octokit/rest@")])
            octokit = statistics.median(timed(["node", "octokit-audit.mjs", base, AUDIT_NOW, *orgs],
                                              min(args.runs, 3), cwd=PEERS, env=env))
            for concurrency in (4, 8):
                rows.append((f"6. octokit.js audit, one org after another (vs concurrency {concurrency})",
                             fmt_s(octokit), f"pat-audit {fmt_s(wall[concurrency])}",
                             f"ours {octokit / wall[concurrency]:.1f}x faster", "≥ 5x"))
    # The four kinds: each organization adds 20 pages of 2,000 credential
    # authorizations and one (empty) page of installed Apps.
    with standin(10_000, 50, credentials_per_org=2_000) as base:
        pages = len(orgs) * (100 + 1 + 20 + 1)
        four = statistics.median(timed(audit(base, "--format", "json", kinds="grant,request,credential,installation"),
                                       args.runs, env=env))
        ideal = pages / 4 * 0.050
        rows.append(("6. `pat-audit audit` four kinds: 100,000 grants, 20,000 credentials, 10 orgs, 50 ms/page, "
                     "concurrency 4", fmt_s(four), f"ideal {fmt_s(ideal)} ({pages} pages / 4 x 50 ms)",
                     f"{four / ideal:.2f}x", "≤ 1.15x"))
    # Peak memory, no latency: flat in the number of grants for the streamed
    # formats; the table keeps every finding (never the grants) until the end.
    for fmt in ("json", "csv", "table", "markdown"):
        rss = {}
        for grants in (1_000, 10_000):
            with standin(grants, 0) as base:
                rss[grants] = statistics.median(peak_rss_kib(audit(base, "--format", fmt), env) for _ in range(3))
        rows.append((f"6. `pat-audit audit` peak RSS, {fmt}, 100,000 grants", f"{rss[10_000] / 1024:.1f} MiB",
                     f"10,000 grants {rss[1_000] / 1024:.1f} MiB", f"{rss[10_000] / rss[1_000]:.2f}x",
                     "flat" if fmt in ("json", "csv") else "≤ 64 MiB (grows with the findings only)"))


def trace_benchmarks(args, rows):
    """6. pat-audit trace: 20 tokens across 10 organizations, 250 events each (3 pages), 50 ms a page."""
    run(BUILD_PAT_AUDIT, capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    env = dict(os.environ, GITHUB_TOKEN="bench")

    def trace(base, tokens_file, orgs, *extra):
        return [str(PAT_AUDIT), "trace", "--base-url", base, "--now", AUDIT_NOW, "--quiet",
                "--token-file", tokens_file, "--format", "json", *[a for org in orgs for a in ("--org", org)], *extra]

    def tokens(n):
        f = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)
        f.write("".join(f"ghp_bench{i:031}\n" for i in range(n)))
        f.close()
        return f.name

    orgs = [f"org-{n:02}" for n in range(1, 11)]
    twenty = tokens(20)
    # 10 organizations x 20 tokens x 3 pages (250 events: 100, 100, 50); the
    # audit log's 1,750 queries an hour are not met by one run's 600, so the
    # ideal is the pages over the concurrency (the stand-in's process lifts
    # the limit, or the warm-up and the runs together would meet it).
    pages = len(orgs) * 20 * 3
    extra = ("--audit-tokens", "20", "--audit-events", "250")
    with standin(0, 50, extra=extra) as base:
        for concurrency in (4, 8):
            wall = statistics.median(timed(trace(base, twenty, orgs, "--concurrency", str(concurrency)), args.runs,
                                           env=env, ok=(3,)))
            ideal = pages / concurrency * 0.050
            rows.append((f"6. `pat-audit trace` 20 tokens, 10 orgs, 3 pages each, 50 ms/page, concurrency {concurrency}",
                         fmt_s(wall), f"ideal {fmt_s(ideal)} ({pages} pages / {concurrency} x 50 ms)",
                         f"{wall / ideal:.2f}x", "≤ 1.15x"))
    # Peak memory, no latency: one token's events in one organization.
    one = tokens(1)
    rss = {}
    for events in (1_000, 10_000):
        with standin(0, 0, orgs=1, extra=("--audit-tokens", "1", "--audit-events", str(events))) as base:
            rss[events] = statistics.median(peak_rss_kib(trace(base, one, ["org-01"]), env, ok=(3,)) for _ in range(3))
    rows.append(("6. `pat-audit trace` peak RSS, json, 10,000 events", f"{rss[10_000] / 1024:.1f} MiB",
                 f"1,000 events {rss[1_000] / 1024:.1f} MiB", f"{rss[10_000] / rss[1_000]:.2f}x", "flat"))


def contain_benchmarks(args, rows):
    """Issue 27: `pat-audit contain` of one user across 100 organizations, 50 ms an answer,
    concurrency 4, signed in as a GitHub App installed on all of them (--all-installations).
    Each organization holds 1,000 generated grants and 10 requests of other people and 3
    grants, 3 pending requests and 3 SAML credential authorizations of the user."""
    run(BUILD_PAT_AUDIT, capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    orgs, held, concurrency, latency = 100, 3, 4, 0.050
    scratch = Path(tempfile.mkdtemp())
    key = scratch / "app-key.pem"
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_TOKEN"}
    walls, seen = [], []
    for i in range(args.runs + 1):
        # `--now` is refused with `--apply`: the stand-in's data use the real clock. A
        # fresh stand-in each run, since a run cuts what it holds.
        real_now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        flags = ["--orgs", str(orgs), "--grants-per-org", "1000", "--requests-per-org", "10",
                 "--holder", "mallory", "--held", str(held), "--latency-ms", str(int(latency * 1000)),
                 "--now", real_now, "--app-key", str(key)]
        with standin_process(flags) as (base, stand_in_seen):
            cmd = [str(PAT_AUDIT), "contain", "--user", "mallory", "--all-installations", "--app-id", "4242",
                   "--private-key", str(key), "--base-url", base, "--concurrency", str(concurrency),
                   "--apply", "--yes", "--format", "json", "--quiet"]
            sample_load()
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
            elapsed = time.perf_counter() - start
            saw = stand_in_seen()
        results = [json.loads(line)["result"] for line in done.stdout.splitlines() if line.strip()]
        if done.returncode != 0 or len(results) != orgs * held * 3 or set(results) != {"done"}:
            raise RuntimeError(f"contain exited with {done.returncode}, {len(results)} rows "
                               f"({sorted(set(results))}): {done.stderr[-2000:]}")
        print(f"contain run {i}: {elapsed:.2f} s, stand-in saw {saw}", file=sys.stderr)
        if i:
            walls.append(elapsed)
            seen.append(saw)
    wall = statistics.median(walls)
    saw = seen[len(seen) // 2]
    if any(s != saw for s in seen):
        print(f"the stand-in saw different calls in different runs: {seen}", file=sys.stderr)
    calls = saw["requests"]
    # The ideal of the formula: every call the stand-in answered, `concurrency` in flight.
    flat = calls / concurrency * latency
    # The ideal in pat-audit's order: the App's installations listed first (one page after
    # another), then each organization's installation token and listings, `concurrency` in
    # flight, and once everything is planned the writes, `concurrency` organizations at once.
    ordered = (saw["app_reads"] + (saw["minted"] + saw["reads"] + saw["writes"]) / concurrency) * latency
    what = (f"{calls} calls: {saw['app_reads']} installation pages, {saw['minted']} tokens, "
            f"{saw['reads']} listing pages, {saw['writes']} writes")
    rows.append((f"27. `pat-audit contain` one user, {orgs} orgs ({held} grants, {held} requests, {held} "
                 f"credentials each), 50 ms/answer, concurrency {concurrency}, `--apply --yes`", fmt_s(wall),
                 f"ideal {fmt_s(flat)} ({calls} calls / {concurrency} x 50 ms); {what}",
                 f"{wall / flat:.2f}x", "≤ 1.15x"))
    rows.append(("27. … against the ideal in pat-audit's order (installations, then the rest 4 at a time)",
                 fmt_s(wall),
                 f"{fmt_s(ordered)} ({saw['app_reads']} + ({saw['minted']} + {saw['reads']} + "
                 f"{saw['writes']}) / {concurrency} x 50 ms)", f"{wall / ordered:.2f}x", ""))


def cache_benchmarks(args, rows):
    """Issue 28: a second, unchanged audit of 10 organizations x 10,000 grants at 50 ms an
    answer with `--cache DIR`: the answers that were not 304, the rate limit it spent against
    the first run's, and both runs' wall times. A fresh stand-in and cache for each pair."""
    run(BUILD_PAT_AUDIT, capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    orgs = [f"org-{n:02}" for n in range(1, 11)]
    env = dict(os.environ, GITHUB_TOKEN="bench")
    pairs = []
    for i in range(args.runs + 1):
        cache = Path(tempfile.mkdtemp()) / "cache"
        cmd_base = [str(PAT_AUDIT), "audit", "--now", AUDIT_NOW, "--quiet", "--kind", "grant,request",
                    "--format", "json", "--cache", str(cache), *[a for org in orgs for a in ("--org", org)]]
        flags = ["--orgs", "10", "--grants-per-org", "10000", "--latency-ms", "50", "--now", AUDIT_NOW]
        with standin_process(flags) as (base, saw):
            cmd = cmd_base + ["--base-url", base]
            pair, reports = [], []
            for _ in ("first", "second"):
                sample_load()
                start = time.perf_counter()
                done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
                elapsed = time.perf_counter() - start
                if done.returncode not in (0, 3):  # 3: findings
                    raise RuntimeError(f"pat-audit audit exited with {done.returncode}")
                pair.append((elapsed, saw()))
                # JSON lines come in the order pages arrive: compared sorted.
                reports.append(sorted(done.stdout.splitlines()))
            if reports[0] != reports[1]:
                raise RuntimeError("the second audit's report differs from the first's")
        shutil.rmtree(cache.parent, ignore_errors=True)
        print(f"cache pair {i}: {pair}", file=sys.stderr)
        if i:
            pairs.append(pair)

    def med(f):
        return statistics.median(f(p) for p in pairs)

    first_wall, second_wall = med(lambda p: p[0][0]), med(lambda p: p[1][0])
    not_304 = med(lambda p: p[1][1]["requests"] - p[1][1]["not_modified"])
    spent_first = med(lambda p: p[0][1]["rate_limit_used"])
    spent_second = med(lambda p: p[1][1]["rate_limit_used"] - p[0][1]["rate_limit_used"])
    answers = med(lambda p: p[1][1]["requests"])
    rows.append(("28. second unchanged `pat-audit audit --cache DIR`, 100,000 grants, 10 orgs, 50 ms/answer: "
                 "answers not 304", f"{not_304:.0f}", f"of {answers:.0f} answers", "", "0"))
    rows.append(("28. … rate limit spent by the second run", f"{spent_second:.0f}",
                 f"first run {spent_first:.0f}", f"{spent_second / spent_first:.1%}", "≤ 1%"))
    rows.append(("28. … wall time, second run", fmt_s(second_wall), f"first run (empty cache) {fmt_s(first_wall)}",
                 f"{second_wall / first_wall:.2f}x", ""))


# A policy that forbids what every generated grant holds, so that
# `revoke --policy` revokes all of them.
REVOKE_ALL_POLICY = """[grants]
forbidden_permissions = ["repository.metadata:read"]
"""


def consumer_package(where, sdk, extra=""):
    """A scratch package at `where` that depends on the SDK at `sdk` (`extra`:
    more of the dependency's table, e.g. its features) like any user's, with
    the SDK's two consumer programs (benches/consumer/); built once, so its
    dependencies are prebuilt. Not a member of the SDK's workspace."""
    (where / "src" / "bin").mkdir(parents=True, exist_ok=True)
    (where / "Cargo.toml").write_text(
        '[package]\nname = "bench-consumer"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        "# Not a member of the SDK's workspace.\n[workspace]\n\n[dependencies]\n"
        f'github-pat-grants = {{ path = "{sdk}"{extra} }}\nfutures = "0.3"\n'
        'tokio = { version = "1", features = ["macros", "rt"] }\n')
    (where / "src" / "main.rs").write_text("fn main() {}\n")
    for program in ["one", "all"]:
        shutil.copy(sdk / "benches" / "consumer" / f"{program}.rs", where / "src" / "bin" / f"{program}.rs")
    shutil.copy(sdk / "Cargo.lock", where / "Cargo.lock")
    run(["cargo", "build", "--bins"], cwd=where, capture_output=True)
    return where


def compile_benchmarks(args, rows):
    """5. Consumer compile cost."""
    # 5. Consumer compile cost, as a consumer's build pays it: the SDK is a
    # dependency of a scratch package (so, like any dependency, it is compiled
    # without incremental state), its dependencies are prebuilt, and the
    # package's two programs (benches/consumer/) use one and all operations.
    consumer = consumer_package(ROOT / "target" / "bench-consumer", ROOT)
    builds = {"sdk": [], "one": [], "all": []}
    for _ in range(args.runs):
        for name, what in [("sdk", ["-p", "github-pat-grants"]), ("one", ["--bin", "one"]), ("all", ["--bin", "all"])]:
            run(["cargo", "clean", "-p", "github-pat-grants", "-p", "bench-consumer"], cwd=consumer, capture_output=True)
            sample_load()
            start = time.perf_counter()
            run(["cargo", "build", *what], cwd=consumer, capture_output=True)
            builds[name].append(time.perf_counter() - start)
    lines = sum(len(p.read_text().splitlines()) for p in (ROOT / "generated").glob("*.rs"))
    sdk = statistics.median(builds["sdk"])
    rows.append(("5. clean debug build of the SDK (deps prebuilt)", fmt_s(sdk),
                 f"{lines} lines in generated/", "", "≤ 3 s"))
    for name, label in [("one", "5. … + a program using one operation"), ("all", "5. … + a program using all eight")]:
        rows.append((label, fmt_s(statistics.median(builds[name])), f"SDK alone {fmt_s(sdk)}",
                     f"{statistics.median(builds[name]) / sdk:.2f}x", ""))


def act_benchmarks(args, rows):
    """7. pat-audit's acting half: per webhook (divan), and revoking 10,000 grants on the stand-in."""
    med, speeds = {}, {}
    if not args.no_divan:
        bench = run(["cargo", "bench", "-p", "pat-audit", "--bench", "act"], capture_output=True)
        (OUT / "divan-act.txt").write_text(bench.stdout)
        print(bench.stdout, file=sys.stderr)
        med, speeds = divan_medians(bench.stdout)
    for name, label in [("verify_signature", "7. verify X-Hub-Signature-256 of a 3 kB delivery"),
                        ("verify_and_decode_event", "7. … and decode it into the typed event (`Delivery::from_request`)"),
                        ("decide", "7. the policy's decision on the request")]:
        if name in med:
            rows.append((label, f"{med[name] * 1e6:.1f} µs", speeds.get(name, ""), "", "(per webhook)"))
    if "revoke_10000_grants" in med:
        rows.append(("7. revoke 10,000 grants, in process (`act::execute`)", fmt_s(med["revoke_10000_grants"]),
                     "100 calls of 100 ids", f"{med['revoke_10000_grants'] / 100 * 1000:.2f} ms a call", ""))

    # The command as a user runs it: list 10,000 grants (100 pages), plan,
    # send 100 calls; a fresh stand-in each run, which counts the calls.
    run(BUILD_PAT_AUDIT, capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    policy = OUT / "revoke-all.toml"
    policy.write_text(REVOKE_ALL_POLICY)
    env = dict(os.environ, GITHUB_TOKEN="bench")
    walls = {"plan": [], "apply": []}
    calls = set()
    for i in range(args.runs + 1):
        for mode in ("plan", "apply"):
            # `--now` is for looking, refused with `--apply`: the stand-in's
            # data and pat-audit's decisions both use the real clock here.
            real_now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            server = subprocess.Popen([str(STANDIN), "--orgs", "1", "--grants-per-org", "10000",
                                       "--now", real_now],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            base = server.stdout.readline().strip()
            cmd = [str(PAT_AUDIT), "revoke", "--org", "org-01", "--base-url", base,
                   "--policy", str(policy), "--format", "json", "--quiet"]
            if mode == "apply":
                cmd += ["--apply", "--yes"]
            sample_load()
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            elapsed = time.perf_counter() - start
            server.stdin.close()
            summary = server.stdout.read().strip()
            server.wait(timeout=10)
            if mode == "apply":
                calls.add(summary)
            if i:
                walls[mode].append(elapsed)
    plan, apply = statistics.median(walls["plan"]), statistics.median(walls["apply"])
    rows.append(("7. `pat-audit revoke --apply --yes` 10,000 grants (list, plan, send)", fmt_s(apply),
                 f"plan only {fmt_s(plan)}; stand-in saw {', '.join(sorted(calls))}",
                 f"{(apply - plan) * 1000:.0f} ms for the calls", ""))


def print_table(rows):
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    table = [f"Machine: {machine()}; {when}; medians (divan, release) unless noted; load: the 1-minute "
             "load average before each run.", "",
             "| measure | median | against | ratio | target | load |", "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(row) + " |" for row in rows]
    text = "\n".join(table) + "\n"
    (OUT / "table.md").write_text(text)
    print(text)


def timed_usage(cmd, **kw):
    """(wall seconds, peak RSS KiB, CPU seconds) of one run of a command, as the kernel accounts
    it (os.wait4: the command and the processes it waited for, so `cargo xtask` counts xtask).
    CPU time, user and system, is what a loaded machine does not inflate."""
    sample_load()
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def timed_rss(cmd, **kw):
    """(wall seconds, peak RSS KiB) of one run of a command."""
    wall, rss, _ = timed_usage(cmd, **kw)
    return wall, rss


def operation_ids(description):
    """Every operationId under `paths` of a description."""
    doc = json.loads(Path(description).read_text())
    return sorted(op["operationId"] for item in doc["paths"].values() for op in item.values()
                  if isinstance(op, dict) and "operationId" in op)


def generator_as_run(args, rows, generated):
    """The generator measured the way maintainers run it: `cargo xtask ...` (the debug build
    through cargo, as the alias runs it) and its binary alone, as whole processes; paired
    runs against redocly, interleaved. `generated` is @octokit/openapi's generated/ folder."""
    run(["cargo", "build", "-p", "xtask"], capture_output=True)
    api, ghec = generated / "api.github.com.json", generated / "ghec.json"
    scratch = Path(tempfile.mkdtemp())
    (scratch / "spec/operations").mkdir(parents=True)
    document = json.loads((ROOT / "spec/document.json").read_text())
    document.pop("x-cargo-features", None)
    (scratch / "spec/document.json").write_text(json.dumps(document, indent=2))
    kept = scratch / "target/xtask/descriptions"
    binary = [str(ROOT / "target/debug/xtask"), "--root", str(scratch)]
    import_args = ["import", "--from", str(api), "--operation", "orgs/list-pat-grants"]
    cargo = ["cargo", "xtask", "--root", str(scratch)]
    env = dict(os.environ)
    env.pop("CARGO_TARGET_DIR", None)
    samples = {"cargo": [], "binary": [], "cold": [], "redocly": []}
    peers = shutil.which("node") and shutil.which("npm") and not args.no_peers
    if peers:
        ensure_peers()
        (PEERS / "redocly.yaml").write_text(
            f"apis:\n  github:\n    root: {api}\n    decorators:\n      filter-in:\n"
            "        property: operationId\n        value:\n          - orgs/list-pat-grants\n")
    quiet = dict(env, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
    timed_rss(cargo + import_args, cwd=ROOT, env=env)  # warm-up: builds, keeps the layout
    for _ in range(args.runs):
        samples["cargo"].append(timed_usage(cargo + import_args, cwd=ROOT, env=env))
        samples["binary"].append(timed_usage(binary + import_args, cwd=ROOT, env=env))
        shutil.rmtree(kept, ignore_errors=True)
        samples["cold"].append(timed_usage(binary + import_args, cwd=ROOT, env=env))
        if peers:
            samples["redocly"].append(timed_rss(
                [str(PEERS / "node_modules/.bin/redocly"), "bundle", "github", "--config", "redocly.yaml",
                 "--remove-unused-components", "-o", str(PEERS / "out.json")], cwd=PEERS, env=quiet))
    med = {k: (statistics.median(u[0] for u in v), statistics.median(u[1] for u in v) / 1024)
           for k, v in samples.items() if v}
    cpu = {k: statistics.median(u[2] for u in v) for k, v in samples.items() if v and len(v[0]) == 3}
    cargo_s, cargo_mib = med["cargo"]
    rows.append(("1. `cargo xtask import` one operation (whole process, debug build)",
                 f"{fmt_s(cargo_s)} / {cargo_mib:.0f} MiB", f"CPU {fmt_s(cpu['cargo'])}", "", "≤ 0.3 s"))
    rows.append(("1. … the xtask binary alone (layout kept)", f"{fmt_s(med['binary'][0])} / {med['binary'][1]:.1f} MiB",
                 f"cargo xtask {fmt_s(cargo_s)}; CPU {fmt_s(cpu['binary'])}", "", "≤ 0.1 s, ≤ 32 MiB"))
    rows.append(("1. … the xtask binary alone, first import of the description", f"{fmt_s(med['cold'][0])} / {med['cold'][1]:.1f} MiB",
                 f"CPU {fmt_s(cpu['cold'])}", "", ""))
    if "redocly" in med:
        r = med["redocly"][0] / cargo_s
        rows.append(("1. redocly 2.77 filter-in + remove-unused (process, paired)",
                     f"{fmt_s(med['redocly'][0])} / {med['redocly'][1]:.0f} MiB",
                     f"cargo xtask import {fmt_s(cargo_s)}", f"ours {r:.1f}x faster", ""))
    # The whole of GHEC's description imported into a scratch spec/, then generated as run.
    whole = Path(tempfile.mkdtemp())
    (whole / "spec/operations").mkdir(parents=True)
    document["x-primary-description"] = "ghec"
    (whole / "spec/document.json").write_text(json.dumps(document, indent=2))
    ids = operation_ids(ghec)
    run(["cargo", "xtask", "--root", str(whole), "import", "--from", str(ghec)]
        + [a for i in ids for a in ("--operation", i)], capture_output=True, env=env)
    generate = ["cargo", "xtask", "--root", str(whole), "generate"]
    timed_rss(generate, cwd=ROOT, env=env)  # warm-up: writes the outputs once
    gen = [timed_usage(generate, cwd=ROOT, env=env) for _ in range(max(3, args.runs // 2))]
    lines = sum(1 for _ in (whole / "generated/client.rs").open())
    rows.append((f"2. `cargo xtask generate` the whole GHEC description ({len(ids)} operations, process)",
                 f"{fmt_s(statistics.median(w for w, _, _ in gen))} / {statistics.median(m for _, m, _ in gen) / 1024:.0f} MiB",
                 f"{lines:,} generated lines; CPU {fmt_s(statistics.median(c for _, _, c in gen))}", "", "≤ 10 s"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--runs", type=int, default=5, help="runs per process-level measurement")
    ap.add_argument("--audit-only", action="store_true", help="only pat-audit's benchmarks (6.)")
    ap.add_argument("--act-only", action="store_true", help="only pat-audit's acting half (7.)")
    ap.add_argument("--no-divan", action="store_true",
                    help="with --act-only: the processes only, not the in-process benchmarks (a bench build)")
    ap.add_argument("--trace-only", action="store_true", help="only pat-audit trace's benchmarks (6.)")
    ap.add_argument("--contain-only", action="store_true",
                    help="only pat-audit contain of one user across 100 organizations (issue 27)")
    ap.add_argument("--cache-only", action="store_true",
                    help="only a second, unchanged audit with --cache (issue 28)")
    ap.add_argument("--compile-only", action="store_true", help="only the consumer compile cost (5.)")
    ap.add_argument("--generator-only", action="store_true",
                    help="only the generator as maintainers run it (cargo xtask import/generate, processes)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    peers_ok = not args.no_peers and shutil.which("node") and shutil.which("npm")
    # One part alone: the flag names which benchmarks run, then their table.
    generated = Path(os.environ.get("OCTOKIT_GENERATED", ROOT.parent / "octokit/package/generated"))
    parts = [
        (args.act_only, [act_benchmarks]),
        (args.trace_only, [trace_benchmarks]),
        (args.contain_only, [contain_benchmarks]),
        (args.cache_only, [cache_benchmarks]),
        (args.compile_only, [compile_benchmarks]),
        (args.generator_only, [lambda a, r: generator_as_run(a, r, generated)]),
        (args.audit_only, [lambda a, r: audit_benchmarks(a, r, peers_ok), trace_benchmarks]),
    ]
    for wanted, benchmarks in parts:
        if wanted:
            rows = Rows()
            for benchmark in benchmarks:
                benchmark(args, rows)
            print_table(rows)
            return

    desc = Path(os.environ.get("GITHUB_REST_DESCRIPTION", ROOT.parent / "shared/github-rest/api.github.com.json"))
    have_desc = desc.exists()
    env = dict(os.environ)
    if have_desc:
        env["GITHUB_REST_DESCRIPTION"] = str(desc)
    else:
        print(f"no description at {desc}: scale figures skipped", file=sys.stderr)

    rows = Rows()  # (measure, value, against, ratio, target)

    # 1-4 in process: divan.
    # The generator's benchmark is xtask's, the client's the SDK's.
    divan = "".join(
        run(["cargo", "bench", "-p", package, "--bench", name], env=env, capture_output=True).stdout
        for package, name in [("xtask", "pipeline"), ("github-pat-grants", "client")]
    )
    (OUT / "divan.txt").write_text(divan)
    print(divan, file=sys.stderr)
    med, speeds = divan_medians(divan)

    def ratio_row(label, name, limit_name, target, better="lower"):
        if name in med and limit_name in med:
            r = med[name] / med[limit_name]
            rows.append((label, fmt_s(med[name]), f"{limit_name} {fmt_s(med[limit_name])}", f"{r:.2f}x", target))

    if have_desc:
        ratio_row("1. import one operation (in process)", "import_one_operation", "serde_json_parse_and_write", "≤ 1.25x")
        ratio_row("1. resolve every $ref (in process)", "resolve_every_ref", "serde_json_parse_and_write", "(limit)")
    if "generate_spec" in med:
        rows.append(("2. generate spec/ (in process)", fmt_s(med["generate_spec"]), "", "", "well under 1 s"))
    if "decode_page_models" in med and "decode_page_value" in med:
        rows.append((
            "3. decode 100 grants into models",
            f"{fmt_s(med['decode_page_models'])} ({speeds.get('decode_page_models', '?')})",
            f"serde_json::Value {fmt_s(med['decode_page_value'])} ({speeds.get('decode_page_value', '?')})",
            f"{med['decode_page_models'] / med['decode_page_value']:.2f}x",
            "(reference)",
        ))
    ratio_row("4. stream 10,000 grants (SDK defaults)", "stream_sdk", "stream_minimal_loop", "≤ 1.2x")
    ratio_row("4. stream 10,000 grants (SDK, plain reqwest)", "stream_sdk_plain_reqwest", "stream_minimal_loop", "≤ 1.2x")
    # GitHub App authentication: a new App per run, so the JWT and the mint
    # (and the organization lookup) are in every measurement.
    ratio_row("4. stream 10,000 grants as an App (mint included)", "stream_app_auth", "stream_static_token", "≤ 1.05x")
    ratio_row("4. … as an App, installation found from the org", "stream_app_auth_org_lookup", "stream_static_token",
              "(reference)")
    if "jwt_sign" in med:
        rows.append(("4. sign an App JWT (RS256, 2048-bit key)", f"{med['jwt_sign'] * 1e6:.0f} µs", "", "", "(reference)"))

    # 4. Peak memory.
    run(["cargo", "build", "--release", "-p", "xtask"], capture_output=True)
    run(["cargo", "build", "--release", "--example", "stream-memory"], capture_output=True)
    run(BUILD_STANDIN, capture_output=True)
    mem = {}
    for label, extra in [("1 page", ["--pages", "1"]), ("100,000 streamed", ["--pages", "1000"]),
                         ("100,000 collected", ["--pages", "1000", "--collect"])]:
        line = run([str(RELEASE / "examples/stream-memory"), *extra], capture_output=True).stdout
        mem[label] = int(re.search(r"peak_rss_kib=(\d+)", line).group(1))
    rows.append(("4. peak RSS streaming 100,000 grants", f"{mem['100,000 streamed'] / 1024:.1f} MiB",
                 f"one page {mem['1 page'] / 1024:.1f} MiB; collected {mem['100,000 collected'] / 1024:.0f} MiB",
                 f"{mem['100,000 streamed'] / mem['1 page']:.2f}x", "flat (≈ one page)"))

    compile_benchmarks(args, rows)

    # Process-level: our import vs the npm peers on the same input.
    if have_desc:
        scratch = Path(tempfile.mkdtemp())
        for sub in ["spec/operations", "spec/components"]:
            (scratch / sub).mkdir(parents=True)
        shutil.copy(ROOT / "spec/document.json", scratch / "spec/document.json")
        ours = timed([str(RELEASE / "xtask"), "--root", str(scratch), "import", "--from", str(desc),
                      "--operation", "orgs/list-pat-grants"], args.runs)
        rows.append(("1. `xtask import` one operation (process)", fmt_s(statistics.median(ours)), "", "", ""))
    if peers_ok and have_desc:
        ensure_peers()
        (PEERS / "redocly.yaml").write_text(
            f"apis:\n  github:\n    root: {desc}\n    decorators:\n      filter-in:\n"
            "        property: operationId\n        value:\n          - orgs/list-pat-grants\n")
        quiet = dict(env, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true")
        redocly = timed([str(PEERS / "node_modules/.bin/redocly"), "bundle", "github", "--config", "redocly.yaml",
                         "--remove-unused-components", "-o", str(PEERS / "out.json")], args.runs, cwd=PEERS, env=quiet)
        r = statistics.median(redocly) / statistics.median(ours)
        rows.append(("1. redocly filter-in + remove-unused (process)", fmt_s(statistics.median(redocly)),
                     f"xtask import {fmt_s(statistics.median(ours))}", f"ours {r:.1f}x faster", "≥ 15x"))
        deref = json.loads(run(["node", "deref.mjs", str(desc), str(args.runs)], cwd=PEERS,
                               capture_output=True).stdout)["seconds"]
        if "resolve_every_ref" in med:
            r = statistics.median(deref) / med["resolve_every_ref"]
            rows.append(("1. json-schema-ref-parser dereference (in process)", fmt_s(statistics.median(deref)),
                         f"resolve_every_ref {fmt_s(med['resolve_every_ref'])}", f"ours {r:.1f}x faster", ""))
        server = subprocess.Popen([str(STANDIN), "--org", "acme", "--grants-per-org", "10000"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            base = server.stdout.readline().strip()
            octo = json.loads(run(["node", "octokit-paginate.mjs", base, "10", "10000"], cwd=PEERS,
                                  capture_output=True).stdout)["seconds"]
        finally:
            server.stdin.close()
            server.wait(timeout=10)
        if "stream_sdk" in med:
            r = statistics.median(octo) / med["stream_sdk"]
            rows.append(("4. @octokit/rest paginate 10,000 grants", fmt_s(statistics.median(octo)),
                         f"SDK stream {fmt_s(med['stream_sdk'])}", f"ours {r:.1f}x faster", "≥ 3x"))
    elif not args.no_peers:
        print("node/npm not found (or no description): npm peers skipped", file=sys.stderr)

    audit_benchmarks(args, rows, peers_ok)
    trace_benchmarks(args, rows)
    act_benchmarks(args, rows)
    contain_benchmarks(args, rows)
    cache_benchmarks(args, rows)
    print_table(rows)


if __name__ == "__main__":
    main()
