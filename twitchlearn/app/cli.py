"""The `twitchlearn` command: check a course, serve it, export results, write its notebooks.

Every command that reads content takes the same folder: the one given (`check DIR`,
`--content DIR`), else TWITCHLEARN_CONTENT, else the shipped course.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from twitchlearn.app.defaults import (
    DEFAULT_CLASS_SIZE,
    DEFAULT_CULL_IDLE_SECONDS,
    DEFAULT_PORT,
    DEFAULT_REFILL_AT_ONCE,
)
from twitchlearn.attempts import POLICIES
from twitchlearn.errors import ContentError, StoreError
from twitchlearn.export import COLUMNS, TOTAL, ExportRow, export_rows, write_csv
from twitchlearn.loading import content_dir, read_content
from twitchlearn.models import Content
from twitchlearn.rules import uncited_sources
from twitchlearn.storage import DB_ENV, default_location, open_store

__all__ = ["build_parser", "main"]


def _read(command: str, directory: str | None) -> Content | None:
    """The content folder a command works on, or None after printing every problem."""
    folder = content_dir(directory)
    try:
        return read_content(folder)
    except ContentError as exc:
        print(f"twitchlearn {command}: {folder}", file=sys.stderr)
        print(exc, file=sys.stderr)
        return None


def _check(args: argparse.Namespace) -> int:
    content = _read("check", args.directory)
    if content is None:
        return 1
    course = content.course
    kinds = Counter(q.kind for q in course.questions.values())
    by_kind = ", ".join(f"{kinds[k]} {k}" for k in sorted(kinds))
    extras = [
        "an explorer" if content.has_explorer else "no explorer",
        f"{len(content.cases)} case studies",
        f"{len(content.glossary)} glossary terms",
        "a teacher guide" if content.guide is not None else "no teacher guide",
    ]
    print(
        f"OK: {len(course.lessons)} lessons, {len(course.questions)} questions ({by_kind}), "
        f"{len(course.sources)} sources, {', '.join(extras)} in {content_dir(args.directory)}"
    )
    uncited = uncited_sources(content)
    if uncited:
        print(f"Note: nothing in the course cites {len(uncited)} sources: {', '.join(uncited)}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if _read("serve", args.content) is None:  # a broken course stops here, before Voila
        return 1
    from twitchlearn.app import server  # Voila loads only for this command

    print(f"Starting the course on http://127.0.0.1:{args.port}/ (Ctrl+C stops it)", flush=True)
    print(f"Keeping {args.class_size} start-page kernels warm", flush=True)
    server.run(
        content=content_dir(args.content),
        port=args.port,
        open_browser=not args.no_browser,
        pool_size=args.class_size,
        cull_idle_seconds=args.cull_idle_seconds,
        refill_at_once=args.refill_at_once,
        notebooks_dir=Path(args.notebooks) if args.notebooks else None,
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    location = args.db or default_location()
    database = None if "://" in location else Path(location).expanduser()
    if database is not None and not database.exists():
        return _fail("export", f"no progress database at {location}")
    out = Path(args.out)
    refusal = _refuse_output(out, database, force=args.force)
    if refusal is not None:
        return _fail("export", refusal)
    try:
        content = read_content(content_dir(args.content))
        with open_store(location, read_only=True) as store:
            known = store.class_codes()
            if args.class_code not in known:
                classes = ", ".join(repr(code) for code in known) or "none yet"
                return _fail(
                    "export",
                    f"no answers saved for class {args.class_code!r}; the classes with "
                    f"answers are: {classes}",
                )
            rows = export_rows(store, content.course, args.class_code, args.policy)
    except (ContentError, StoreError) as exc:
        return _fail("export", str(exc))
    try:
        _write_atomically(rows, out)
    except OSError as exc:
        return _fail("export", f"cannot write {out}: {exc.strerror or exc}")
    learners = sum(1 for row in rows if row.question_id == TOTAL)
    print(f"Wrote {len(rows)} rows for {learners} learners of class {args.class_code!r} to {out}")
    return 0


def _fail(command: str, message: str) -> int:
    """One plain line on stderr, and the exit code of a command that did not do its work."""
    print(f"twitchlearn {command}: {message}", file=sys.stderr)
    return 1


def _refuse_output(out: Path, database: Path | None, *, force: bool) -> str | None:
    """Why `out` must not be written, or None. Never the database (or its WAL files), never
    a folder, never a file that is not an earlier export; an earlier export needs --force."""
    if database is not None:
        guarded = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
        if any(out.resolve() == path.resolve() for path in guarded):
            return f"{out} is the progress database; choose another --out"
    if out.is_dir():
        return f"{out} is a folder; give the name of a CSV file to write"
    if not out.parent.is_dir():
        return f"the folder {out.parent} does not exist; create it or choose another --out"
    if out.exists():
        if not out.is_file():  # a device such as /dev/full, a pipe: never read or written
            return f"{out} is not a regular file; give the name of a CSV file to write"
        if not _is_export(out):
            return f"{out} exists and is not an earlier export; choose another --out"
        if not force:
            return f"{out} exists; add --force to write over it"
    return None


def _is_export(path: Path) -> bool:
    """Whether `path` starts with an export's header (this version's, or an earlier one's)."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            return file.readline().startswith(",".join(COLUMNS[:3]) + ",")
    except (OSError, UnicodeDecodeError):
        return False


