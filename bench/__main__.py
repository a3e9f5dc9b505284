"""Benchmark dispatcher behind `bench/run [--quick] [--json] [NAME ...]`.

Every module `bench/<name>.py` (not starting with "_") that defines `run(quick: bool) -> dict` is a
benchmark. Each runs in its own Python process (so each can configure Django its own way) and
returns:

    {"title": "…", "columns": ["measure", "kulturhub", "baseline", "goal"], "rows": [[…], …],
     "figures": {"name": number, …}, "notes": ["…"]}

The dispatcher prints every table; with --json the last line of its output is one JSON object
{"<name>": figures, …, "failed": [names]}.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MARKER = "BENCH-RESULT "


def discover() -> list[str]:
    names = []
    for path in sorted(BENCH_DIR.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        if "\ndef run(" in path.read_text(encoding="utf-8"):
            names.append(path.stem)
    return names


def run_one(name: str, quick: bool) -> dict:
    code = (
        "import json, sys\n"
        f"from bench import {name} as module\n"
        f"result = module.run(quick={quick!r})\n"
        f"print({MARKER!r} + json.dumps(result, default=str), flush=True)\n"
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=BENCH_DIR.parent, stdout=subprocess.PIPE, text=True, check=False
    )
    for line in reversed(process.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    raise RuntimeError(f"benchmark {name} exited with {process.returncode} and no result")


def table(result: dict) -> str:
    columns = result.get("columns", [])
    rows = [[str(cell) for cell in row] for row in result.get("rows", [])]
    widths = [
        max(len(str(c)), *(len(r[i]) for r in rows)) if rows else len(str(c)) for i, c in enumerate(columns)
    ]
    lines = [
        result.get("title", ""),
        "  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)),
    ]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines += [f"  note: {note}" for note in result.get("notes", [])]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer repetitions")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of all figures")
    parser.add_argument(
        "names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(discover())})"
    )
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    figures: dict = {"failed": []}
    for name in names:
        try:
            result = run_one(name, args.quick)
        except Exception as exc:  # noqa: BLE001 - reported, and the exit code says so
            print(f"{name}: FAILED ({exc})", flush=True)
            figures["failed"].append(name)
            continue
        print(table(result), flush=True)
        print(flush=True)
        figures[name] = result.get("figures", {})
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 1 if figures["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
