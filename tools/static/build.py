"""Build the static edition: the whole course as a website whose Python runs in the browser.

    .venv/bin/python tools/static/build.py          # make static: writes dist/static/
    python -m http.server -d dist/static             # then open http://127.0.0.1:8000/

Voici (JupyterLite for Voila-style apps) turns the same pages the server edition serves
(`twitchlearn.app.notebooks.write`) into static HTML whose kernel is Pyodide. Nothing is
fetched when the site runs: Pyodide's core comes from npm, the pure wheels its lock names
come from PyPI (their sha256 rewritten in the lock: PyPI's wheels are not Pyodide's builds),
and the course's own wheel, ipywidgets and the course's dependencies are added to that lock,
so Pyodide loads them when the kernel starts. Font Awesome is vendored.

The build tools (voici and JupyterLite, pinned: see PINS) live in their own venv,
build/static-venv/, so their pins never touch the server edition's .venv. Downloads are kept
in build/static-cache/; a build whose inputs are unchanged is reused (dist/static/.inputs).

Pins and traps found by trying (the README's static edition section):
voici 0.10.0 needs jupyterlite-core <0.8;
jupyterlite-pyodide-kernel 0.7.2 fails in Voici, 0.7.0 works (Pyodide 0.29.0); voici's
jupyterlite-xeus add-on needs emscripten-forge, so it is disabled.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[2]
HERE: Final = Path(__file__).resolve().parent
CACHE: Final = ROOT / "build" / "static-cache"
VENV: Final = ROOT / "build" / "static-venv"
LITE: Final = ROOT / "build" / "static-lite"
OUT: Final = ROOT / "dist" / "static"
STAMP_NAME: Final = ".inputs"

# The build tools, in their own venv. plotly brings the jupyterlab-plotly renderer (the
# kernel never imports plotly: twitchlearn.ui.chart sends plain plotly JSON);
# jupyterlab_widgets brings the widget manager. Same versions as the server edition's.
PINS: Final = (
    "voici==0.10.0",
    "jupyterlite-core==0.7.0",
    "jupyterlite-pyodide-kernel==0.7.0",
    "plotly==7.1.0",
    "jupyterlab_widgets==3.0.17",
)
PYODIDE_NPM: Final = "pyodide@0.29.0"
FONTAWESOME_NPM: Final = "@fortawesome/fontawesome-free@5.15.4"

# What the kernel needs from Pyodide's own lock: micropip and piplite's needs, IPython (the
# kernel installs it at start), and what the course imports. Their pure wheels come from
# PyPI at the lock's versions. Compiled packages (sqlite3, matplotlib) are left out: nothing
# on these pages needs them.
LOCK_ROOTS: Final = ("micropip", "packaging", "ipython", "traitlets", "six")
NOT_BUNDLED: Final = frozenset({"sqlite3", "matplotlib", "jedi", "parso"})
# Packages the kernel insists on installing that these pages do not need: the lock names an
# empty stand-in of each (see PRELOAD). jedi (with parso, 1.6 MB) only completes code, and
# there is no code to complete on these pages: IPython runs without it (its completer tries
# `import jedi`), and the kernel starts without unpacking and importing it.
STAND_INS: Final = ("sqlite3", "jedi")

# Added to the lock and loaded when the kernel starts (name -> (version, imports, depends)).
# The course's dependencies at the server edition's versions; they replace the lock's own
# entries of the same name (cattrs 26 needs attrs >= 25.4, the lock has 25.2).
EXTRA: Final[dict[str, tuple[str, list[str], list[str]]]] = {
    "attrs": ("26.1.0", ["attr", "attrs"], []),
    "typing-extensions": ("4.16.0", ["typing_extensions"], []),
    "cattrs": ("26.2.1", ["cattrs", "cattr"], ["attrs", "typing-extensions"]),
    "ruamel-yaml": ("0.19.1", ["ruamel"], []),
    "comm": ("0.2.3", ["comm"], ["traitlets"]),
    "ipywidgets": ("8.1.9", ["ipywidgets"], ["comm", "ipython", "traitlets"]),
}
COURSE: Final = "twitchlearn"
# Loaded with Pyodide itself, before the first cell runs (the kernel skips installing these).
# sqlite3 is Pyodide's own compiled build, not on PyPI: the kernel insists on installing it,
# so the lock names an empty stand-in (`import sqlite3` still fails; IPython then runs
# without its history database, and the course never uses sqlite3 in this edition); jedi
# likewise (STAND_INS).
PRELOAD: Final = ("micropip", "sqlite3", "ipython", "jedi", "comm", "ipywidgets", COURSE)

START_PAGE: Final = "00_start_here"
FLOOR_PAGE: Final = ROOT / "bench" / "floor" / f"{START_PAGE}.ipynb"
FLOOR_OUT: Final = ROOT / "build" / "static-floor"


def log(message: str) -> None:
    print(f"[static] {message}", flush=True)


def run(*args: str | os.PathLike[str], cwd: Path | None = None) -> None:
    subprocess.run([os.fspath(a) for a in args], check=True, cwd=cwd)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- inputs: a build whose inputs are unchanged is reused ------------------------------------


def _input_files() -> Iterator[Path]:
    yield ROOT / "pyproject.toml"
    for base in (ROOT / "twitchlearn", HERE):
        for path in sorted(base.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                yield path


def inputs_digest() -> str:
    """One sha256 over every input of the build: the package, its content, this folder."""
    h = hashlib.sha256()
    h.update(repr((PINS, PYODIDE_NPM, FONTAWESOME_NPM, EXTRA, PRELOAD, STAND_INS)).encode())
    for path in _input_files():
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        h.update(digest(path).encode() + b"\0")
    return h.hexdigest()


# -- the tools, the downloads ----------------------------------------------------------------


def ensure_venv() -> Path:
    """build/static-venv with the pinned build tools; its bin folder."""
    bin_dir = VENV / "bin"
    stamp = VENV / ".pins-without-xeus"
    if stamp.exists() and stamp.read_text() == "\n".join(PINS):
        return bin_dir
    log(f"installing the build tools into {VENV.relative_to(ROOT)}")
    if not (bin_dir / "python").exists():
        run(sys.executable, "-m", "venv", VENV)
    pip = (bin_dir / "python", "-m", "pip", "--disable-pip-version-check")
    run(*pip, "install", "-q", *PINS)
    # voici pulls in jupyterlite-xeus; its add-on needs emscripten-forge and its extension
    # asks GitHub for a package map on every page. Disabling the add-on is not enough.
    run(*pip, "uninstall", "-q", "-y", "jupyterlite-xeus")
    stamp.write_text("\n".join(PINS))
    return bin_dir


def npm_package(spec: str) -> Path:
    """The npm tarball of `spec` (name@version), downloaded once into the cache."""
    folder = CACHE / "npm"
    folder.mkdir(parents=True, exist_ok=True)
    name, version = spec.rsplit("@", 1)
    expected = folder / f"{name.lstrip('@').replace('/', '-')}-{version}.tgz"
    if not expected.exists():
        log(f"npm pack {spec}")
        run("npm", "pack", "--silent", spec, cwd=folder)
    return expected


def pypi_wheel(name: str, version: str) -> Path:
    """The pure wheel of name==version from PyPI, downloaded once into the cache."""
    folder = CACHE / "wheels"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[-_.]+", "_", name).lower()
    for found in folder.glob("*.whl"):
        parts = found.name.split("-")
        if re.sub(r"[-_.]+", "_", parts[0]).lower() == stem and parts[1] == version:
            return found
    log(f"pip download {name}=={version}")
    # --platform any: without it pip picked a CPython-only psygnal wheel and the kernel
    # stalled without a word.
    run(
        sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
        "--no-deps", "--only-binary=:all:", "--python-version", "3.13", "--platform", "any",
        "--implementation", "py", "-d", folder, f"{name}=={version}",
    )  # fmt: skip
    return pypi_wheel(name, version)


def stand_in_wheel(name: str, folder: Path) -> Path:
    """An installable wheel of `name` that holds no module (see PRELOAD)."""
    info = f"{name}-1.0.0.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: twitchlearn\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in files) + f"{info}/RECORD,,\n"
    wheel = folder / f"{name}-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return wheel


def course_wheel() -> Path:
    """The course's own wheel, built from this checkout."""
    folder = CACHE / "course-wheel"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log("building the course's wheel")
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", folder, ROOT)
    (wheel,) = folder.glob(f"{COURSE}-*.whl")
    add_preparsed(wheel)
    return wheel


