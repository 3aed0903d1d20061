#!/usr/bin/env python3
"""Interleaved A/B of the consumer compile cost (benches/run.py, section 5).

    python3 benches/compile_ab.py OLD_COMMIT [ROUNDS]

Side "old" is the SDK at OLD_COMMIT (a detached worktree under target/),
"new" is this checkout with its default features, "new+features" this
checkout with `apps` and `webhooks`. Each side is a scratch consumer package
with its own target directory, so its dependencies are built once and only
the SDK and the consumer are rebuilt (`cargo clean -p`) in each round; the
sides take turns within a round, so a machine whose speed drifts affects
them alike. Prints each round, the medians and the ratios against "old".
"""
import pathlib
import statistics
import subprocess
import sys
import time

from run import consumer_package

ROOT = pathlib.Path(__file__).resolve().parent.parent
BASE = ROOT / "target" / "compile-ab"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    old_commit, rounds = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    old = BASE / "old-sdk"
    if old.exists():
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(old), old_commit], cwd=ROOT, check=True,
                   capture_output=True)
    try:
        sides = {
            "old": consumer_package(BASE / "old", old),
            "new": consumer_package(BASE / "new", ROOT),
            "new+features": consumer_package(BASE / "new+features", ROOT, ', features = ["apps", "webhooks"]'),
        }
        builds = [("sdk", ["-p", "github-pat-grants"]), ("one", ["--bin", "one"]), ("all", ["--bin", "all"])]
        times = {name: {what: [] for what, _ in builds} for name in sides}
        for r in range(rounds):
            for name, c in sides.items():
                for what, args in builds:
                    subprocess.run(["cargo", "clean", "-p", "github-pat-grants", "-p", "bench-consumer"], cwd=c,
                                   check=True, capture_output=True)
                    start = time.perf_counter()
                    subprocess.run(["cargo", "build", *args], cwd=c, check=True, capture_output=True)
                    times[name][what].append(time.perf_counter() - start)
            print(f"round {r + 1}: " + "; ".join(
                f"{n} " + " ".join(f"{w} {t[w][-1]:.2f}" for w in t) for n, t in times.items()), flush=True)
        median = {n: {w: statistics.median(v) for w, v in t.items()} for n, t in times.items()}
        for name, m in median.items():
            print(f"{name}: " + ", ".join(f"{w} {s:.2f} s" for w, s in m.items()))
        for name in ("new", "new+features"):
            print(f"{name} / old: " + ", ".join(
                f"{w} {median[name][w] / median['old'][w]:.2f}x" for w in median["old"]))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
