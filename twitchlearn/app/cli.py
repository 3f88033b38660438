"""The `twitchlearn` command: check a course, serve it, export results, forget a learner, write
its notebooks.

Every command that reads content takes the same folder: the one given (`check DIR`,
`--content DIR`), else TWITCHLEARN_CONTENT, else the shipped course.
"""

from __future__ import annotations

import argparse
import difflib
import getpass
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from twitchlearn import site
from twitchlearn.app.defaults import (
    DEFAULT_CLASS_SIZE,
    DEFAULT_CONNECT_SECONDS,
    DEFAULT_CULL_IDLE_SECONDS,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REFILL_AT_ONCE,
    DEFAULT_WARM_PAGES,
    KERNEL_MB,
    MAX_DEFAULT_CLASS_SIZE,
    WARM_MEMORY_SHARE,
    default_class_size,
    default_max_kernels,
)
from twitchlearn.attempts import DEFAULT_POLICY, POLICIES
from twitchlearn.errors import ContentError, EmptyStore, StoreError
from twitchlearn.export import (
    COLUMNS,
    GRADEBOOK_START,
    TOTAL,
    export_rows,
    gradebook_rows,
    write_csv,
    write_gradebook_csv,
)
from twitchlearn.loading import content_dir, read_content
from twitchlearn.models import Content
from twitchlearn.rules import uncited_sources
from twitchlearn.storage import DB_ENV, ProgressStore, default_location, open_store
from twitchlearn.storage.base import folded

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
    content = _read("serve", args.content)
    if content is None:  # a broken course stops here, before Voila
        return 1
    hub_problem = _behind_hub_problem(args) if args.behind_hub else None
    if hub_problem is not None:
        return _fail("serve", hub_problem)
    if not _BASE_URL.fullmatch(args.base_url):
        return _fail("serve", "--base-url must be a path such as /services/twitchlearn/")
    page_count = (
        len(list(Path(args.notebooks).glob("*.ipynb")))
        if args.notebooks
        else len(site.pages(content))
    )
    other_warm = args.warm_pages * max(0, page_count - 1)
    class_size = args.class_size
    if class_size is None:
        class_size = default_class_size(other_warm)
    warm = class_size + other_warm
    follow_class = class_size if args.follow_class is None else args.follow_class
    max_kernels = args.max_kernels or default_max_kernels(warm)
    if max_kernels <= warm:
        return _fail(
            "serve",
            f"--max-kernels {max_kernels} leaves no kernel for a page after the "
            f"{warm} warm ones; give more than --class-size plus the other pages' warm kernels",
        )
    if args.access_key is not None and not _KEY.fullmatch(args.access_key):
        return _fail(
            "serve",
            "--access-key must be 6 to 64 letters, digits, '-' or '_', so it can go in a link",
        )
    if args.teacher_key is not None and not _KEY.fullmatch(args.teacher_key):
        return _fail(
            "serve",
            "--teacher-key must be 6 to 64 letters, digits, '-' or '_', so it can go in a link",
        )
    if args.teacher_key is not None and args.teacher_key == args.access_key:
        return _fail("serve", "--teacher-key must not be the --access-key: learners have that")
    from twitchlearn.app import server  # Voila loads only for this command
    from twitchlearn.app.gate import needs_key, url_host

    where = f"http://{url_host(args.host)}:{args.port}/"
    print(f"Starting the course on {where} (Ctrl+C stops it)", flush=True)
    if needs_key(args.host):
        print("Learners need the class link (with its key) to open it", flush=True)
    print(
        f"Keeping {class_size} start-page kernels warm, and {args.warm_pages} for each other page",
        flush=True,
    )
    if follow_class and (class_size or args.warm_pages):
        print(
            f"A page gets up to {follow_class} more while learners are on the page before it",
            flush=True,
        )
    print(f"At most {max_kernels} kernels at a time", flush=True)
    server.run(
        content=content_dir(args.content),
        port=args.port,
        open_browser=not args.no_browser,
        pool_size=class_size,
        cull_idle_seconds=args.cull_idle_seconds,
        warm_pages=args.warm_pages,
        refill_at_once=args.refill_at_once,
        notebooks_dir=Path(args.notebooks) if args.notebooks else None,
        host=args.host,
        access_key=args.access_key,
        max_kernels=max_kernels,
        connect_seconds=args.connect_seconds,
        base_url=args.base_url,
        behind_hub=args.behind_hub,
        teacher_key=args.teacher_key,
        follow_class=follow_class,
    )
    return 0


_KEY = re.compile(r"[A-Za-z0-9_-]{6,64}")
_BASE_URL = re.compile(r"/([A-Za-z0-9._~@+-]+/?)*")


