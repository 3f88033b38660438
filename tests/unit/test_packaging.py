"""pyproject.toml and environment.yml agree, and the package ships what it promises."""

from __future__ import annotations

import importlib
import re
import tomllib
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "twitchlearn"

# Entries of environment.yml that are not runtime dependencies of the package:
#   python      the interpreter conda installs; pyproject says it as `requires-python`
#   pip         conda needs it to run the `pip:` section, which installs the package itself
#   jupyterlab  for people who open the notebooks in JupyterLab on Binder; in pyproject it
#               is the optional extra `lab`, since Voila alone serves the course
NOT_RUNTIME = {"python", "pip", "jupyterlab"}

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)$")


def normalise(requirement: str) -> tuple[str, str]:
    """('ruamel-yaml', '>=0.18') from 'ruamel.yaml>=0.18'; names as PEP 503, no spaces."""
    match = _NAME.match(requirement)
    assert match, f"cannot read a package name in {requirement!r}"
    name, spec = match.groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def environment() -> dict[str, Any]:
    data = YAML(typ="safe").load(ROOT / "environment.yml")
    assert isinstance(data, dict)
    return data


def conda_entries() -> list[str]:
    return [entry for entry in environment()["dependencies"] if isinstance(entry, str)]


def pip_entries() -> list[str]:
    sections = [e["pip"] for e in environment()["dependencies"] if isinstance(e, dict)]
    assert len(sections) == 1, "environment.yml should have one 'pip:' section"
    return list(sections[0])


def runtime_from_pyproject() -> dict[str, str]:
    return dict(normalise(r) for r in pyproject()["project"]["dependencies"])


def runtime_from_environment() -> dict[str, str]:
    pairs = dict(normalise(e) for e in conda_entries())
    return {name: spec for name, spec in pairs.items() if name not in NOT_RUNTIME}


def test_normalise() -> None:
    assert normalise("ruamel.yaml>=0.18") == ("ruamel-yaml", ">=0.18")
    assert normalise("Jupyter_Server >= 2, <3") == ("jupyter-server", ">=2,<3")
    assert normalise("python=3.11") == ("python", "=3.11")


def test_environment_and_pyproject_name_the_same_runtime_dependencies() -> None:
    from_pyproject = set(runtime_from_pyproject())
    from_environment = set(runtime_from_environment())
    assert from_pyproject == from_environment, (
        f"only in pyproject.toml: {sorted(from_pyproject - from_environment)}; "
        f"only in environment.yml: {sorted(from_environment - from_pyproject)}"
    )


def test_environment_and_pyproject_use_the_same_versions() -> None:
    # conda-forge understands the same '>=' and '<' constraints as pip, so they can match.
    from_pyproject = runtime_from_pyproject()
    differing = {
        name: (from_pyproject.get(name), spec)
        for name, spec in runtime_from_environment().items()
        if from_pyproject.get(name) != spec
    }
    assert not differing, f"(pyproject, environment.yml) constraints differ: {differing}"


def test_environment_extras_are_accounted_for() -> None:
    conda = dict(normalise(e) for e in conda_entries())
    assert set(conda) >= NOT_RUNTIME, f"expected {sorted(NOT_RUNTIME)} in environment.yml"
    # python: the version conda installs satisfies requires-python
    version = conda["python"].lstrip("=")
    required = pyproject()["project"]["requires-python"]
    assert required.startswith(">="), required
    as_tuple = [tuple(int(p) for p in v.split(".")) for v in (version, required[2:])]
    assert as_tuple[0] >= as_tuple[1], f"python={version} does not satisfy {required}"
    # jupyterlab: the 'lab' extra, with the same constraint
    lab = dict(normalise(r) for r in pyproject()["project"]["optional-dependencies"]["lab"])
    assert lab.get("jupyterlab") == conda["jupyterlab"]
    # pip: installs the package itself and nothing else behind conda's back
    assert pip_entries() == ["-e ."]


def test_py_typed_exists_and_is_package_data() -> None:
    assert (PACKAGE / "py.typed").is_file()
    package_data = pyproject()["tool"]["setuptools"]["package-data"]["twitchlearn"]
    assert "py.typed" in package_data


def test_every_content_file_and_ui_asset_is_package_data() -> None:
    patterns = pyproject()["tool"]["setuptools"]["package-data"]["twitchlearn"]
    covered = {path for pattern in patterns for path in PACKAGE.glob(pattern)}
    content = set((PACKAGE / "content").rglob("*.yaml"))
    content |= {p for p in (PACKAGE / "ui").iterdir() if p.suffix in {".css", ".js"}}
    assert content, "no content files found"
    assert content <= covered, f"not shipped: {sorted(str(p) for p in content - covered)}"


def test_console_script_is_declared_and_resolves() -> None:
    target = pyproject()["project"]["scripts"]["twitchlearn"]
    assert target == "twitchlearn.app.cli:main"
    module, _, attribute = target.partition(":")
    assert callable(getattr(importlib.import_module(module), attribute))


def test_console_script_is_installed() -> None:
    installed = entry_points(group="console_scripts", name="twitchlearn")
    if not installed:
        pytest.fail("the 'twitchlearn' console script is not installed; run pip install -e .")
    assert next(iter(installed)).value == "twitchlearn.app.cli:main"