PREPARSED: Final = f"{COURSE}/_content.pickle"  # twitchlearn.loading.PREPARSED_FILE


def preparsed() -> bytes:
    """The checked course of this checkout, pickled (twitchlearn.loading.preparsed_bytes)."""
    code = "import sys; from twitchlearn.loading import preparsed_bytes as p; "
    code += "sys.stdout.buffer.write(p())"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, env=env
    ).stdout


def add_preparsed(wheel: Path) -> None:
    """The course's wheel with its content already read and checked (PREPARSED), so the
    browser does not parse the YAML on every page (twitchlearn.loading._preparsed)."""
    data = preparsed()
    with zipfile.ZipFile(wheel) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    row = "{},sha256={},{}".format(
        PREPARSED,
        base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode(),
        len(data),
    )
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in entries:
            if info.filename.endswith(".dist-info/RECORD"):
                body = (row + "\n").encode() + body
            archive.writestr(info, body)
        info = zipfile.ZipInfo(PREPARSED, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, data)


# -- the lite folder ---------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(packages: dict[str, Any], roots: Iterable[str]) -> list[str]:
    seen: list[str] = []
    todo = [_canonical(r) for r in roots]
    while todo:
        name = todo.pop()
        if name in seen or name in NOT_BUNDLED:
            continue
        seen.append(name)
        depends = EXTRA[name][2] if name in EXTRA else packages[name]["depends"]
        todo.extend(_canonical(d) for d in depends)
    return sorted(seen)


