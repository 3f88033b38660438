"""The learners' notebooks: generated from the course, output-free, one outline, and they run."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from twitchlearn.app import notebooks
from twitchlearn.loading import load_content

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
OUTLINE = [
    "Overview",
    "What you will learn",
    "The lesson",
    "Check yourself",
    "Summary",
    "What next",
    "Sources",
]


def test_the_committed_notebooks_are_the_generated_ones() -> None:
    built = notebooks.build(load_content())
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in NOTEBOOKS}
    assert sorted(on_disk) == sorted(built), "run: make notebooks"
    for name, text in built.items():
        assert on_disk[name] == text, f"{name} differs: run make notebooks"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs(path: Path) -> None:
    for cell in json.loads(path.read_text())["cells"]:
        assert not cell.get("outputs"), f"{path.name} has outputs"
        assert not cell.get("execution_count"), f"{path.name} has execution counts"


# The start page, the explorer and the review page are single interactive pages, not lessons.
LESSONS = [
    p
    for p in NOTEBOOKS
    if p.name not in {"00_start_here.ipynb", "08_explorer.ipynb", "09_review.ipynb"}
]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_lessons_follow_the_outline_and_stay_thin(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    headings = [c.source.removeprefix("## ") for c in nb.cells if c.cell_type == "markdown"]
    assert headings == OUTLINE
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 4, "a few lines a cell: call the package"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWITCHLEARN_DB", str(tmp_path / "progress.sqlite3"))
    nb = nbformat.read(path, as_version=4)
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert outputs, "the notebook showed nothing"
    for output in outputs:
        assert output.output_type != "error", output
        assert output.get("name") != "stderr", output.get("text")
        text = json.dumps(output.get("data", {}))
        assert "Traceback" not in text
    # every outline part produced visible output
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs for c in code_cells), [c.source for c in code_cells if not c.outputs]
