"""What twitchlearn's modules import: see twitchlearn/_purity.py for the rules and why."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from email.parser import Parser
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path

import pytest

from twitchlearn import _purity
from twitchlearn._purity import (
    ALLOWED_FOR_APP,
    ALLOWED_THIRD_PARTY,
    SERVER_ONLY,
    UI_ONLY,
    is_app_module,
)

PACKAGE = Path(__file__).resolve().parents[2] / "twitchlearn"


def package_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package except tests."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = relative.parts
        if "tests" in parts or parts[-1].startswith("test_"):
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_names(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Absolute dotted names `source` imports; `from a import b` gives both a and a.b."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            names.add(origin)
            names.update(f"{origin}.{alias.name}" for alias in node.names)
        elif (  # importlib.import_module("x") and __import__("x") with a literal name
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            names.add(node.args[0].value)
    return names


def role(module: str) -> str:
    if module == "twitchlearn.ui" or module.startswith("twitchlearn.ui."):
        return "ui"
    return "app" if is_app_module(module) else "core"


# Which layers each layer may import: each only the ones above it.
_MAY_IMPORT = {"core": {"core"}, "ui": {"core", "ui"}, "app": {"core", "ui", "app"}}


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Every import in `source` (the text of `module`) that breaks the rules of _purity."""
    kind = role(module)
    allowed = set(ALLOWED_THIRD_PARTY)
    if kind == "app":
        allowed |= set(ALLOWED_FOR_APP)
    if kind == "core":
        allowed -= UI_ONLY
    allowed |= set(SERVER_ONLY.get(module, {}))
    found = []
    for name in sorted(imported_names(source, module, is_package=is_package)):
        top = name.split(".")[0]
        if top == "twitchlearn":
            if role(name) not in _MAY_IMPORT[kind]:
                found.append(f"{module} ({kind}) imports {name}, a {role(name)} module")
        elif top in sys.stdlib_module_names or not top:
            continue
        elif top not in allowed:
            why = "the ui's" if top in UI_ONLY else "not in _purity.ALLOWED_THIRD_PARTY"
            found.append(f"{module} ({kind}) imports {top} ({why})")
    return sorted(set(found))


# --- the checker itself ----------------------------------------------------------------------


def test_checker_flags_yaml_and_pydantic_in_the_core() -> None:
    source = "import json\nimport attrs\nimport yaml\nfrom pydantic import BaseModel\n"
    found = violations(source, "twitchlearn.loading")
    assert found == [
        "twitchlearn.loading (core) imports pydantic (not in _purity.ALLOWED_THIRD_PARTY)",
        "twitchlearn.loading (core) imports yaml (not in _purity.ALLOWED_THIRD_PARTY)",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "import ipywidgets as widgets",
        "from plotly import graph_objects",
        "import anywidget",  # not allowed anywhere
        "from IPython.display import display",
        "from twitchlearn.ui import pages",
        "from twitchlearn import ui",
        "from .ui.quiz import QuizView",
        "from .app import server",
        "from twitchlearn.app.cli import main",
        "import importlib\nimportlib.import_module('ipywidgets')",
    ],
)
def test_checker_keeps_the_ui_and_the_server_out_of_the_core(source: str) -> None:
    assert violations(source, "twitchlearn.scoring"), source


def test_checker_lets_the_ui_and_the_app_have_their_own() -> None:
    ui_source = "import ipywidgets\nfrom twitchlearn.scoring import grade\nfrom . import common\n"
    assert violations(ui_source, "twitchlearn.ui.quiz") == []
    assert violations("import voila\nimport tornado.web\n", "twitchlearn.app.server") == []
    assert violations("import voila\n", "twitchlearn.ui.pages") != []
    assert violations("from twitchlearn.app import server\n", "twitchlearn.ui.pages") != []
    assert violations("import yaml\n", "twitchlearn.app.cli") != []