def _behind_hub_problem(args: argparse.Namespace) -> str | None:
    """Why `serve --behind-hub` must not start, or None. Warm kernels work there as
    anywhere (each learns its page's request with its own query key, never the proxy's:
    twitchlearn.app.gate), so the warm pool's sizes are the ones `serve` computes."""
    from twitchlearn.app.gate import needs_key

    if needs_key(args.host):
        return "--behind-hub listens on 127.0.0.1 only (the hub's proxy is its one client)"
    if not os.environ.get("JUPYTERHUB_SERVICE_NAME"):
        return (
            "--behind-hub is for a JupyterHub service; start it from the hub's config "
            "(deploy/jupyterhub/shared)"
        )
    if not os.environ.get("TWITCHLEARN_PROXY_KEY"):  # twitchlearn.app.server.PROXY_KEY_ENV
        return (
            "--behind-hub needs the key of the hub's proxy; start it through "
            "deploy/jupyterhub/shared/course_proxy.py"
        )
    return None


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
            course = content.course
            write: Callable[[Path], None]
            if args.gradebook:
                book = gradebook_rows(store, course, args.class_code, args.policy)
                count, learners = len(book), len(book)

                def write(path: Path) -> None:
                    write_gradebook_csv(book, course, path, args.policy)

            else:
                rows = export_rows(store, course, args.class_code, args.policy)
                count = len(rows)
                learners = sum(1 for row in rows if row.question_id == TOTAL)

                def write(path: Path) -> None:
                    write_csv(rows, path)

    except (ContentError, StoreError) as exc:
        return _fail("export", str(exc))
    try:
        _write_atomically(write, out)
    except OSError as exc:
        return _fail("export", f"cannot write {out}: {exc.strerror or exc}")
    what = "a gradebook row each" if args.gradebook else f"{count} rows"
    print(
        f"Wrote {what} for {learners} learners of class {args.class_code!r} to {out} "
        f"(counting each question's {args.policy} attempt)"
    )
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
    """Whether `path` starts with an export's header (this version's, or an earlier one's):
    the per-attempt file's or the gradebook's (either may be written over the other)."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            first = file.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return first.startswith(",".join(COLUMNS[:3]) + ",") or first.startswith(
        ",".join(GRADEBOOK_START) + " (of "
    )


def _write_atomically(write: Callable[[Path], None], out: Path) -> None:
    """Write the CSV beside `out`, then move it into place: a failed write (disk full, no
    permission) never leaves half a file where a gradebook expects a whole one."""
    partial = out.with_name(f".{out.name}.partial")
    try:
        write(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)


# --- twitchlearn forget: a teacher removes a learner's answers ------------------------------

# `forget` both resets and removes a learner: the store keeps no list of learners apart from
# their answers, so once the answers and the review list are gone the learner is gone, and
# the same name starts again from nothing. One command, named as the store's `forget` and
# its audit trail's action.
_MOST_NAMES = 20  # learners listed when a name matches no one


def _forget(args: argparse.Namespace) -> int:
    location = args.db or default_location()
    database = None if "://" in location else Path(location).expanduser()
    if database is not None and not database.exists():
        return _fail("forget", f"no progress database at {location}")
    if args.history:
        return _history(location, args.class_code)
    if args.class_code is None or args.learner is None:
        return _fail("forget", "give the learner: --class CODE --learner NAME (or --history)")
    by = args.by.strip() if args.by is not None else _teacher()
    if folded(by) == folded("learner") or not by:
        return _fail(
            "forget",
            "--by names who asked, such as your own name ('learner' is kept "
            "for a learner who deletes their own answers)",
        )
    try:
        with open_store(location) as store:
            found = _find_learner(store, args.class_code, args.learner)
            if isinstance(found, str):
                return _fail("forget", found)
            learner, class_code, count = found
            what = f"{_answers(count)} of {learner} in {class_code}"
            if not args.yes and not _confirmed(
                f"Remove {what}, and their review list? This cannot be undone. "
                "Type yes to remove them: "
            ):
                kept = "is kept" if count == 1 else "are kept"
                return _fail("forget", f"nothing removed: the {what} {kept}")
            removed = store.forget(learner, class_code, by=by)
    except StoreError as exc:
        return _fail("forget", str(exc))
    print(
        f"Removed {_answers(removed)} of {learner} in {class_code}, and their review list "
        f"(recorded as done by {by})"
    )
    return 0


def _history(location: str, class_code: str | None) -> int:
    """Print the audit trail: every removal (of one class, with --class), oldest first."""
    try:
        with open_store(location, read_only=True) as store:
            events = store.events()
    except StoreError as exc:
        return _fail("forget", str(exc))
    if class_code is not None:
        events = [e for e in events if folded(e.class_code) == folded(class_code)]
    for event in events:
        print(
            f"{event.at:%Y-%m-%d %H:%M} UTC: {_answers(event.attempts)} of {event.learner} "
            f"in {event.class_code} removed, asked by {event.by}"
        )
    if not events:
        print("No answers have been removed" + (f" in {class_code}" if class_code else ""))
    return 0


def _teacher() -> str:
    """Who runs the command, for the audit trail: "teacher (the OS user)"."""
    try:
        return f"teacher ({getpass.getuser()})"
    except (OSError, KeyError):  # no user name in the environment or the password file
        return "teacher"


def _answers(count: int) -> str:
    return f"{count} answer" if count == 1 else f"{count} answers"


def _quoted(names: Sequence[str]) -> str:
    shown = ", ".join(repr(name) for name in names[:_MOST_NAMES])
    more = len(names) - _MOST_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def _find_learner(
    store: ProgressStore, class_code: str, learner: str
) -> tuple[str, str, int] | str:
    """The learner and class as first saved, and how many answers they have; or, when either
    matches no one (names folded, as the store matches them), the one line that says so and
    lists the close or known names."""
    classes = {folded(code): code for code in store.class_codes()}
    code = classes.get(folded(class_code))
    if code is None:
        known = _quoted(sorted(classes.values())) or "none yet"
        return f"no answers saved for class {class_code!r}; the classes with answers are: {known}"
    names: dict[str, str] = {}  # folded -> as first saved
    counts: dict[str, int] = {}
    for attempt in store.attempts(class_code=code):  # in the order saved
        key = folded(attempt.learner)
        names.setdefault(key, attempt.learner)
        counts[key] = counts.get(key, 0) + 1
    key = folded(learner)
    if key in names:
        return names[key], code, counts[key]
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    if close:
        hint = f"did you mean {_quoted([names[k] for k in close])}?"
    else:
        everyone = sorted(names.values(), key=lambda name: (folded(name), name))
        hint = f"the learners with answers in {code} are: {_quoted(everyone)}"
    return f"no answers saved for {learner!r} in class {code}; {hint}"


def _confirmed(question: str) -> bool:
    """Ask on the terminal; only "yes" (or "y") goes on. No answer (end of input) is no."""
    try:
        reply = input(question)
    except EOFError:
        print()
        return False
    return reply.strip().casefold() in {"y", "yes"}


def _notebooks(args: argparse.Namespace) -> int:
    from twitchlearn.app import notebooks  # nbformat loads only for this command

    content = _read("notebooks", args.content)
    if content is None:
        return 1
    for path in notebooks.write(content, Path(args.out), class_view=args.class_view):
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
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDRESS",
        help=f"the address to listen on (default {DEFAULT_HOST}: this machine only); any other, "
        "such as 0.0.0.0 for a class on the same network, needs the class link with its key",
    )
    serve.add_argument(
        "--access-key",
        metavar="KEY",
        help="the class's key for a --host other than 127.0.0.1, ::1 or localhost "
        "(default: a new one each start)",
    )
    serve.add_argument(
        "--teacher-key",
        metavar="KEY",
        help="the key of the live class view, which only the teacher may open, on every "
        "--host (default: a new one each start, printed with the class view's link)",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})"
    )
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--base-url",
        default="/",
        metavar="PATH",
        help="the path the course is under for the browser, when a proxy in front passes on "
        "the rest, such as /services/twitchlearn/ under JupyterHub (default /)",
    )
    serve.add_argument(
        "--behind-hub",
        action="store_true",
        help="serve JupyterHub's learners as a hub service behind jhsingle-native-proxy "
        "--forward-user-info: the learner is the hub user it names (deploy/jupyterhub/shared); "
        "127.0.0.1 only; warm kernels as without it (--class-size, --warm-pages)",
    )
    serve.add_argument(
        "--class-size",
        type=_non_negative,
        default=None,
        metavar="N",
        help="learners who may open the start page at the same moment: that many kernels are "
        f"kept warm for it, about 60 MB each (default: what 1/{WARM_MEMORY_SHARE} of the free "
        f"memory holds, {DEFAULT_CLASS_SIZE} to {MAX_DEFAULT_CLASS_SIZE}; 0 turns this off)",
    )
    serve.add_argument(
        "--warm-pages",
        type=_non_negative,
        default=DEFAULT_WARM_PAGES,
        metavar="K",
        help="kernels kept warm for each other page, so the next lesson opens at once "
        f"(default {DEFAULT_WARM_PAGES}; 0 turns this off)",
    )
    serve.add_argument(
        "--follow-class",
        type=_non_negative,
        default=None,
        metavar="N",
        help="more warm kernels a page gets, up to N, one for each learner on the page before "
        "it, so a class that moves on together finds its kernels ready (default: the "
        "--class-size; 0 turns this off)",
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
        "--max-kernels",
        type=_non_negative,
        default=0,
        metavar="N",
        help="kernels at a time, warm ones included; a page over it says the course is busy "
        f"(default: half the free memory at {KERNEL_MB} MB a kernel, at least 4)",
    )
    serve.add_argument(
        "--connect-seconds",
        type=_non_negative,
        default=DEFAULT_CONNECT_SECONDS,
        metavar="S",
        help="shut down a page's kernel when the page has not connected to it this long after "
        f"it was sent (default {DEFAULT_CONNECT_SECONDS}; 0: leave it to the culler)",
    )
    serve.add_argument(
        "--notebooks",
        metavar="DIR",
        help="serve this folder's notebooks as they are instead of the course's pages "
        "(make bench uses it for its baselines)",
    )
    serve.set_defaults(run=_serve)

    export = commands.add_parser(
        "export",
        help="export a class's results as CSV for a gradebook",
        description="Write a class's results as CSV: one row per learner and question, with "
        "a total row per learner; or, with --gradebook, one row per learner with the "
        "questions answered, the points per lesson and the total points. Each question is "
        "worth 1 point. The first attempt at each question counts unless --policy says "
        "otherwise (after a wrong answer the page shows the right one); the gradebook also "
        "gives the total of the last attempts, which include that practice.",
    )
    export.add_argument("--class", dest="class_code", required=True, help="the class code")
    export.add_argument("--out", required=True, help="the CSV file to write")
    export.add_argument(
        "--gradebook",
        action="store_true",
        help="write one row per learner: questions answered, points per lesson (lesson "
        "number and title in the header), total points of the attempts that count, and of "
        "the first and last attempts",
    )
    export.add_argument(
        "--policy",
        choices=POLICIES,
        default=DEFAULT_POLICY,
        help="which attempt counts for each question: first (the default; before the right "
        "answer was shown), last, or best (the highest score)",
    )
    export.add_argument("--db", help=f"the progress database (default: {DB_ENV} or per user)")
    export.add_argument(
        "--force", action="store_true", help="write over an earlier export at --out"
    )
    export.add_argument("--content", help=_CONTENT_HELP)
    export.set_defaults(run=_export)

    forget = commands.add_parser(
        "forget",
        help="remove a learner's answers and review list from a class (to reset or remove them)",
        description="Remove every saved answer and the review list of one learner in one "
        "class, after asking (unless --yes). Names and class codes match whatever their case. "
        "The learner can start again under the same name. The store records who did it "
        "(--by, default: 'teacher' and your user name) and when.",
    )
    forget.add_argument("--class", dest="class_code", help="the class code")
    forget.add_argument("--learner", help="the learner's name")
    forget.add_argument(
        "--history",
        action="store_true",
        help="list every removal so far (of --class, if given): whose, how many answers, "
        "who asked and when; removes nothing",
    )
    forget.add_argument("--yes", action="store_true", help="do not ask before removing")
    forget.add_argument(
        "--by", help="who asked, for the record (default: 'teacher' and your user name)"
    )
    forget.add_argument(
        "--db", help=f"the progress store: a SQLite file or a postgresql:// address ({DB_ENV})"
    )
    forget.set_defaults(run=_forget)

    write = commands.add_parser(
        "notebooks", help="write the course's notebooks into a folder, for JupyterLab"
    )
    write.add_argument("out", help="the folder to write into, such as notebooks/")
    write.add_argument("--content", help=_CONTENT_HELP)
    write.add_argument(
        "--class-view",
        action="store_true",
        help="also write the teacher's live class view (for a hub: only hub admins and the "
        "teacher group see it)",
    )
    write.set_defaults(run=_notebooks)

    doctor = commands.add_parser(
        "doctor",
        help="check the progress store for damage (SQLite's integrity check, the schema) "
        "and say what to do",
    )
    doctor.add_argument(
        "--db", help=f"the progress store: a SQLite file or a postgresql:// address ({DB_ENV})"
    )
    doctor.set_defaults(run=_doctor)
    return parser


def _doctor(args: argparse.Namespace) -> int:
    """Exit 0 when the store is sound; else one line a problem and exit 1. Never writes:
    a damaged file is opened read-only, so the check cannot make it worse."""
    location = args.db or default_location()
    database = None if "://" in location else Path(location).expanduser()
    if database is not None and not database.exists():
        return _fail("doctor", f"no progress database at {location}")
    try:
        with open_store(location, read_only=True) as store:
            problems = store.check()
            where = store.location
    except EmptyStore as exc:  # a new database: the first answer creates its tables
        print(f"OK: {exc} The course makes its tables when the first answer is saved.")
        return 0
    except StoreError as exc:
        return _fail("doctor", str(exc))
    if problems:
        for problem in problems:
            print(f"twitchlearn doctor: {problem}", file=sys.stderr)
        return 1
    print(f"OK: the progress store {where} is sound")
    return 0


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
