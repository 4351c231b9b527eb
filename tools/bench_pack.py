"""Benchmark: one regional briefing pack in all three formats on default-scale demo data.

    .venv/bin/python tools/bench_pack.py [--db data/warehouse.duckdb] [--region KZ-23] [--period 2026-Q3]
                                         [--lang ru] [--runs 3]

Builds a default-scale demo warehouse in a temporary folder when --db is not given (or does not exist),
then writes the pack --runs times, each on a fresh read-only connection as `dialogue brief` does, and
prints the seconds of each stage (sections, pdf, pptx, xlsx), wall and CPU. The last line is one JSON
object. A benchmark prints figures; the tests assert behaviour, not timings.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dialogue import demo, packs, periods  # noqa: E402

AS_OF = date(2026, 11, 15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db")
    parser.add_argument("--region", default="KZ-23")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--lang", default="ru")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db and Path(args.db).is_file() else Path(tmp) / "warehouse.duckdb"
        if not path.is_file():
            started = time.perf_counter()
            demo.build_warehouse(path, scale="default", as_of=AS_OF)
            print(f"default demo warehouse built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        runs = []
        for i in range(args.runs):
            con = packs.open_read_only(path)
            try:
                record = packs.write_files(con, [args.region], periods.parse(args.period), args.lang, Path(tmp) / "out",
                                           as_of_date=AS_OF)[0]
            finally:
                con.close()
            runs.append(record["seconds"])
            print(f"run {i + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in record["seconds"].items()))
    summary = {"bench": "pack", "region": args.region, "period": args.period, "lang": args.lang,
               "runs": runs, "median_total_s": round(statistics.median(r["total"] for r in runs), 3),
               "median_cpu_s": round(statistics.median(r["cpu"] for r in runs), 3),
               "first_total_s": runs[0]["total"]}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
