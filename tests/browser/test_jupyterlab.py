"""The notebooks in a real JupyterLab, run in headless Chromium as a learner runs them.

Voila is not the only way the course is used: learners also open the notebooks in
JupyterLab and run them from the Run menu. These tests guard what differs there: the
explorer's chart (a plain plotly figure in an ipywidgets `Output`, drawn by the
jupyterlab-plotly renderer) is drawn at full size and redrawn when a slider moves, a quiz
answers, and course links open in the same tab.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.learner import (
    BARS,
    SUMMARY,
    answer_with_keyboard,
    bar_shapes,
    caffeine_past_first_mark,
    press_button,
    right_answer,
)
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, ROOT, ServerProcess, free_port
from twitchlearn import load_course
from twitchlearn.site import lesson_page

pytestmark = pytest.mark.browser

COURSE = load_course()
FIRST = COURSE.lessons[0]
EXPLORER = "08_explorer.ipynb"
# Running every cell starts a kernel and imports the course: most of a minute when busy.
RUN_TIMEOUT_MS = 180_000

# Environment variables that would point JupyterLab or the kernel at this machine's setup.
_FOREIGN_ENV = (
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_NO_CONFIG",
    "JUPYTER_PLATFORM_DIRS",
    "JUPYTER_PREFER_ENV_PATH",
    "JUPYTERHUB_USER",
    "QUERY_STRING",
    "TWITCHLEARN_CONTENT",
)


class LabServer(ServerProcess):
    """`jupyter lab` on 127.0.0.1 in its own process group, reading no settings of this machine.

    Config, data, runtime, settings and workspaces all live under `tmp`. The extensions
    installed in the venv (`{sys.prefix}/share/jupyter/labextensions`) are still found: that
    path comes from the Python prefix, not from JUPYTER_DATA_DIR.
    """

    name = "JupyterLab"

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.root = tmp / "notebooks"
        self.root.mkdir()
        for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
            shutil.copy(notebook, self.root / notebook.name)
        home = tmp / "jupyter"
        settings = home / "lab-settings"
        # No "would you like news?" toast over the notebook, and no update check.
        notification = (
            settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        )
        notification.parent.mkdir(parents=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = {key: value for key, value in os.environ.items() if key not in _FOREIGN_ENV}
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_DATA_DIR=str(home / "data"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            IPYTHONDIR=str(home / "ipython"),
            PYTHONNOUSERSITE="1",  # no ~/.local/etc/jupyter or ~/.local/share/jupyter either
            TWITCHLEARN_DB=str(tmp / "progress.sqlite3"),
            PYTHONUNBUFFERED="1",
        )
        self.log_path = tmp / f"jupyterlab-{self.port}.log"
        self._log = self.log_path.open("wb")
        args = [
            str(Path(sys.executable).parent / "jupyter"),
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.token=",
            "--ServerApp.password=",
            "--ServerApp.disable_check_xsrf=False",
            f"--ServerApp.root_dir={self.root}",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        self.process = subprocess.Popen(
            args,
            cwd=self.root,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        self._wait_ready(f"{self.url}/api")  # answers once the server listens; no kernel


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"))
    yield server
    server.stop()


@pytest.fixture
def console(page: Page) -> list[str]:
    """The page's console errors and uncaught exceptions, for failure messages and the log."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda error: seen.append(f"pageerror: {error}"))
    return seen


def open_notebook(page: Page, lab: LabServer, name: str) -> None:
    """Open `name` in a fresh JupyterLab layout and wait for its kernel to be ready."""
    page.goto(
        f"{lab.url}/lab/tree/{name}?reset", wait_until="commit", timeout=FIRST_PAGE_TIMEOUT_MS
    )
    expect(page.locator(".jp-NotebookPanel").first).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(
        page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=name).first
    ).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    expect(page.locator(".jp-Notebook .jp-Cell").first).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    kernel_idle(page)


def kernel_idle(page: Page) -> None:
    """Wait until the status bar says the kernel is idle, as a learner sees it."""
    status = page.locator(".jp-StatusBar-Widget").get_by_text(re.compile(r"\| Idle$"))
    expect(status.first).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)


def run_all_cells(page: Page) -> list[str]:
    """Run menu, then "Run All Cells", with clicks as a learner does.

    If JupyterLab asks for a kernel, take the one it proposes and run all cells again.
    Returns the texts of the dialogs seen.
    """
    dialogs: list[str] = []
    for _ in range(3):
        page.locator(".lm-MenuBar-itemLabel").get_by_text("Run", exact=True).click()
        item = page.locator(".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel").get_by_text(
            "Run All Cells", exact=True
        )
        item.click()
        expect(page.locator(".lm-Menu")).to_have_count(0)
        # Either the cells start running (a prompt other than "[ ]:") or a dialog comes up.
        page.wait_for_function(
            r"""() => document.querySelector('.jp-Dialog') !== null
                || [...document.querySelectorAll('.jp-InputPrompt')]
                    .some(p => /\[(\*|\d+)\]/.test(p.textContent))""",
            timeout=FIRST_PAGE_TIMEOUT_MS,
        )
        dialog = page.locator(".jp-Dialog")
        if dialog.count() == 0:
            return dialogs
        dialogs.append(dialog.first.inner_text())
        print(f"\nJupyterLab showed a dialog: {dialogs[-1]!r}")
        dialog.locator(".jp-mod-accept").first.click()
        expect(dialog).to_have_count(0)
        kernel_idle(page)
    raise AssertionError(f"Run All Cells kept asking: {dialogs}")