def pyodide_folder(target: Path, wheel: Path) -> list[str]:
    """Pyodide's core and a lock of only what is bundled into `target`; the lock's names."""
    with tarfile.open(npm_package(PYODIDE_NPM)) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        for member in members:
            name = member.name.removeprefix("package/")
            if name.endswith((".map", ".d.ts", ".html")) or name in {"package.json", "README.md"}:
                continue
            source = tar.extractfile(member)
            assert source is not None
            (target / name).write_bytes(source.read())
    lock = json.loads((target / "pyodide-lock.json").read_text())
    packages: dict[str, Any] = {_canonical(k): v for k, v in lock["packages"].items()}
    bundled: dict[str, Any] = {}
    for name in _closure(packages, [*LOCK_ROOTS, *EXTRA]):
        if name in EXTRA:
            continue
        entry = dict(packages[name])
        if not entry["file_name"].endswith("-none-any.whl"):
            raise SystemExit(f"{name} in Pyodide's lock is not a pure wheel: cannot bundle it")
        bundled[name] = entry
    for name, (version, imports, depends) in EXTRA.items():
        bundled[name] = {
            "name": name, "version": version, "imports": imports, "depends": depends,
            "install_dir": "site", "package_type": "package", "unvendored_tests": False,
            "file_name": "", "sha256": "",
        }  # fmt: skip
    bundled[COURSE] = {
        "name": COURSE, "version": wheel.name.split("-")[1], "imports": [COURSE],
        "depends": ["attrs", "cattrs", "ruamel-yaml", "ipywidgets"], "install_dir": "site",
        "package_type": "package", "unvendored_tests": False, "file_name": "", "sha256": "",
    }  # fmt: skip
    for stand_in in STAND_INS:
        bundled[stand_in] = {
            "name": stand_in, "version": "1.0.0", "imports": [], "depends": [],
            "install_dir": "site", "package_type": "package", "unvendored_tests": False,
            "file_name": "", "sha256": "",
        }  # fmt: skip
    for name, entry in bundled.items():
        if name == COURSE:
            found = wheel
        elif name in STAND_INS:
            found = stand_in_wheel(name, CACHE)
        else:
            found = pypi_wheel(name, entry["version"])
        shutil.copy2(found, target / found.name)
        entry["file_name"] = found.name
        entry["depends"] = [
            _canonical(d) for d in entry["depends"] if _canonical(d) not in NOT_BUNDLED
        ]
    compile_python(target, [target / e["file_name"] for e in bundled.values()])
    for entry in bundled.values():
        entry["sha256"] = digest(target / entry["file_name"])
    lock["packages"] = dict(sorted(bundled.items()))
    (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
    return sorted(bundled)


SITE_PACKAGES: Final = "/lib/python3.13/site-packages/"
STDLIB_ZIP: Final = "/lib/python313.zip/"


def compile_python(pyodide: Path, wheels: Iterable[Path]) -> None:
    """Every wheel in `wheels` and Pyodide's standard library, compiled to bytecode in place by
    Pyodide itself under Node (tools/static/pycompile.mjs, tools/static/sourceless.py): the
    browser then imports bytecode instead of compiling every module on every page load."""
    log("compiling the Python of the wheels and the standard library (Pyodide under Node)")
    jobs = [f"{SITE_PACKAGES}={wheel}" for wheel in wheels]
    jobs.append(f"{STDLIB_ZIP}={pyodide / 'python_stdlib.zip'}")
    run("node", HERE / "pycompile.mjs", pyodide, HERE / "sourceless.py", *jobs)


def lite_folder(wheel: Path) -> None:
    """build/static-lite: jupyter-lite.json, Pyodide, Font Awesome and the pages."""
    shutil.rmtree(LITE, ignore_errors=True)
    pyodide = LITE / "static" / "pyodide"
    pyodide.mkdir(parents=True)
    pyodide_folder(pyodide, wheel)
    config = json.loads((HERE / "jupyter-lite.json").read_text())
    settings = config["jupyter-config-data"]["litePluginSettings"][
        "@jupyterlite/pyodide-kernel-extension:kernel"
    ]
    settings["loadPyodideOptions"]["packages"] = list(PRELOAD)
    (LITE / "jupyter-lite.json").write_text(json.dumps(config, indent=2) + "\n")
    with tarfile.open(npm_package(FONTAWESOME_NPM)) as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/")
            if member.isfile() and name.startswith(("css/", "webfonts/", "LICENSE")):
                out = LITE / "static" / "fontawesome" / name
                out.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                assert source is not None
                out.write_bytes(source.read())
    log("writing the pages")
    run(sys.executable, "-m", COURSE, "notebooks", LITE / "content")


# -- after voici -------------------------------------------------------------------------------

_FA_CDN: Final = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@\^5/css/([\w.-]+\.css)"
)
_ANY_REMOTE: Final = re.compile(r"""(?:src|href)=["'](https?:)?//""")


