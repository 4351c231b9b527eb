"""Command line: `python -m dialogue [--db PATH] COMMAND …` (also installed as `dialogue`)."""

from __future__ import annotations

import argparse
import sys
import time


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the warehouse from the reference data plus synthetic demo data."""
    from dialogue import db, demo

    started = time.perf_counter()
    counts = demo.build_warehouse(db.db_path(args.db), scale=args.scale, seed=args.seed)
    elapsed = time.perf_counter() - started
    for table, n in counts.items():
        print(f"{table:>18}: {n:>12,}")
    print(f"demo warehouse ({args.scale}) written to {db.db_path(args.db)} in {elapsed:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialogue", description="Connectivity Dialogue warehouse tools")
    parser.add_argument("--db", help="warehouse file (default: $DIALOGUE_DB or data/warehouse.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the warehouse with synthetic demo data")
    demo.add_argument("--scale", choices=("small", "default", "large"), default="default")
    demo.add_argument("--seed", type=int, default=20240101)
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a clear one-line message, not a traceback, for operators at the terminal
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
