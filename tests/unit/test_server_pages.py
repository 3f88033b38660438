"""Which pages load plotly's renderer: only the ones whose notebook says it draws charts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from twitchlearn.app import notebooks
from twitchlearn.app.server import (
    PLOTLY_EXTENSION,
    chart_free_notebooks,
    plotly_only_where_charts,
    voila_config,
)
from twitchlearn.loading import load_content

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def page_config() -> dict[str, Any]:
    return {
        "federated_extensions": [
            {"name": "@jupyter-widgets/jupyterlab-manager"},
            {"name": PLOTLY_EXTENSION},
            {"name": "@voila-dashboards/widgets-manager8"},
        ]
    }


def names(config: dict[str, Any]) -> list[str]:
    return [ext["name"] for ext in config["federated_extensions"]]


def test_only_the_explorer_draws_charts(tmp_path: Path) -> None:
    served = {path.name for path in notebooks.write(load_content(), tmp_path)}
    assert "08_explorer.ipynb" in served
    assert chart_free_notebooks(tmp_path) == served - {"08_explorer.ipynb"}


def test_the_hook_drops_plotly_from_chart_free_pages_only() -> None:
    hook = plotly_only_where_charts(frozenset({"00_start_here.ipynb"}))
    without = hook(page_config(), notebook_path="00_start_here.ipynb", base_url="/")
    assert PLOTLY_EXTENSION not in names(without)
    assert "@jupyter-widgets/jupyterlab-manager" in names(without)
    kept = hook(page_config(), notebook_path="08_explorer.ipynb", base_url="/")
    assert names(kept) == names(page_config())


def test_a_notebook_that_does_not_say_keeps_every_extension(tmp_path: Path) -> None:
    shutil.copy(NOTEBOOKS_DIR / "00_start_here.ipynb", tmp_path / "00_start_here.ipynb")
    nb = json.loads((NOTEBOOKS_DIR / "08_explorer.ipynb").read_text(encoding="utf-8"))
    del nb["metadata"]["twitchlearn"]
    (tmp_path / "mine.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    assert chart_free_notebooks(tmp_path) == {"00_start_here.ipynb"}


def test_the_shipped_config_uses_the_hook() -> None:
    config = voila_config(
        port=1,
        open_browser=False,
        pool_size=2,
        cull_idle_seconds=120,
        chart_free=frozenset({"00_start_here.ipynb"}),
    )
    hook = config.VoilaConfiguration.page_config_hook
    assert PLOTLY_EXTENSION not in names(hook(page_config(), notebook_path="00_start_here.ipynb"))
