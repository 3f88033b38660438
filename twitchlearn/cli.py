"""The `twitchlearn` command: check content now; serve and export arrive with their issues."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, read_course

__all__ = ["main"]


def _check(args: argparse.Namespace) -> int:
    folder = Path(args.directory) if args.directory else CONTENT_DIR
    try:
        course = read_course(folder)
    except ContentError as exc:
        print(f"twitchlearn check: {folder}", file=sys.stderr)
        print(exc, file=sys.stderr)
        return 1
    kinds = Counter(q.kind for q in course.questions.values())
    by_kind = ", ".join(f"{kinds[k]} {k}" for k in sorted(kinds))
    print(
        f"OK: {len(course.lessons)} lessons, {len(course.questions)} questions "
        f"({by_kind}), {len(course.sources)} sources in {folder}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from twitchlearn import server  # Voila loads only for this command

    pool_size = server.start_pool_size(args.pool_size, args.class_size)
    print(f"Starting the course on http://127.0.0.1:{args.port}/ (Ctrl+C stops it)", flush=True)
    if args.class_size is not None:
        print(f"Keeping {pool_size} kernels warm for a class of {args.class_size}", flush=True)
    server.run(
        port=args.port,
        open_browser=not args.no_browser,
        pool_size=pool_size,
        cull_idle_seconds=args.cull_idle_seconds,
        refill_at_once=args.refill_at_once,
        notebooks=Path(args.notebooks) if args.notebooks else server.NOTEBOOKS_DIR,
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from twitchlearn.errors import StoreError
    from twitchlearn.export import export_rows, write_csv
    from twitchlearn.loading import load_course
    from twitchlearn.store import ProgressStore, default_path

    path = Path(args.db) if args.db else default_path()
    if not path.exists():
        print(f"twitchlearn export: no progress database at {path}", file=sys.stderr)
        return 1
    try:
        with ProgressStore(path, read_only=True) as store:
            rows = export_rows(store, load_course(), args.class_code, args.policy)
    except StoreError as exc:
        print(f"twitchlearn export: {exc}", file=sys.stderr)
        return 1
    write_csv(rows, args.out)
    learners = sum(1 for row in rows if row.question_id == "TOTAL")
    print(
        f"Wrote {len(rows)} rows for {learners} learners of class {args.class_code!r} to {args.out}"
    )
    return 0


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twitchlearn", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "check", help="validate a content folder (default: the shipped course)"
    )
    check.add_argument("directory", nargs="?", help="a content folder with course.yaml")
    check.set_defaults(run=_check)
    serve = commands.add_parser("serve", help="serve the course as a web app on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8866, help="port on 127.0.0.1 (default 8866)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--pool-size",
        type=int,
        default=2,
        help="kernels kept warm for the start page (0 turns preheating off; default 2)",
    )
    serve.add_argument(
        "--class-size",
        type=_non_negative,
        default=None,
        metavar="N",
        help="a class of N arriving at once: keep N kernels warm for the start page, so each "
        "learner gets a warm kernel (replaces --pool-size; 0 turns preheating off)",
    )
    serve.add_argument(
        "--refill-at-once",
        type=_non_negative,
        default=1,
        metavar="K",
        help="start-page kernels the pool prepares at the same time when it refills "
        "(0: all at once, Voila's way, which slows a class arriving at once; default 1)",
    )
    serve.add_argument(
        "--cull-idle-seconds",
        type=int,
        default=120,
        help="shut down a kernel this long after its page closed (default 120)",
    )
    serve.add_argument(
        "--notebooks", help="folder of the learners' notebooks (default: the course)"
    )
    serve.set_defaults(run=_serve)
    export = commands.add_parser("export", help="export a class's results as CSV for a gradebook")
    export.add_argument("--class", dest="class_code", required=True, help="the class code")
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument(
        "--policy",
        choices=["first", "last", "best"],
        default="best",
        help="which attempt counts for each question (default: best)",
    )
    export.add_argument("--db", help="the progress database (default: TWITCHLEARN_DB or per user)")
    export.set_defaults(run=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
