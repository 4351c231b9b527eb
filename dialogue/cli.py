"""Command line: `python -m dialogue [--db PATH] COMMAND …` (also installed as `dialogue`)."""

from __future__ import annotations

import argparse
import sys
import time


def cmd_demo(args: argparse.Namespace) -> int:
    """Build the warehouse from the reference data plus synthetic demo data; refuse to throw away anything
    but demo data unless --replace (which backs the warehouse up first)."""
    from dialogue import access, backup, db, demo

    path = db.db_path(args.db)
    started = time.perf_counter()
    # Held from the check to the end of the build: no process writes (or reads) the file in between.
    with access.exclusive(path):
        held = backup.contents(path, locked=True)
        if not held.demo_only:
            if not args.replace:
                print(f"error: {held.describe()}.\nNothing was changed. `demo` rebuilds the warehouse from "
                      "scratch; to do it anyway run `demo --replace`, which backs the warehouse up first.",
                      file=sys.stderr)
                return 1
            saved = backup.backup(path, args.backup_dir or backup.default_dir(path), locked=True)
            print(f"{held.describe()}.\nBacked up to {saved.file} before rebuilding.")
        counts = demo.build_warehouse(path, scale=args.scale, seed=args.seed)
    elapsed = time.perf_counter() - started
    for table, n in counts.items():
        print(f"{table:>18}: {n:>12,}")
    print(f"demo warehouse ({args.scale}) written to {path} in {elapsed:.1f} s")
    return 0


def _say(stage: str, info: dict) -> None:
    # Progress on stderr (stdout holds the result); flushed so a watcher sees each stage at once.
    print(f"{stage} {' '.join(f'{k}={v}' for k, v in info.items())}".rstrip(), file=sys.stderr, flush=True)


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the warehouse, consistent, while the app serves; a manifest beside it; rotate old ones."""
    from dialogue import backup, db

    done = backup.backup(db.db_path(args.db), args.dest, keep=args.keep, progress=_say)
    m = done.manifest
    print(f"backup {done.file} ({m['bytes'] / 1024 ** 2:,.1f} MB, schema {m['schema_version']}, data version "
          f"{m['data_version']}, {sum(m['tables'].values()):,} rows in {len(m['tables'])} tables) in "
          f"{done.seconds:.1f} s")
    for f in done.removed:
        print(f"rotated away {f}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Verify a backup against its manifest and put it in place (a warehouse holding data: --replace)."""
    from dialogue import backup, db

    if args.check:
        m = backup.verify(args.source)
        print(f"{args.source}: checksum and rows of {len(m['tables'])} tables match the manifest "
              f"({m['created_at']}, schema {m['schema_version']})")
        return 0
    done = backup.restore(args.source, db.db_path(args.db), replace=args.replace, backup_dir=args.backup_dir,
                          progress=_say)
    if done.previous_backup:
        print(f"the warehouse it replaced is saved as {done.previous_backup}")
    m = done.manifest
    print(f"restored {done.source} ({m['created_at']}, {sum(m['tables'].values()):,} rows, verified) to "
          f"{done.target} in {done.seconds:.1f} s")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    """The performance benchmark: a table, then one JSON line."""
    from pathlib import Path

    from dialogue import bench

    result = bench.run(scale=args.scale, warehouse=Path(args.db) if args.db else None, cold_runs=args.cold,
                       warm_runs=args.warm, sessions=args.sessions, processes=args.processes,
                       browser=not args.no_browser, council=not args.no_packs)
    bench.print_report(result)
    return 0


def _operator(args: argparse.Namespace) -> str:
    """Who runs the command: --as, else the OS user (recorded in the load log)."""
    import getpass

    return args.as_user or getpass.getuser()


