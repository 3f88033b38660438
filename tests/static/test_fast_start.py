"""What makes the static edition start faster (issue 14; docs/performance.md), without a browser:

- the wheels and Pyodide's standard library hold bytecode, not sources
  (tools/static/sourceless.py, run by tools/static/pycompile.mjs inside Pyodide under Node),
  so the browser no longer compiles every module it imports on every page load;
- the course's wheel holds its content already read and checked
  (twitchlearn.loading.PREPARSED_FILE), so the browser does not parse the YAML.

The browser tests of this folder check that the built site still works with both.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
import json
import pickle
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from twitchlearn.loading import (
    CONTENT_DIR,
    PREPARSED_FILE,
    _preparsed,
    content_digest,
    load_content,
    preparsed_bytes,
    read_content,
)

ROOT = Path(__file__).resolve().parents[2]
PYODIDE = "static/pyodide"


def _sourceless_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "tl_sourceless", ROOT / "tools/static/sourceless.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sourceless = _sourceless_module()


def _wheel(files: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        rows = [f"{name},sha256=x,{len(text)}" for name, text in files.items()]
        archive.writestr("demo-1.0.dist-info/RECORD", "\n".join(rows) + "\n")
    return out.getvalue()


@pytest.fixture
def on_path(tmp_path: Path) -> Iterator[Path]:
    """A zip put first on sys.path for the test, and its modules forgotten afterwards."""
    archive = tmp_path / "demo.zip"
    sys.path.insert(0, str(archive))
    try:
        yield archive
    finally:
        sys.path.remove(str(archive))
        for name in [m for m in sys.modules if m == "tl_demo" or m.startswith("tl_demo.")]:
            del sys.modules[name]
        importlib.invalidate_caches()


def test_sourceless_replaces_each_module_by_bytecode_that_imports(on_path: Path) -> None:
    data = _wheel(
        {
            "tl_demo/__init__.py": "NAME = 'demo'\n",
            "tl_demo/deep.py": "def twice(x):\n    return 2 * x\n",
            "tl_demo/broken.py": "def (:\n",
            "tl_demo/data.txt": "kept\n",
        }
    )
    out = sourceless.sourceless(data, "/site/")
    names = set(zipfile.ZipFile(io.BytesIO(out)).namelist())
    assert names == {
        "tl_demo/__init__.pyc",
        "tl_demo/deep.pyc",
        "tl_demo/broken.py",  # does not compile: kept as it is
        "tl_demo/data.txt",
        "demo-1.0.dist-info/RECORD",
    }
    record = zipfile.ZipFile(io.BytesIO(out)).read("demo-1.0.dist-info/RECORD").decode()
    assert "tl_demo/deep.pyc,,\n" in record
    assert "tl_demo/broken.py,sha256=x," in record
    on_path.write_bytes(out)
    deep = importlib.import_module("tl_demo.deep")
    assert deep.twice(21) == 42
    assert importlib.import_module("tl_demo").NAME == "demo"
    assert deep.twice.__code__.co_filename == "/site/tl_demo/deep.py"


def test_sourceless_gives_the_same_bytes_for_the_same_input() -> None:
    data = _wheel({"tl_demo/__init__.py": "X = [1, 2, 3]\n"})
    assert sourceless.sourceless(data, "/s/") == sourceless.sourceless(data, "/s/")


def test_the_shipped_content_is_what_the_loader_reads_from_the_yaml() -> None:
    made_from, content = pickle.loads(preparsed_bytes())  # noqa: S301 (made here)
    assert made_from == content_digest(CONTENT_DIR)
    assert content == read_content(CONTENT_DIR)
    assert content == load_content()


def test_the_shipped_content_is_used_only_for_the_files_it_was_made_from(tmp_path: Path) -> None:
    course = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, course)
    shipped = tmp_path / PREPARSED_FILE
    shipped.write_bytes(preparsed_bytes(course))
    found = _preparsed(course.resolve(), shipped, course)
    assert found is not None
    assert found == read_content(course)
    # another folder than the shipped course: not used
    assert _preparsed(CONTENT_DIR.resolve(), shipped, course) is None
    # a changed lesson: not used (the loader reads the YAML again)
    lesson = sorted((course / "lessons").glob("*.yaml"))[0]
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _preparsed(course.resolve(), shipped, course) is None
    # no file, or a broken one: not used
    shipped.write_bytes(b"not a pickle")
    assert _preparsed(course.resolve(), shipped, course) is None
    assert _preparsed(course.resolve(), tmp_path / "none.pickle", course) is None


def test_the_server_edition_has_no_shipped_content() -> None:
    assert not (ROOT / "twitchlearn" / PREPARSED_FILE).exists()


def test_the_built_wheels_and_stdlib_hold_bytecode_and_the_course_its_checked_content(
    built_site: Path,
) -> None:
    folder = built_site / PYODIDE
    lock = json.loads((folder / "pyodide-lock.json").read_text())
    archives = [folder / entry["file_name"] for entry in lock["packages"].values()]
    archives.append(folder / "python_stdlib.zip")
    compiled = 0
    for archive in archives:
        names = zipfile.ZipFile(archive).namelist()
        compiled += sum(n.endswith(".pyc") for n in names)
        sources = [n for n in names if n.endswith(".py") and n[:-3] + ".pyc" not in names]
        # a few files of tests and templates do not compile under Python 3.13: kept as they are
        assert len(sources) <= 3, (archive.name, sources[:5])
        assert not [n for n in names if n.endswith(".py") and n + "c" in names], archive.name
    assert compiled > 1000
    stdlib = zipfile.ZipFile(folder / "python_stdlib.zip").read("argparse.pyc")
    assert stdlib[:4] == bytes.fromhex("f30d0d0a")  # CPython 3.13's magic: Pyodide 0.29's
    (wheel,) = folder.glob("twitchlearn-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        made_from, content = pickle.loads(archive.read(f"twitchlearn/{PREPARSED_FILE}"))  # noqa: S301
    assert made_from == content_digest(CONTENT_DIR)
    assert content == read_content(CONTENT_DIR)
