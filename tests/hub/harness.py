"""A real JupyterHub on 127.0.0.1 and free ports, set up by the course's own deploy config.

The hub reads a small test config that loads `deploy/jupyterhub/<mode>/jupyterhub_config.py`
(what a site would run) and adds only what a test machine needs: the test authenticator
(any password; the allowed users only), single-user servers as local processes without
system users, every address on 127.0.0.1 and free ports, the hub's database, cookie secret
and the learners' homes in a temporary folder, and the npm-installed proxy.

Not for production: DummyAuthenticator and SimpleLocalProcessSpawner isolate nobody.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import psutil
from playwright.sync_api import Page, expect

from tests.support.learner import answer_with_keyboard, first_of_kind, press_button, right_answer
from tests.support.servers import FIRST_PAGE_TIMEOUT_MS, ROOT, ServerProcess, free_port
from twitchlearn import load_course
from twitchlearn.identity import HUB_HEADER_ENV

DEPLOY = ROOT / "deploy" / "jupyterhub"
BIN = Path(sys.executable).parent
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
JUPYTERHUB = BIN / "jupyterhub"
# A name in the URL and a user header a learner's browser made up: neither may count.
FORGED = "mallory"
HEADER = HUB_HEADER_ENV.removeprefix("HTTP_").replace("_", "-")  # X-CDSDASHBOARDS-JH-USER
FORGED_HEADER = json.dumps({"kind": "user", "name": FORGED, "admin": True, "groups": ["class-9Z"]})


def log_in(
    page: Page, hub: HubServer, user: str, ready: str | None = ".tl-identity input"
) -> float:
    """Sign in on the hub's own login page; return the seconds from pressing "Sign in" to
    `ready` on the page the hub sends the learner to (None: do not wait for it)."""
    page.goto(f"{hub.url}/hub/login", wait_until="domcontentloaded")
    page.locator("#username_input").fill(user)
    page.locator("#password_input").fill("any password: the test authenticator takes it")
    started = time.monotonic()
    # The hub's redirect waits for the server (or the shared Voila) to start.
    page.locator("#login_submit").click(timeout=FIRST_PAGE_TIMEOUT_MS)
    if ready is None:
        page.wait_for_url(lambda url: "/hub/login" not in url)
        return 0.0
    page.wait_for_selector(ready, timeout=FIRST_PAGE_TIMEOUT_MS)
    return time.monotonic() - started


def answer_a_question(page: Page, url: str, clock: list[float] | None = None) -> str:
    """Open the lesson page at `url`, answer its first true-or-false question right with the
    keyboard, wait for the feedback; return the question's id. `clock` gets the seconds from
    opening the page to its questions being drawn (usable)."""
    lesson = load_course().lessons[0]
    index, question = first_of_kind("true_false", lesson)
    started = time.monotonic()
    page.goto(url, wait_until="commit")
    page.wait_for_selector(".tl-quiz .tl-question", timeout=FIRST_PAGE_TIMEOUT_MS)
    if clock is not None:
        clock.append(time.monotonic() - started)
    box = page.locator(".tl-question").nth(index)
    answer_with_keyboard(page, box, question, right_answer(question))
    press_button(page, box, "Check answer")
    expect(box.locator(".tl-feedback")).to_be_visible()
    expect(page.locator(".tl-progress-text").first).to_contain_text("1 of ")
    return question.id


def memory_by_process(processes: list[psutil.Process]) -> list[tuple[str, int]]:
    """Each process's short name (`kernel` for an ipykernel) and resident MB."""
    found = []
    for process in processes:
        try:
            words = process.cmdline()
            rss = process.memory_info().rss
        except psutil.Error:
            continue
        name = (
            "kernel" if "ipykernel" in " ".join(words) else Path(words[min(1, len(words) - 1)]).name
        )
        found.append((name, round(rss / 2**20)))
    return found


def megabytes(processes: list[psutil.Process]) -> float:
    """Resident memory of these processes, in MB (a process that ended counts nothing)."""
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