def cmd_ingest(args: argparse.Namespace) -> int:
    """Validate a file and load it whole: exit 0 loaded (or already loaded), 2 rejected, 1 other error."""
    from dialogue import ingest

    options = {k: v for k, v in (("tile_type", args.tile_type), ("quarter", args.quarter)) if v}
    if args.check:
        with ingest.open_warehouse(args.db, write=False) as con:
            report = ingest.ingest(con, args.dataset, args.file, loaded_by=_operator(args), progress=_say,
                                   load=False, options=options)
    else:   # checked while the app's readers go on; the writer role only to move the checked rows in
        report = ingest.load_file(args.db, args.dataset, args.file, loaded_by=_operator(args), progress=_say,
                                  options=options)
    print(report.text(args.lang))
    print(f"({report.seconds:.1f} s)", file=sys.stderr)
    return 0 if report.accepted else 2


def cmd_rollback(args: argparse.Namespace) -> int:
    """Undo a load: its rows are deleted and the load log says who rolled it back and when."""
    from dialogue import ingest

    with ingest.open_warehouse(args.db) as con:
        removed = ingest.rollback(con, args.load_id, by=_operator(args))
    print(f"load #{args.load_id} rolled back: {removed:,} rows removed")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """The new password: one line from stdin with --password-stdin, else typed twice (never from argv)."""
    import getpass

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if first != getpass.getpass("again: "):
        raise ValueError("the two passwords differ")
    return first


def _known_operators(args: argparse.Namespace) -> list[str]:
    """Operator codes of the warehouse (read-only, while the app may serve it)."""
    from dialogue import access, db

    path = db.db_path(args.db)
    if not path.is_file():
        raise ValueError(f"no warehouse at {path}: build or load it first, operators are checked against it")
    with access.reading(path) as cur:
        return [r[0] for r in cur.execute("select operator_code from operator order by 1").fetchall()]


def cmd_users(args: argparse.Namespace) -> int:
    """Manage the accounts of the users file (argon2-hashed passwords; path from --users or $DIALOGUE_USERS)."""
    from dialogue import auth, geography

    path = auth.users_path(args.users)
    if args.action == "list":
        entries = auth.load_users(path)
        for e in entries.values():
            scope = e.get("region_code") or e.get("operator_code") or ""
            login = ("password" if e.get("password_hash") else "") + (f" oidc:{e['oidc_email']}" if e.get("oidc_email") else "")
            print(f"{e['username']:<24} {e['role']:<10} {scope:<8} {login.strip()}")
        print(f"{len(entries)} user(s) in {path}")
        return 0
    if args.action == "remove":
        auth.remove_user(args.name, path)
        print(f"removed {auth.normalise_username(args.name)} from {path}")
        return 0
    if args.action == "passwd":
        if auth.find_user(args.name, path) is None:
            raise ValueError(f"no user {args.name!r}")
        auth.set_password(args.name, _read_password(args), path)
        print(f"password of {auth.normalise_username(args.name)} changed")
        return 0
    regions = geography.read_reference("regions.csv").region_code.tolist()
    operators = _known_operators(args) if args.role == "operator" else []
    # Everything that can be checked is checked before the password is asked for.
    auth.validate_account(auth.normalise_username(args.name), args.role, args.region, args.operator, regions,
                          operators, args.oidc_email.strip().lower() if args.oidc_email else None)
    if auth.find_user(args.name, path) is not None:
        raise ValueError(f"user {auth.normalise_username(args.name)!r} already exists")
    password = None if args.no_password else _read_password(args)
    entry = auth.add_user(args.name, args.role, password, region_code=args.region, operator_code=args.operator,
                          display_name=args.display_name, oidc_email=args.oidc_email, known_regions=regions,
                          known_operators=operators, path=path)
    print(f"added {entry['username']} ({entry['role']}) to {path}")
    return 0