BUILD_FILE: Final = "twitchlearn-build.txt"
_BUILD_MARK: Final = "__TWITCHLEARN_BUILD__"


def cache_first(out: Path, build_id: str) -> None:
    """Later loads from the browser's cache: tools/static/cache-first.js in front of
    JupyterLite's service worker (the one its pages register, at the site's root), with this
    build's id; twitchlearn-build.txt names the build the server has (see cache-first.js)."""
    worker = out / "service-worker.js"
    jupyterlite = worker.read_text(encoding="utf-8")
    if _BUILD_MARK in jupyterlite or 'addEventListener("fetch"' not in jupyterlite:
        raise SystemExit(f"{worker} is not JupyterLite's service worker as expected")
    ours = (HERE / "cache-first.js").read_text(encoding="utf-8")
    worker.write_text(ours.replace(_BUILD_MARK, build_id) + jupyterlite, encoding="utf-8")
    (out / BUILD_FILE).write_text(build_id + "\n", encoding="utf-8")


def finish(out: Path, build_id: str) -> None:
    """Vendored Font Awesome in every page; the start page is the front page (Voici's file
    list, voici/tree/, is not part of the course); the service worker caches the build."""
    cache_first(out, build_id)
    shutil.copytree(LITE / "static" / "fontawesome", out / "static" / "fontawesome")
    start = f"voici/render/{START_PAGE}.html"
    redirect = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="0; url={prefix}' + start + '">'
        "<title>Muscle twitching: a short course</title></head><body>"
        '<p><a href="{prefix}' + start + '">Open the course</a></p></body></html>\n'
    )
    shutil.rmtree(out / "voici" / "tree")
    (out / "voici" / "tree").mkdir()
    for name, prefix in (("index.html", "./"), ("voici/index.html", "../")):
        (out / name).write_text(redirect.format(prefix=prefix), encoding="utf-8")
    (out / "voici" / "tree" / "index.html").write_text(
        redirect.format(prefix="../../"), encoding="utf-8"
    )
    for page in out.glob("voici/render/*.html"):
        html = page.read_text(encoding="utf-8")
        html = _FA_CDN.sub(lambda m: "../../static/fontawesome/css/" + m.group(1), html)
        if _ANY_REMOTE.search(html):
            raise SystemExit(f"{page} still loads something from another site")
        page.write_text(html, encoding="utf-8")