def test_checker_lets_only_a_server_only_backend_import_its_client() -> None:
    source = "import psycopg\nfrom psycopg.conninfo import conninfo_to_dict\n"
    assert violations(source, "twitchlearn.storage.postgres") == []
    for module in ("twitchlearn.storage.sqlite", "twitchlearn.storage", "twitchlearn.session"):
        assert violations(source, module) == [
            f"{module} (core) imports psycopg (not in _purity.ALLOWED_THIRD_PARTY)"
        ]
    assert violations("import psycopg\n", "twitchlearn.ui.pages") != []


def test_server_only_modules_are_imported_lazily_or_not_at_all() -> None:
    # Importing the core (or the ui, or the app) must never need psycopg.
    eager = sorted(
        f"{module} imports {target} when it is imported"
        for module in package_modules()
        for target in module_level_imports(module)
        if target in SERVER_ONLY
    )
    assert eager == []
    assert set(SERVER_ONLY) <= set(package_modules())


@pytest.mark.parametrize(
    ("module", "import_name", "dist"),
    sorted((m, i, d) for m, names in SERVER_ONLY.items() for i, d in names.items()),
)
def test_server_only_import_belongs_to_an_extra(module: str, import_name: str, dist: str) -> None:
    providers = packages_distributions().get(import_name, [])
    assert dist in {p.lower() for p in providers}, (module, import_name, providers)
    with (PACKAGE.parent / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    extras = project["optional-dependencies"]
    assert dist not in {_requirement_name(r) for r in project["dependencies"]}
    assert any(dist in {_requirement_name(r) for r in reqs} for reqs in extras.values())


def test_checker_resolves_relative_imports() -> None:
    names = imported_names("from .. import models\nfrom .common import x\n", "twitchlearn.ui.quiz")
    assert {"twitchlearn.models", "twitchlearn.ui.common"} <= names
    in_package = imported_names("from . import quiz\n", "twitchlearn.ui", is_package=True)
    assert "twitchlearn.ui.quiz" in in_package


def test_scan_finds_the_package_modules() -> None:
    modules = package_modules()
    expected = {"twitchlearn", "twitchlearn.loading", "twitchlearn.ui.pages", "twitchlearn.app.cli"}
    assert expected <= set(modules)


# --- the package -----------------------------------------------------------------------------


@pytest.mark.parametrize("module", sorted(package_modules()))
def test_module_imports_only_what_its_role_allows(module: str) -> None:
    path = package_modules()[module]
    source = path.read_text(encoding="utf-8")
    found = violations(source, module, is_package=path.name == "__init__.py")
    assert not found, "\n".join(found)


# --- the allowed packages are pure-Python wheels --------------------------------------------


def wheel_problems(wheel_text: str) -> list[str]:
    """What stops a distribution's WHEEL metadata from being a pure-Python py3 wheel."""
    wheel = Parser().parsestr(wheel_text)
    problems = []
    if (wheel.get("Root-Is-Purelib") or "").strip().lower() != "true":
        problems.append(f"Root-Is-Purelib is {wheel.get('Root-Is-Purelib')!r}, not true")
    tags = [tag.strip() for tag in wheel.get_all("Tag") or []]
    py3_pure = False
    for tag in tags:
        python, _, rest = tag.partition("-")
        if rest != "none-any":
            problems.append(f"tag {tag} is built for one interpreter or platform")
        elif "py3" in python.split(".") and set(python.split(".")) <= {"py2", "py3"}:
            py3_pure = True
    if not py3_pure:
        problems.append(f"no py3-none-any tag among {tags}")
    return problems


def test_wheel_check_accepts_pure_and_refuses_compiled() -> None:
    assert wheel_problems("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n") == []
    assert wheel_problems("Root-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n") == []
    assert wheel_problems("Root-Is-Purelib: true\nTag: py2.py3-none-any\n") == []
    compiled = "Root-Is-Purelib: false\nTag: cp311-cp311-manylinux_2_17_x86_64\n"
    problems = wheel_problems(compiled)  # pydantic-core and PyYAML wheels look like this
    assert problems[0] == "Root-Is-Purelib is 'false', not true"
    assert any("no py3-none-any tag" in p for p in problems)
    assert wheel_problems("Root-Is-Purelib: true\nTag: py3-none-win_amd64\n")
    assert wheel_problems("Root-Is-Purelib: true\n")


@pytest.mark.parametrize(("import_name", "dist"), sorted(ALLOWED_THIRD_PARTY.items()))
def test_allowed_package_is_a_pure_python_wheel(import_name: str, dist: str) -> None:
    try:
        wheel_text = distribution(dist).read_text("WHEEL")
    except PackageNotFoundError:
        pytest.fail(f"{dist} (for 'import {import_name}') is not installed")
    assert wheel_text is not None, f"{dist} was not installed from a wheel (no WHEEL file)"
    problems = wheel_problems(wheel_text)
    assert not problems, f"{dist}: " + "; ".join(problems)


@pytest.mark.parametrize(
    ("import_name", "dist"), sorted({**ALLOWED_THIRD_PARTY, **ALLOWED_FOR_APP}.items())
)
def test_allowed_import_name_belongs_to_its_distribution(import_name: str, dist: str) -> None:
    providers = packages_distributions().get(import_name, [])
    normalised = {p.lower().replace("_", "-") for p in providers}
    assert dist.lower().replace("_", "-") in normalised, (import_name, providers)


def test_ui_only_and_app_lists_are_consistent() -> None:
    assert set(UI_ONLY) <= set(ALLOWED_THIRD_PARTY)
    assert not set(ALLOWED_FOR_APP) & set(ALLOWED_THIRD_PARTY)
    assert is_app_module("twitchlearn.app.server")
    assert is_app_module("twitchlearn.__main__")
    assert not is_app_module("twitchlearn.apply")
    assert _purity.__doc__
    assert "Pyodide" in _purity.__doc__


def _requirement_name(requirement: str) -> str:
    name = re.split(r"[\s<>=!~;\[(]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def test_allowed_packages_are_installed_by_the_declared_dependencies() -> None:
    # Importing a package that only happens to be installed would break a fresh install.
    with (PACKAGE.parent / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["dependencies"]
    reachable: set[str] = set()
    queue = [_requirement_name(r) for r in declared]
    while queue:
        name = queue.pop()
        if name in reachable:
            continue
        reachable.add(name)
        try:
            requires = distribution(name).requires or []
        except PackageNotFoundError:
            continue
        queue.extend(_requirement_name(r) for r in requires if "extra ==" not in r)
    allowed = {**ALLOWED_THIRD_PARTY, **ALLOWED_FOR_APP}
    missing = sorted(d for d in allowed.values() if _requirement_name(d) not in reachable)
    assert not missing, f"not installed by pyproject's dependencies: {missing}"


# --- seams: no cycles, no private names across modules ---------------------------------------


def module_level_imports(module: str) -> set[str]:
    """twitchlearn modules that `module` imports when it is imported (not inside functions)."""
    path = package_modules()[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = ast.Module(
        body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)], type_ignores=[]
    )
    names = imported_names(ast.unparse(top_level), module, is_package=path.name == "__init__.py")
    known = set(package_modules())
    return {name for name in names if name in known and name != module}


def test_the_package_has_no_import_cycles() -> None:
    graph = {module: module_level_imports(module) for module in package_modules()}
    # A package's __init__ importing its own submodules is how packages work, not a cycle.
    for module, targets in graph.items():
        graph[module] = {t for t in targets if not module.startswith(t + ".")}
    done: set[str] = set()

    def visit(module: str, stack: list[str]) -> None:
        if module in stack:
            pytest.fail("import cycle: " + " -> ".join([*stack[stack.index(module) :], module]))
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*stack, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])


def test_no_module_imports_another_modules_private_names() -> None:
    found = []
    for module, path in package_modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("twitchlearn"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if node.module and any(p.startswith("_") for p in node.module.split(".")):
                    private.append(node.module)
                found += [f"{module} imports {name}" for name in private]
    assert found == []