def _add_users_parser(sub) -> None:
    users = sub.add_parser("users", help="manage user accounts (add, list, remove, passwd)")
    users.add_argument("--users", help="users file (default: $DIALOGUE_USERS or data/users.json)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="viewer, akimat, operator, atameken, regulator, ministry, admin")
    add.add_argument("--region", help="akimat users: their region, e.g. KZ-23")
    add.add_argument("--operator", help="operator users: their operator code")
    add.add_argument("--display-name")
    add.add_argument("--oidc-email", help="the e-mail of the organisation login (OIDC) that signs in as this user")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin, not the terminal")
    add.add_argument("--no-password", action="store_true", help="organisation login only (needs --oidc-email)")
    actions.add_parser("list", help="list the accounts (never the hashes)")
    remove = actions.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    passwd = actions.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    users.set_defaults(handler=cmd_users)


def cmd_brief(args: argparse.Namespace) -> int:
    """Write briefing packs (PDF, PPTX, XLSX) for one or more regions, a period and one or more languages.
    The warehouse is opened read-only, so packs are built while the app serves it. Several packs are written
    on every core, with an index and a zip of them all (`--region every --lang kk,ru,en`: a Council's)."""
    import json
    import re
    from datetime import date
    from pathlib import Path

    from dialogue import db, geography, i18n, packs, periods
    from dialogue.packs import council

    period = periods.parse(args.period) if args.period else None
    if args.period and period is None:
        raise ValueError(f"not a period: {args.period!r} (YYYY-MM, YYYY-Qn or YYYY)")
    known = list(geography.read_reference("regions.csv").region_code)
    asked = [r for r in re.split(r"[,\s]+", " ".join(args.region)) if r]
    regions: list[str | None] = []
    for code in asked or ["all"]:
        if code.lower() == "every":
            regions += [None, *known]
        elif code.lower() in ("all", "kz"):
            regions.append(None)
        elif code.upper() in known:
            regions.append(code.upper())
        else:
            raise ValueError(f"unknown region {code!r}: a code such as KZ-23, 'all' (the country) or 'every' "
                             "(the country and every region)")
    regions = list(dict.fromkeys(regions))
    langs = list(dict.fromkeys(x for x in re.split(r"[,\s]+", args.lang) if x))
    if not langs or set(langs) - set(i18n.LANGUAGES):
        raise ValueError(f"unknown language(s) in {args.lang!r}: choose from {', '.join(i18n.LANGUAGES)}")
    formats = [f for f in re.split(r"[,\s]+", args.formats) if f]
    unknown = set(formats) - set(packs.FORMATS)
    if unknown:
        raise ValueError(f"unknown format(s) {sorted(unknown)}: choose from {', '.join(packs.FORMATS)}")
    as_of = date.fromisoformat(args.as_of) if args.as_of else None
    started = time.perf_counter()
    try:
        if len(regions) * len(langs) > 1:
            result = council.write_all(db.db_path(args.db), regions, langs, Path(args.out), period, as_of, formats,
                                       workers=args.workers,
                                       progress=lambda done, total, r: print(f"[{done}/{total}] {packs.pack_line(r)}",
                                                                             flush=True))
            print(f"{len(result['packs'])} packs, index {result['index']}, zip {result['zip']} "
                  f"({result['seconds']:.1f} s)")
            records = result["packs"]
        else:
            con = packs.open_read_only(args.db)
            try:
                records = packs.write_files(con, regions, period, langs[0], Path(args.out), as_of_date=as_of,
                                            formats=formats, log=print)
            finally:
                con.close()
    except duckdb_errors() as exc:
        raise ValueError(f"cannot open the warehouse read-only (another process holds it for writing; try again when it is idle): {exc}") from None
    if args.timing:
        print(json.dumps({"packs": records, "seconds": round(time.perf_counter() - started, 3)}, ensure_ascii=False))
    return 0


def duckdb_errors() -> tuple[type[BaseException], ...]:
    import duckdb

    return (duckdb.IOException, duckdb.ConnectionException)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dialogue", description="Connectivity Dialogue warehouse tools")
    parser.add_argument("--db", help="warehouse file (default: $DIALOGUE_DB or data/warehouse.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="build the warehouse with synthetic demo data")
    demo.add_argument("--scale", choices=("small", "default", "large"), default="default")
    demo.add_argument("--seed", type=int, default=20240101)
    demo.add_argument("--replace", action="store_true",
                      help="rebuild even a warehouse holding real loads or edits (backed up first)")
    demo.add_argument("--backup-dir", help="where --replace saves the warehouse (default: backups/ beside it)")
    demo.set_defaults(handler=cmd_demo)

    backup = sub.add_parser("backup", help="copy the warehouse (consistent, while the app serves) with a manifest")
    backup.add_argument("dest", nargs="?", help="backup directory (default: backups/ beside the warehouse)")
    backup.add_argument("--keep", type=int, help="keep only the newest N backups of this warehouse")
    backup.set_defaults(handler=cmd_backup)

    restore = sub.add_parser("restore", help="verify a backup and put it in place at --db")
    restore.add_argument("source", help="a backup file, its manifest, or a backup directory (its newest backup)")
    restore.add_argument("--replace", action="store_true",
                         help="replace a warehouse that holds data (it is backed up first)")
    restore.add_argument("--backup-dir", help="where --replace saves the replaced warehouse")
    restore.add_argument("--check", action="store_true", help="only verify the backup against its manifest")
    restore.set_defaults(handler=cmd_restore)

    from dialogue.datasets import NAMES

    ingest = sub.add_parser("ingest", help="validate a CSV/XLSX (tiles: Parquet/CSV) file and load it (exit 0 loaded, 2 rejected, 1 error)")
    ingest.add_argument("dataset", choices=NAMES)
    ingest.add_argument("file")
    ingest.add_argument("--as", dest="as_user", help="who loads it, for the load log (default: the OS user)")
    ingest.add_argument("--check", action="store_true", help="validate only, load nothing")
    ingest.add_argument("--lang", choices=("en", "ru", "kk"), default="en", help="language of the report")
    ingest.add_argument("--tile-type", choices=("fixed", "mobile"),
                        help="speed_tiles: fixed or mobile, when the file name does not say")
    ingest.add_argument("--quarter", help="speed_tiles: the quarter (e.g. 2026-Q3), when the file name does not say")
    ingest.set_defaults(handler=cmd_ingest)

    rollback = sub.add_parser("rollback", help="undo a load: delete its rows, mark it rolled back")
    rollback.add_argument("load_id", type=int)
    rollback.add_argument("--as", dest="as_user", help="who rolls it back (default: the OS user)")
    rollback.set_defaults(handler=cmd_rollback)
    _add_users_parser(sub)

    brief = sub.add_parser("brief", help="write briefing packs (PDF, PowerPoint, Excel) per region and period")
    brief.add_argument("--region", nargs="+", default=["all"],
                       help="KZ-xx codes, 'all' for the country, 'every' for the country and every region; "
                            "several separated by commas or spaces")
    brief.add_argument("--period", help="YYYY-MM, YYYY-Qn or YYYY (default: the last complete month)")
    brief.add_argument("--lang", default="ru", help="kk, ru or en, or several: kk,ru,en")
    brief.add_argument("--workers", type=int, help="processes for several packs (default: one per core)")
    brief.add_argument("--out", default=".", help="folder for the files (created if missing)")
    brief.add_argument("--formats", default="pdf,pptx,xlsx", help="any of pdf, pptx, xlsx")
    brief.add_argument("--as-of", help="the day that counts as today, YYYY-MM-DD (default: today)")
    brief.add_argument("--timing", action="store_true", help="print the seconds each pack took, as JSON")
    brief.set_defaults(handler=cmd_brief)

    bench = sub.add_parser("bench", help="performance benchmark: server time, CPU, browser, 30 sessions (JSON last)")
    bench.add_argument("--scale", choices=("small", "default", "large"), default="large",
                       help="demo warehouse to build and measure (--db measures a given warehouse instead)")
    bench.add_argument("--cold", type=int, default=3, help="cold views per page (caches cleared)")
    bench.add_argument("--warm", type=int, default=10, help="warm views per page")
    bench.add_argument("--sessions", type=int, default=30, help="sessions at once in the load test")
    bench.add_argument("--processes", type=int, default=2, help="app processes serving the warehouse")
    bench.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    bench.add_argument("--no-packs", action="store_true", help="skip every pack for a Council (minutes)")
    bench.set_defaults(handler=cmd_bench)
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