def _no_traceback(page: Page) -> None:
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = errors.all_inner_texts()
    assert not [text for text in texts if "Traceback" in text or "Error" in text], texts


def test_explorer_chart_is_drawn_and_follows_the_slider(
    lab: LabServer, page: Page, console: list[str], tmp_path: Path
) -> None:
    started = time.perf_counter()
    open_notebook(page, lab, EXPLORER)
    opened = time.perf_counter()
    run_all_cells(page)
    # The widgets are drawn once the cell has run; the chart comes with them.
    page.wait_for_selector(f"{SUMMARY} .tl-level", timeout=RUN_TIMEOUT_MS)
    area = page.locator(".tl-explorer-chart").first
    chart = area.locator(".main-svg").first
    try:
        expect(chart).to_be_visible(timeout=60_000)
    except AssertionError:
        shot = tmp_path / "explorer-without-chart.png"
        area.scroll_into_view_if_needed()
        page.screenshot(path=shot)
        raise AssertionError(
            f"JupyterLab drew no plotly chart; the chart area shows {area.inner_text()!r}; "
            f"screenshot {shot}; console {console}"
        ) from None
    page.wait_for_selector(BARS, state="attached")  # at the defaults every bar is 0 wide
    drawn = time.perf_counter()
    print(
        f"\nexplorer: opened in {opened - started:.1f} s, run and drawn in {drawn - opened:.1f} s"
    )

    # Drawn at full size: a chart sized by its parent was once 0 px high.
    size = chart.bounding_box()
    assert size is not None
    assert size["height"] >= 300, (size, console)
    assert size["width"] >= 300, (size, console)
    expect(page.locator(".tl-explorer-chart .gtitle")).to_have_text(
        "What each factor adds (points)"
    )
    # The slider handles are named after their labels here too (the page's own script,
    # not Voila's page handler).
    sliders = page.locator(".tl-explorer .widget-slider").all()
    assert len(sliders) == 4
    for box in sliders:
        label = (box.locator(".widget-label").text_content() or "").strip()
        expect(box.get_by_role("slider", name=label, exact=True)).to_have_count(1)
    shapes_before = bar_shapes(page)
    assert shapes_before
    summary = page.locator(SUMMARY)
    summary_before = summary.inner_text()

    caffeine, _pressed = caffeine_past_first_mark(page)
    page.wait_for_function(
        """([bars, before]) => {
            const now = [...document.querySelectorAll(bars)].map(e => e.getAttribute('d'));
            return now.length > 0 && JSON.stringify(now) !== JSON.stringify(before);
        }""",
        arg=[BARS, shapes_before],
    )
    expect(summary).not_to_have_text(summary_before)
    expect(summary).to_contain_text(f"Caffeine ({caffeine} mg a day)")
    # Still full size after the redraw.
    size = chart.bounding_box()
    assert size is not None
    assert size["height"] >= 300, size
    _no_traceback(page)
    print(f"explorer: whole test {time.perf_counter() - started:.1f} s; console errors: {console}")


def test_first_lesson_quiz_and_links(lab: LabServer, page: Page, console: list[str]) -> None:
    started = time.perf_counter()
    name = lesson_page(FIRST)
    assert name.startswith("01_")
    open_notebook(page, lab, name)
    run_all_cells(page)
    question = FIRST.questions[0]
    box = page.locator(".tl-question").first
    button = box.get_by_role("button", name="Check answer")
    expect(button).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(button).to_be_enabled()
    # The last cell has run too: the page is complete.
    expect(page.locator(".tl-what-next")).to_be_attached(timeout=RUN_TIMEOUT_MS)
    print(f"\nlesson: opened and run in {time.perf_counter() - started:.1f} s")

    box.scroll_into_view_if_needed()
    answer_with_keyboard(page, box, question, right_answer(question))
    press_button(page, box, "Check answer")
    feedback = box.locator(".tl-feedback")
    expect(feedback).to_contain_text("Correct.")
    expect(feedback).to_contain_text(question.explanation)
    _no_traceback(page)

    # Course links open in the same tab (JupyterLab gives links without a target "_blank").
    following = COURSE.lessons[1]
    next_links = page.locator(".tl-what-next a, .tl-nav a.tl-next")
    expect(next_links.first).to_be_attached()
    assert next_links.count() >= 2  # "Next:" at the top and in "What next"
    for link in next_links.all():
        expect(link).to_have_attribute("target", "_self")
        assert lesson_page(following) in (link.get_attribute("href") or "")
    course_links = page.locator(".tl-nav a, .tl-what-next a, .tl-page a")
    assert course_links.count() >= 3
    for link in course_links.all():
        expect(link).to_have_attribute("target", "_self")

    # Clicked, "Next" opens the next lesson as a notebook in this JupyterLab, not as a file.
    page.locator(".tl-what-next a").first.click()
    expect(
        page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel").get_by_text(
            lesson_page(following), exact=True
        )
    ).to_be_visible(timeout=FIRST_PAGE_TIMEOUT_MS)
    assert "/lab" in page.url, page.url
    assert len(page.context.pages) == 1, [other.url for other in page.context.pages]
    print(f"lesson: whole test {time.perf_counter() - started:.1f} s; console errors: {console}")
