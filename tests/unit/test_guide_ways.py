"""The teacher guide's three ways to run a class (teacher_guide.yaml `ways`, drawn by
`twitchlearn.ui.dashboard.guide_ways`), and README's "Running a class": every command they
give is a real one of this project (the twitchlearn command and its options, a make target,
a file of deploy/jupyterhub/)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import attrs
import pytest

from twitchlearn.app.cli import build_parser
from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, load_content, read_content
from twitchlearn.models import ClassWay, SetupStep, TeacherGuide

ROOT = Path(__file__).resolve().parents[2]


def _guide() -> TeacherGuide:
    guide = load_content().guide
    assert guide is not None
    return guide


GUIDE = _guide()
WAYS = GUIDE.ways
COMMANDS = [step.command for way in WAYS for step in way.steps if step.command]
TARGETS = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))


def test_the_guide_has_the_three_ways() -> None:
    assert [way.title for way in WAYS] == [
        "One machine, with learners' laptops and phones",
        "JupyterHub, where learners log in",
        "JupyterHub and PostgreSQL, for several classes or machines",
    ]
    assert all(len(way.steps) >= 4 for way in WAYS)
    everything = " ".join(COMMANDS)
    for needed in (
        "make serve",
        "--host 0.0.0.0",
        "deploy/jupyterhub/shared/jupyterhub_config.py",
        "TWITCHLEARN_DB=postgresql://",
        "forget --class 7B --learner Jess",
        "export --class 7B --gradebook",
    ):
        assert needed in everything, needed


def check_command(command: str) -> None:
    """Fail unless `command` is one this project runs as written."""
    words = shlex.split(command.replace('"$TWITCHLEARN_DB"', "postgresql://x@db/x"))
    while words and "=" in words[0] and not words[0].startswith("-"):  # NAME=value first
        assert re.fullmatch(r"TWITCHLEARN_DB=postgresql://\S+", words.pop(0)), command
    program, *args = words
    if program in {".venv/bin/twitchlearn", "twitchlearn"}:
        try:
            build_parser().parse_args(args)
        except SystemExit as exc:
            raise AssertionError(f"twitchlearn refuses {command!r}") from exc
    elif program == "make":
        assert set(args) <= TARGETS, f"no such make target in {command!r}"
    elif program == "jupyterhub":
        assert args[0] == "-f"
        assert (ROOT / args[1]).is_file(), command
    elif program == "pip":
        assert args == ["install", "twitchlearn[postgres]"]
        assert "postgres = [" in (ROOT / "pyproject.toml").read_text()
    elif program == "export":
        assert re.fullmatch(r"TWITCHLEARN_DB=postgresql://\S+", args[0]), command
    else:
        raise AssertionError(f"the guide's command {command!r} is not one this test knows")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_in_the_guide_is_real(command: str) -> None:
    check_command(command)


def test_the_command_check_can_fail() -> None:
    for wrong in (
        "twitchlearn export --gradebook --out 7B.csv",  # --class missing
        "twitchlearn forget --class 7B --lerner Jess",
        "twitchlearn serve --hots 0.0.0.0",
        "make servee",
        "jupyterhub -f deploy/jupyterhub/nowhere/jupyterhub_config.py",
    ):
        with pytest.raises(AssertionError):
            check_command(wrong)


def test_readme_gives_the_same_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    part = readme.split("## Running a class", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", part, re.DOTALL)
    shown = [
        line.strip()
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    commands = [re.sub(r"\s+#.*$", "", line) for line in shown]
    assert commands, "README's classroom part shows no commands"
    for command in commands:
        check_command(command)
    for command in COMMANDS:  # and the guide's commands are all in the README
        assert command in readme, command


def test_guide_ways_are_drawn_escaped() -> None:
    from twitchlearn.ui.dashboard import guide_ways

    content = load_content()
    html = guide_ways(content)._repr_html_()
    assert html.count('class="tl-way"') == 3
    assert html.count("<pre><code>") == len(COMMANDS)
    assert "1. One machine" in html
    assert "--gradebook --out 7B.csv" in html
    evil = ClassWay(title="<b>x</b>", suits="y", steps=(SetupStep(do="z", command="<i>"),))
    odd = attrs.evolve(content, guide=attrs.evolve(GUIDE, ways=(evil,)))
    html = guide_ways(odd)._repr_html_()
    assert "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<code>&lt;i&gt;</code>" in html


def test_a_way_without_steps_is_a_content_problem(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    guide = folder / "teacher_guide.yaml"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(
        text + "  - title: A fourth way\n    suits: Nobody\n    steps: []\n", encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"ways\[3\]\.steps'?: this way has no steps"):
        read_content(folder)
    assert SetupStep(do="x").command == ""
