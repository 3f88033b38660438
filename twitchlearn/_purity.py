"""Which third-party packages twitchlearn's own modules may import, and why.

A serverless edition of the course is planned: the same notebooks running in the browser
on Pyodide (JupyterLite), with no Python server at all. The core (models, loading, scoring
and the other modules outside `twitchlearn/ui/`) and the ui (`twitchlearn/ui/`) must run
there unchanged. Pyodide installs packages with micropip, which can bundle only pure-Python
wheels (tag `py3-none-any`) from PyPI, besides the few compiled packages Pyodide builds
itself. So every third-party package the core and the ui import must ship such a wheel.
pydantic (whose validation lives in the compiled pydantic-core) and PyYAML (compiled
against libyaml, and Pyodide's own build is not guaranteed) have none; that is why the
models use attrs + cattrs and the content is read with ruamel.yaml.

tests/unit/test_purity.py reads every module under `twitchlearn/` with `ast` and enforces:

- core: every module outside `twitchlearn/ui/` and `twitchlearn/app/`. May import the
  standard library, twitchlearn's own core modules, and `ALLOWED_THIRD_PARTY` except
  `UI_ONLY`. It never imports `twitchlearn.ui` or `twitchlearn.app`, so the core runs
  without any widget library (in a plain script, in tests, in a worker).
- ui: `twitchlearn/ui/`. May also import `UI_ONLY` (the widget and chart libraries), and
  never `twitchlearn.app`.
- app: `twitchlearn/app/` and `twitchlearn/__main__.py`. The `twitchlearn` command and the
  server it starts run on a laptop or a server in ordinary CPython, never in the browser,
  so they are not part of the Pyodide bundle. Besides `ALLOWED_THIRD_PARTY` they may import
  `ALLOWED_FOR_APP` (Voila, the Jupyter server stack, nbformat), which need not be pure
  Python. `cli.py` must keep importing `twitchlearn.app.server` lazily, inside the command
  that serves, so that `twitchlearn check` works without the server stack.

- server-only backends: `SERVER_ONLY` names core modules that may also import one package
  that is not a pure wheel, because they only ever run on a server: a storage backend such
  as `twitchlearn.storage.postgres` (psycopg, a PostgreSQL client with its own libpq). It is
  core by location (storage/, next to sqlite.py: `sqlite3` is not in Pyodide either) and
  server-only by nature. No module may import a SERVER_ONLY module when it is itself
  imported: `open_store` imports it inside the function, for a postgresql:// address only,
  so the core and the ui import without psycopg installed.

Each `ALLOWED_THIRD_PARTY` distribution is checked to be installed from a wheel with
`Root-Is-Purelib: true` and a `py3-none-any` (or `py2.py3-none-any`) tag. Adding a package
here is a decision for the browser edition: check first that it has such a wheel on PyPI.
"""

from __future__ import annotations

__all__ = [
    "ALLOWED_FOR_APP",
    "ALLOWED_THIRD_PARTY",
    "APP_PACKAGE",
    "SERVER_ONLY",
    "UI_ONLY",
    "is_app_module",
]

# Import name (the top-level module) -> distribution name on PyPI.
ALLOWED_THIRD_PARTY: dict[str, str] = {
    "attrs": "attrs",
    "cattrs": "cattrs",
    "ruamel": "ruamel.yaml",
    "ipywidgets": "ipywidgets",
    "plotly": "plotly",
    # Installed with ipywidgets (its own dependencies); the ui may use IPython.display
    # and traitlets. Both are pure-Python wheels.
    "IPython": "ipython",
    "traitlets": "traitlets",
    # ipywidgets' comm layer, also a pure wheel (the static edition bundles 0.2.3); the ui
    # asks it whether a widget has a browser at all (twitchlearn/ui/sync.py).
    "comm": "comm",
}

# Of the above, what only the ui may import: the core never needs a widget or a chart.
UI_ONLY: frozenset[str] = frozenset({"ipywidgets", "plotly", "IPython", "traitlets", "comm"})

# The command line and the server; they never run in the browser.
APP_PACKAGE = "twitchlearn.app"

# What the app may import on top of ALLOWED_THIRD_PARTY (import -> dist).
ALLOWED_FOR_APP: dict[str, str] = {
    "voila": "voila",
    "jupyter_server": "jupyter-server",
    "tornado": "tornado",
    "nbformat": "nbformat",
    "segno": "segno",
    "jinja2": "jinja2",  # Voila's page templates (through nbconvert), compiled once
}


# Core modules that run on a server only, and what each may import besides the core's
# (import -> dist, installed by an extra of pyproject.toml). Imported lazily by the core.
SERVER_ONLY: dict[str, dict[str, str]] = {
    "twitchlearn.storage.postgres": {"psycopg": "psycopg"},  # the `postgres` extra
    # A warm Voila kernel waits for its page's request on a websocket (tornado runs ipykernel).
    "twitchlearn.preheat": {"tornado": "tornado"},  # the `serve` extra
}


def is_app_module(module: str) -> bool:
    """Whether `module` (a dotted name) belongs to the app layer."""
    return (
        module == "twitchlearn.__main__"
        or module == APP_PACKAGE
        or module.startswith(APP_PACKAGE + ".")
    )
