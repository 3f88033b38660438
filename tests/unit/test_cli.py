"""The `twitchlearn` command: `check` (a one-line summary on good content; file, line, field
and fix on bad, in every file of the folder), and how `serve` passes its options on."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import LESSON_01
from twitchlearn import site
from twitchlearn.app import defaults
from twitchlearn.app.cli import build_parser, main
from twitchlearn.loading import CONTENT_DIR, load_content

KINDS = ("matching", "multiple_select", "numeric", "single_choice", "true_false")
SUMMARY = re.compile(
    r"^OK: (?P<lessons>\d+) lessons, (?P<questions>\d+) questions \((?P<kinds>[^)]*)\), "
    r"(?P<sources>\d+) sources, (?P<extras>[^/]*) in (?P<folder>.+)$"
)


def console_script() -> str:
    script = Path(sys.executable).parent / "twitchlearn"
    found = str(script) if script.exists() else shutil.which("twitchlearn")
    if found is None:
        pytest.fail("the twitchlearn console script is not installed; run pip install -e .")
    return found


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [console_script(), "check", *args], capture_output=True, text=True, timeout=120
    )


def counts_by_kind(text: str) -> dict[str, int]:
    pairs = [part.split(" ") for part in text.split(", ")]
    return {kind: int(count) for count, kind in pairs}


def break_numeric_tolerance(folder: Path) -> str:
    """Give the first numeric question of lesson 01 a tolerance of -5; return its id."""
    yaml = YAML()
    path = folder / LESSON_01
    data = yaml.load(path)
    question = next(q for q in data["questions"] if q["kind"] == "numeric")
    question["tolerance"] = -5
    yaml.dump(data, path)
    return str(question["id"])


def test_check_shipped_content_with_the_console_script() -> None:
    result = run_check()
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert int(match["lessons"]) == 7
    kinds = counts_by_kind(match["kinds"])
    assert tuple(sorted(kinds)) == KINDS
    assert sum(kinds.values()) == int(match["questions"])
    assert Path(match["folder"]) == CONTENT_DIR
    assert result.stderr == ""


def test_check_small_folder_counts_by_kind(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(content_dir)]) == 0
    out, err = capsys.readouterr()
    summary, note = out.strip().splitlines()
    match = SUMMARY.match(summary)
    assert match, out
    # The folder keeps the whole shipped sources.yaml for one lesson: a note, not an error.
    assert note.startswith("Note: nothing in the course cites ")
    assert int(match["lessons"]) == 1
    data = YAML(typ="safe").load(content_dir / LESSON_01)
    expected: dict[str, int] = {}
    for question in data["questions"]:
        expected[question["kind"]] = expected.get(question["kind"], 0) + 1
    assert counts_by_kind(match["kinds"]) == expected
    assert int(match["questions"]) == len(data["questions"])
    assert Path(match["folder"]) == content_dir
    assert err == ""


def test_check_broken_folder_exits_1_with_file_field_and_fix(
    content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qid = break_numeric_tolerance(content_dir)
    assert main(["check", str(content_dir)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"twitchlearn check: {content_dir}" in err
    assert re.search(
        rf"{re.escape(LESSON_01)}:\d+, question {re.escape(qid)}, field 'tolerance': "
        r"the tolerance must be above zero\. Fix: give how far off an answer may be",
        err,
    ), err


def test_check_broken_folder_with_the_console_script(content_dir: Path) -> None:
    qid = break_numeric_tolerance(content_dir)
    (content_dir / "sources.yaml").write_text("sources: [\n", encoding="utf-8")
    result = run_check(str(content_dir))
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"question {qid}, field 'tolerance'" in result.stderr
    assert "Fix: give how far off an answer may be" in result.stderr
    assert re.search(r"sources\.yaml:\d+: not valid YAML", result.stderr), result.stderr


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "risk_model.yaml",
            "This explorer is a teaching model.",
            "Your ALS risk is 5%.",
            "field 'about': forbidden wording '%'",
        ),
        (
            "risk_model.yaml",
            "direction: lower_is_more",
            "direction: downwards",
            "field 'factors.sleep.direction': 'downwards' is not one of the allowed values. "
            "Fix: use one of higher_is_more, lower_is_more",
        ),
        (
            "cases.yaml",
            "case-maya-cups",
            "case-no-such-question",
            "question 'case-no-such-question' is not in any lesson of the course",
        ),
        (
            "cases.yaml",
            "Maya is a student.",
            "Maya read about ALS online.",
            "forbidden wording 'ALS'",
        ),
        (
            "teacher_guide.yaml",
            "minutes: 25",
            "minutes: -25",
            "field 'plan[1].minutes': a step must take some minutes. Fix: give the minutes",
        ),
        (
            "teacher_guide.yaml",
            "How can worry and twitching feed each other?",
            "What is the chance of MND for a twitcher?",
            "field 'prompts.anxiety[0]': forbidden wording 'chance of MND'",
        ),
    ],
)
def test_check_names_file_line_and_fix_in_every_file_of_the_folder(
    tmp_path: Path, file: str, old: str, new: str, expected: str
) -> None:
    folder = tmp_path / "course"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if new in row)
    result = run_check(str(folder))
    assert result.returncode == 1
    problems = [row for row in result.stderr.splitlines() if expected in row]
    assert len(problems) == 1, result.stderr
    # the line of the field: the line edited, or the key just above a folded text
    found = re.match(rf"  - {re.escape(file)}:(\d+), ", problems[0])
    assert found, problems[0]
    assert int(found[1]) in {line, line - 1}, (line, problems[0])
    assert "Fix: " in problems[0]


def test_check_reads_the_folder_in_the_environment(
    content_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TWITCHLEARN_CONTENT", str(content_dir))
    assert main(["check"]) == 0
    match = SUMMARY.match(capsys.readouterr().out.splitlines()[0])
    assert match
    assert int(match["lessons"]) == 1
    assert "no explorer" in match["extras"]


def test_notebooks_writes_one_page_per_lesson(tmp_path: Path, content_dir: Path) -> None:
    assert main(["notebooks", str(tmp_path / "out"), "--content", str(content_dir)]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["00_start_here.ipynb", "01_what_is_twitching.ipynb", "09_review.ipynb"]


def test_check_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nowhere")]) == 1
    assert "content folder not found" in capsys.readouterr().err


def test_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: twitchlearn" in capsys.readouterr().err


# -- serve --class-size -------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """What `twitchlearn serve` would pass to `server.run` (the server is not started)."""
    from twitchlearn.app import server

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(server, "run", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize(
    ("argv", "free_mb", "pool"),
    [
        ([], 24_000, 30),  # a sixth of 24 GB holds 50 kernels: 9 for the other pages, 30 here
        ([], 6_000, 3),  # 12 kernels: 9 for the other pages, 3 for the start page
        ([], 1_000, 2),  # never fewer than 2
        (["--warm-pages", "0"], 3_000, 6),  # 6 kernels, all for the start page
        (["--class-size", "30"], 1_000, 30),
        (["--class-size", "0"], 24_000, 0),
    ],
)
def test_class_size_sets_the_start_page_pool(
    served: list[dict[str, object]],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    free_mb: int,
    pool: int,
) -> None:
    monkeypatch.setattr(defaults, "available_memory_mb", lambda: free_mb)
    assert main(["serve", "--no-browser", *argv]) == 0
    assert [call["pool_size"] for call in served] == [pool]
    assert f"Keeping {pool} start-page kernels warm" in capsys.readouterr().out


def test_there_is_no_second_option_for_the_pool(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--pool-size", "5"])
    assert "unrecognized arguments: --pool-size" in capsys.readouterr().err


def test_serve_passes_the_content_folder_and_refuses_a_broken_one(
    served: list[dict[str, object]], content_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--no-browser", "--content", str(content_dir)]) == 0
    assert [call["content"] for call in served] == [content_dir]
    qid = break_numeric_tolerance(content_dir)
    assert main(["serve", "--no-browser", "--content", str(content_dir)]) == 1
    assert f"question {qid}, field 'tolerance'" in capsys.readouterr().err
    assert len(served) == 1  # Voila never started for the broken folder


def test_the_options_defaults_are_the_servers(served: list[dict[str, object]]) -> None:
    assert main(["serve", "--no-browser"]) == 0
    [call] = served
    pages = len(site.pages(load_content()))
    other = defaults.DEFAULT_WARM_PAGES * (pages - 1)
    assert call["pool_size"] == defaults.default_class_size(other)
    assert call["warm_pages"] == defaults.DEFAULT_WARM_PAGES
    assert call["refill_at_once"] == defaults.DEFAULT_REFILL_AT_ONCE
    assert call["cull_idle_seconds"] == defaults.DEFAULT_CULL_IDLE_SECONDS
    assert call["port"] == defaults.DEFAULT_PORT
    from twitchlearn.app.server import PoolSafeKernelManager

    assert PoolSafeKernelManager.refill_at_once.default_value == defaults.DEFAULT_REFILL_AT_ONCE


def test_the_help_describes_every_command() -> None:
    text = build_parser().format_help()
    for command in ("check", "serve", "export", "notebooks"):
        assert command in text
    assert "arrive" not in text


def test_class_size_must_not_be_negative(
    served: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--class-size", "-1"])
    assert exited.value.code == 2
    assert "must be 0 or more" in capsys.readouterr().err
    assert served == []


def test_a_class_sized_pool_preheats_that_many_start_page_kernels() -> None:
    from twitchlearn.app.server import voila_config
    from twitchlearn.site import CLASS_VIEW_PAGE, START_PAGE

    config = voila_config(port=1, open_browser=False, pool_size=30, cull_idle_seconds=120)
    assert config.VoilaConfiguration.preheat_kernel is True
    pools = config.VoilaKernelManager.kernel_pools_config
    assert pools[START_PAGE] == {"pool_size": 30}
    assert pools["default"] == {"pool_size": 1}  # every other page: one warm kernel
    assert pools[CLASS_VIEW_PAGE] == {"pool_size": 0}  # but the teacher's

    cold = voila_config(
        port=1, open_browser=False, pool_size=0, warm_pages=0, cull_idle_seconds=120
    )
    assert "preheat_kernel" not in cold.VoilaConfiguration  # Voila's default: off
    lessons_only = voila_config(
        port=1, open_browser=False, pool_size=0, warm_pages=2, cull_idle_seconds=120
    )
    assert lessons_only.VoilaKernelManager.kernel_pools_config["default"] == {"pool_size": 2}


@pytest.mark.parametrize(
    ("argv", "limit"), [([], 1), (["--refill-at-once", "0"], 0), (["--refill-at-once", "3"], 3)]
)
def test_refill_at_once_reaches_the_kernel_manager(
    served: list[dict[str, object]], argv: list[str], limit: int
) -> None:
    from twitchlearn.app.server import voila_config

    assert main(["serve", "--no-browser", "--class-size", "30", *argv]) == 0
    assert [call["refill_at_once"] for call in served] == [limit]
    config = voila_config(
        port=1, open_browser=False, pool_size=30, cull_idle_seconds=120, refill_at_once=limit
    )
    assert config.PoolSafeKernelManager.refill_at_once == limit


def test_refill_at_once_must_not_be_negative(served: list[dict[str, object]]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--refill-at-once", "-2"])
    assert served == []


def test_kernels_use_unix_sockets() -> None:
    """No TCP ports to race for: ~30 kernels started at once sometimes died with
    "ZMQError: Address already in use"."""
    from twitchlearn.app.server import voila_config

    config = voila_config(port=1, open_browser=False, pool_size=30, cull_idle_seconds=120)
    assert config.KernelManager.transport == "ipc"


def test_voila_waits_long_enough_for_a_cells_widgets() -> None:
    """nbclient waits 4 s after a cell's reply for its output; ten warm lesson kernels
    building their widgets at once on 2 cores took longer, and Voila sent a lesson without
    its quiz (the bench's class moving to lesson 1 together)."""
    from twitchlearn.app.server import voila_config

    config = voila_config(port=1, open_browser=False, pool_size=30, cull_idle_seconds=120)
    assert config.VoilaExecutor.iopub_timeout >= 30


@pytest.mark.parametrize(("argv", "follow"), [([], 30), (["--follow-class", "4"], 4)])
def test_follow_class_defaults_to_the_class_size(
    served: list[dict[str, object]], argv: list[str], follow: int
) -> None:
    from twitchlearn.app.server import voila_config

    assert main(["serve", "--no-browser", "--class-size", "30", *argv]) == 0
    assert [call["follow_class"] for call in served] == [follow]
    config = voila_config(
        port=1,
        open_browser=False,
        pool_size=30,
        cull_idle_seconds=120,
        follow_class=follow,
        order=["00_start_here.ipynb", "01_a.ipynb"],
    )
    assert config.PoolSafeKernelManager.follow_class == follow
    assert config.PoolSafeKernelManager.next_pages == {"00_start_here.ipynb": "01_a.ipynb"}