def _write_atomically(rows: list[ExportRow], out: Path) -> None:
    """Write the CSV beside `out`, then move it into place: a failed write (disk full, no
    permission) never leaves half a file where a gradebook expects a whole one."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        write_csv(rows, partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


def _notebooks(args: argparse.Namespace) -> int:
    from twitchlearn.app import notebooks  # nbformat loads only for this command

    content = _read("notebooks", args.content)
    if content is None:
        return 1
    for path in notebooks.write(content, Path(args.out)):
        print(f"wrote {path}")
    return 0


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


_CONTENT_HELP = "the content folder (default: TWITCHLEARN_CONTENT, else the shipped course)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twitchlearn", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="check a content folder, naming file, line and fix")
    check.add_argument("directory", nargs="?", help=_CONTENT_HELP)
    check.set_defaults(run=_check)

    serve = commands.add_parser("serve", help="serve the course as a web app on 127.0.0.1")
    serve.add_argument("--content", help=_CONTENT_HELP)
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port on 127.0.0.1 (default {DEFAULT_PORT})"
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--class-size",
        type=_non_negative,
        default=DEFAULT_CLASS_SIZE,
        metavar="N",
        help="learners who may open the start page at the same moment: that many kernels are "
        f"kept warm for it, about 60 MB each (default {DEFAULT_CLASS_SIZE}; 0 turns this off)",
    )
    serve.add_argument(
        "--refill-at-once",
        type=_non_negative,
        default=DEFAULT_REFILL_AT_ONCE,
        metavar="K",
        help="warm kernels prepared at the same time when the pool refills (0: all at once, "
        f"Voila's way, which slows a class arriving at once; default {DEFAULT_REFILL_AT_ONCE})",
    )
    serve.add_argument(
        "--cull-idle-seconds",
        type=int,
        default=DEFAULT_CULL_IDLE_SECONDS,
        help="shut down a kernel this long after its page closed "
        f"(default {DEFAULT_CULL_IDLE_SECONDS})",
    )
    serve.add_argument(
        "--notebooks",
        metavar="DIR",
        help="serve this folder's notebooks as they are instead of the course's pages "
        "(make bench uses it for its baselines)",
    )
    serve.set_defaults(run=_serve)

    export = commands.add_parser("export", help="export a class's results as CSV for a gradebook")
    export.add_argument("--class", dest="class_code", required=True, help="the class code")
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument(
        "--policy",
        choices=POLICIES,
        default="best",
        help="which attempt counts for each question (default: best)",
    )
    export.add_argument("--db", help=f"the progress database (default: {DB_ENV} or per user)")
    export.add_argument(
        "--force", action="store_true", help="write over an earlier export at --out"
    )
    export.add_argument("--content", help=_CONTENT_HELP)
    export.set_defaults(run=_export)

    write = commands.add_parser(
        "notebooks", help="write the course's notebooks into a folder, for JupyterLab"
    )
    write.add_argument("out", help="the folder to write into, such as notebooks/")
    write.add_argument("--content", help=_CONTENT_HELP)
    write.set_defaults(run=_notebooks)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    # A class code may start with a dash ("--class -2+3"): argparse would take it for an
    # option, so it is joined to its option ("--class=-2+3").
    for index in range(len(words) - 1):
        if words[index] == "--class" and words[index + 1].startswith("-"):
            words[index : index + 2] = [f"--class={words[index + 1]}"]
            break
    args = build_parser().parse_args(words)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