class HubServer(ServerProcess):
    """`jupyterhub` in its own process group, with the given deploy mode's config."""

    name = "JupyterHub"

    def __init__(
        self,
        tmp: Path,
        mode: str,
        *,
        users: Sequence[str],
        groups: Mapping[str, Sequence[str]],
        admins: Sequence[str] = (),
        environ: Mapping[str, str] | None = None,
        extra_config: str = "",
    ) -> None:
        if not PROXY.exists():
            raise RuntimeError(f"{PROXY} is missing: `make hub-proxy` installs it (npm)")
        self.tmp = tmp
        self.mode = mode
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"hub-{self.port}.log"
        self.db = tmp / "progress.sqlite3"
        self.homes = tmp / "home"
        self.homes.mkdir(exist_ok=True)
        config = tmp / "jupyterhub_config.py"
        config.write_text(
            _test_config(
                tmp,
                DEPLOY / mode / "jupyterhub_config.py",
                port=self.port,
                users=users,
                groups=groups,
                admins=admins,
            )
            + extra_config,
            encoding="utf-8",
        )
        self.env = {
            **os.environ,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            # Never this machine's own Jupyter config or progress database.
            "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
            "TWITCHLEARN_DB": str(self.db),
            "PYTHONUNBUFFERED": "1",
            **(environ or {}),
        }
        self.env.pop("TWITCHLEARN_CONTENT", None)
        # Where answers go: the SQLite file above, or what `environ` says (postgresql://...).
        # It also marks the processes this hub started (`_started`).
        self.store = self.env["TWITCHLEARN_DB"]
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(JUPYTERHUB), "-f", str(config)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=self.env,
            cwd=tmp,
            start_new_session=True,
        )
        try:
            self._wait_ready(f"{self.url}/hub/api", timeout=180)
        except BaseException:
            self.stop()  # a hub that never got ready still has a proxy and services to end
            raise

    def service_processes(self) -> list[psutil.Process]:
        """The shared service (proxy, Voila) and its kernels: what the hub started that is
        not the hub, its proxy or a learner's server."""
        found = []
        for process in self._started():
            try:
                if process.environ().get("JUPYTERHUB_SERVICE_NAME") and "course_proxy" in " ".join(
                    process.cmdline()
                ):
                    found.append(process)
                    found += process.children(recursive=True)
            except psutil.Error:
                continue
        return found

    def processes_of(self, user: str) -> list[psutil.Process]:
        """The single-user server of `user` (JUPYTERHUB_USER) and everything it started."""
        found = []
        for process in self._started():
            try:
                if process.environ().get("JUPYTERHUB_USER") == user and "singleuser" in " ".join(
                    process.cmdline()
                ):
                    found.append(process)
                    found += process.children(recursive=True)
            except psutil.Error:
                continue
        return found

    def _started(self) -> list[psutil.Process]:
        """Every process this hub started and that still runs: its own group, and the
        servers it starts in sessions of their own (found by this hub's store)."""
        mine = []
        for process in psutil.process_iter():
            try:
                if process.environ().get("TWITCHLEARN_DB") == self.store:
                    mine.append(process)
            except psutil.Error:
                continue
        return mine

    def stop(self) -> None:
        super().stop()
        # The hub stops the servers it started; anything left over is ended by its pid.
        for process in self._started():
            if process.pid != os.getpid():
                try:
                    process.terminate()
                except psutil.Error:
                    continue
        _gone, alive = psutil.wait_procs(self._started(), timeout=30)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                continue


def _test_config(
    tmp: Path,
    deploy_config: Path,
    *,
    port: int,
    users: Sequence[str],
    groups: Mapping[str, Sequence[str]],
    admins: Sequence[str],
) -> str:
    settings = {
        "deploy": str(deploy_config),
        "port": port,
        "hub_port": free_port(),
        "proxy_api": f"http://127.0.0.1:{free_port()}",
        "proxy": str(PROXY),
        "tmp": str(tmp),
        "users": sorted(users),
        "admins": sorted(admins),
        "groups": {name: {"users": sorted(members)} for name, members in groups.items()},
        "singleuser": str(BIN / "jupyterhub-singleuser"),
        "homes": str(tmp / "home" / "{username}"),
        "root": os.geteuid() == 0,
    }
    return f"""# Written by tests/hub/harness.py for one test run.
import json
S = json.loads({json.dumps(json.dumps(settings))})
c = get_config()  # noqa: F821
load_subconfig(S["deploy"])  # noqa: F821  (the course's own deploy config)

c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.ConfigurableHTTPProxy.api_url = S["proxy_api"]
c.ConfigurableHTTPProxy.command = [S["proxy"]]
c.ConfigurableHTTPProxy.pid_file = S["tmp"] + "/proxy.pid"
c.JupyterHub.pid_file = S["tmp"] + "/hub.pid"
c.JupyterHub.cookie_secret_file = S["tmp"] + "/cookie_secret"
c.JupyterHub.db_url = "sqlite:///" + S["tmp"] + "/hub.sqlite"
c.JupyterHub.cleanup_servers = True

c.JupyterHub.authenticator_class = "dummy"  # tests only: any password
c.Authenticator.allowed_users = set(S["users"])
c.Authenticator.admin_users = set(S["admins"])
c.JupyterHub.load_groups = S["groups"]
c.JupyterHub.spawner_class = "simple"  # tests only: local processes, no system users
c.SimpleLocalProcessSpawner.home_dir_template = S["homes"]
c.Spawner.cmd = [S["singleuser"]]
if S["root"]:
    c.Spawner.args.append("--allow-root")
# A cold 2-core machine shared with other work: give a server time to start.
c.Spawner.start_timeout = 240
c.Spawner.http_timeout = 240
"""
