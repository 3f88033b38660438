"""twitchlearn installs like a package: the built wheel, in a fresh venv outside the checkout,
checks its course and serves it until the start page answers.

A wheel holds no notebooks: `twitchlearn serve` writes the pages from the content shipped
inside the package, so nothing of this checkout is needed once the wheel is built.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.support.servers import ROOT, ServerProcess, free_port
from twitchlearn.loading import load_content

pytestmark = pytest.mark.slow


def _clean_env(home: Path) -> dict[str, str]:
    """This machine's environment without anything that points back into the checkout."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "VIRTUAL_ENV", "TWITCHLEARN_CONTENT", "TWITCHLEARN_DB"}
    }
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))
    )
    env.update(
        HOME=str(home),
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        TWITCHLEARN_DB=str(home / "progress.sqlite3"),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """(the fresh venv's bin folder, its environment), with the wheel installed (not editable)."""
    tmp = tmp_path_factory.mktemp("wheel")
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=tmp,
        timeout=600,
    )
    (wheel,) = dist.glob("twitchlearn-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    home = tmp / "home"
    home.mkdir()
    env = _clean_env(home)
    bin_dir = venv / "bin"
    subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheel)],
        check=True,
        cwd=tmp,
        env=env,
        timeout=900,
    )
    return bin_dir, env


def test_the_wheel_holds_the_package_not_the_checkout(
    installed: tuple[Path, dict[str, str]],
) -> None:
    bin_dir, env = installed
    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import twitchlearn; print(twitchlearn.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=env["HOME"],
        env=env,
    ).stdout.strip()
    assert "site-packages" in where
    assert not where.startswith(str(ROOT))


def test_installed_check_reads_the_course_inside_the_package(
    installed: tuple[Path, dict[str, str]],
) -> None:
    bin_dir, env = installed
    result = subprocess.run(
        [str(bin_dir / "twitchlearn"), "check"],
        capture_output=True,
        text=True,
        cwd=env["HOME"],
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    course = load_content().course  # the same course, read from this checkout
    expected = f"OK: {len(course.lessons)} lessons, {len(course.questions)} questions"
    assert result.stdout.startswith(expected), result.stdout
    assert "an explorer, 6 case studies" in result.stdout
    assert "site-packages/twitchlearn/content" in result.stdout


class InstalledServer(ServerProcess):
    name = "installed twitchlearn serve"

    def __init__(self, bin_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home = Path(env["HOME"])
        self.log_path = home / f"serve-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(bin_dir / "twitchlearn"), "serve", "--no-browser", "--port", str(self.port)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=home,
            env=env,
            start_new_session=True,
        )
        self._wait_ready(f"{self.url}/voila/static/voila.js")


def test_installed_serve_answers_with_the_start_page(
    installed: tuple[Path, dict[str, str]],
) -> None:
    bin_dir, env = installed
    server = InstalledServer(bin_dir, env)
    try:
        # `/` redirects to the start page, which Voila renders by running it in a kernel of
        # the fresh venv: the page it streams holds the course's own title.
        with urllib.request.urlopen(server.url + "/", timeout=180) as response:  # noqa: S310
            page = response.read().decode("utf-8")
            final_url = response.geturl()
        assert final_url.endswith("/voila/render/00_start_here.ipynb")
        assert "Muscle twitching: what it is, and what to do about it" in page
        assert "Traceback" not in page
    finally:
        server.stop()
