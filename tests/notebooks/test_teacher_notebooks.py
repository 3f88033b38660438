"""The teacher notebooks: stored clean, kept out of the learners' app, and they run."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from twitchlearn.app import notebooks
from twitchlearn.loading import load_content, load_course
from twitchlearn.models import SingleChoiceQuestion
from twitchlearn.scoring import grade
from twitchlearn.storage.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[2]
TEACHER = ROOT / "notebooks" / "teacher"
GUIDE = TEACHER / "teacher_guide.ipynb"
DASHBOARD = TEACHER / "class_dashboard.ipynb"
LEARNERS = ["Amira Haddad", "Ben O'Neill", "<img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("path", [GUIDE, DASHBOARD], ids=lambda p: p.name)
def test_stored_without_outputs(path: Path) -> None:
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        assert not cell.get("outputs"), f"{path.name} has outputs"
        assert not cell.get("execution_count"), f"{path.name} has execution counts"
        if cell["cell_type"] == "code":
            assert len("".join(cell["source"]).splitlines()) <= 4, "a few lines a cell"


def test_teacher_notebooks_stay_out_of_the_learners_app(tmp_path: Path) -> None:
    app = tmp_path / "app"
    notebooks.write(load_content(), app)  # what `twitchlearn serve` serves
    served = {p.relative_to(app).as_posix() for p in app.rglob("*")}
    teacher_names = {p.name for p in TEACHER.glob("*.ipynb")}
    assert teacher_names == {GUIDE.name, DASHBOARD.name}
    assert not served & teacher_names
    assert not any("teacher" in name for name in served), served
    for learner_nb in (ROOT / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(learner_nb, as_version=4)
        for cell in nb.cells:
            assert "teacher" not in cell.source.lower(), (learner_nb.name, cell.source)


def _fill(db: Path, class_code: str) -> None:
    course = load_course()
    questions = [q for q in course.questions.values() if isinstance(q, SingleChoiceQuestion)]
    with SQLiteStore(db) as store:
        for n, learner in enumerate(LEARNERS):
            for question in questions[: 3 + 2 * n]:
                choice = question.choices[n % len(question.choices)].id
                store.record(learner, class_code, question.id, choice, grade(question, choice))


def _run(path: Path, tmp_path: Path) -> tuple[nbformat.NotebookNode, str]:
    """Execute `path`; return it and all it showed (cell outputs and widget state) as JSON."""
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources=resources).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    for output in outputs:
        assert output.output_type != "error", output
        assert output.get("name") != "stderr", output.get("text")
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code_cells), [c.source for c in code_cells if not c.outputs]
    widgets = nb.metadata.get("widgets", {})
    shown = json.dumps([outputs, widgets])
    assert "Traceback" not in shown
    return nb, shown


@pytest.mark.notebooks
def test_teacher_guide_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWITCHLEARN_DB", str(tmp_path / "progress.sqlite3"))
    _, shown = _run(GUIDE, tmp_path)
    course = load_course()
    assert shown.count("tl-key") == len(course.questions)
    assert "45 minutes" in shown
    assert "prescribed medicine without advice" in shown
    # the three ways to run a class, with their commands (tests/unit/test_guide_ways.py)
    assert shown.count("tl-way") == 3
    assert "twitchlearn forget --class 7B --learner Jess" in shown


@pytest.mark.notebooks
def test_class_dashboard_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "progress.sqlite3"
    _fill(db, "9B")
    _fill(db, "OTHER")
    monkeypatch.setenv("TWITCHLEARN_DB", str(db))
    monkeypatch.setenv("TWITCHLEARN_CLASS", "9B")
    _, shown = _run(DASHBOARD, tmp_path)
    assert "application/vnd.plotly.v1+json" in shown
    assert "application/vnd.jupyter.widget-view+json" in shown
    for name in LEARNERS:  # shown as text: escaped in HTML and in chart labels
        assert json.dumps(escape(name))[1:-1] in shown
    assert "<img src=x" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert "3 learner(s)" in shown
    assert "twitchlearn export --class 9B --out results.csv" in shown