def voici(bin_dir: Path, lite: Path, contents: Path, out: Path) -> None:
    """`voici build` of the pages in `contents` with the lite folder `lite` into `out`."""
    shutil.rmtree(out, ignore_errors=True)
    log(f"voici build -> {out.relative_to(ROOT)}")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run(
        [
            os.fspath(bin_dir / "voici"), "build", "--lite-dir", os.fspath(lite),
            "--contents", os.fspath(contents), "--output-dir", os.fspath(out),
            "--disable-addons", "jupyterlite-xeus", "--no-sourcemaps",
        ],
        check=True, cwd=lite, env=env,
    )  # fmt: skip


def build_floor(*, force: bool = False) -> Path:
    """The bench's floor (`make bench`): bench/floor/00_start_here.ipynb (one
    `ipywidgets.Label("ready")`) built the same way as the course, with the same lite folder
    (Pyodide, its lock and what the kernel loads when it starts), into build/static-floor/."""
    build(force=False)  # the lite folder of the current build
    wanted = inputs_digest() + digest(FLOOR_PAGE)
    stamp = FLOOR_OUT / STAMP_NAME
    if not force and stamp.exists() and stamp.read_text() == wanted:
        log(f"{FLOOR_OUT.relative_to(ROOT)} is up to date (inputs unchanged)")
        return FLOOR_OUT
    lite = ROOT / "build" / "static-floor-lite"
    shutil.rmtree(lite, ignore_errors=True)
    lite.mkdir(parents=True)
    shutil.copy2(LITE / "jupyter-lite.json", lite / "jupyter-lite.json")
    shutil.copytree(LITE / "static", lite / "static")
    (lite / "content").mkdir()
    shutil.copy2(FLOOR_PAGE, lite / "content" / FLOOR_PAGE.name)
    voici(ensure_venv(), lite, lite / "content", FLOOR_OUT)
    finish(FLOOR_OUT, hashlib.sha256(wanted.encode()).hexdigest()[:16])
    stamp.write_text(wanted)
    return FLOOR_OUT


def build(*, force: bool = False) -> Path:
    """Build dist/static/ (or keep it, when its inputs are unchanged); the output folder."""
    wanted = inputs_digest()
    stamp = OUT / STAMP_NAME
    if not force and stamp.exists() and stamp.read_text() == wanted:
        log(f"{OUT.relative_to(ROOT)} is up to date (inputs unchanged)")
        return OUT
    started = time.monotonic()
    bin_dir = ensure_venv()
    lite_folder(course_wheel())
    voici(bin_dir, LITE, LITE / "content", OUT)
    finish(OUT, wanted[:16])
    stamp.write_text(wanted)
    size = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    log(f"built {OUT.relative_to(ROOT)}: {size / 1e6:.1f} MB in {time.monotonic() - started:.0f} s")
    return OUT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="build even if nothing changed")
    parser.add_argument(
        "--floor", action="store_true", help="also build the bench's one-label floor site"
    )
    args = parser.parse_args(argv)
    build(force=args.force)
    if args.floor:
        build_floor(force=args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
