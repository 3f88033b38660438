"""JupyterHub, one shared Voila for the whole class: a hub-managed service at
/services/twitchlearn/.

No learner gets a server of their own: the hub starts one `jhsingle-native-proxy` that logs
learners in through the hub (OAuth) and puts the hub user, as JSON, in the
`X-CDSDASHBOARDS-JH-USER` header of every request it passes to Voila (a header the browser
sent is dropped first). Voila hands that header to each page's kernel
(`VoilaConfiguration.http_header_envs`), and the learner is that user: a `?learner=` in the
URL changes nothing (twitchlearn/identity.py). A hub group `class-7B` puts its members in
class 7B; hub admins and the group `teachers` are teachers.

Before starting the hub, write the course's pages once:

    twitchlearn notebooks /srv/twitchlearn/notebooks     # --content DIR for a teacher's folder

Settings from the hub's environment (each has a default):

    TWITCHLEARN_NOTEBOOKS       the folder written above (default /srv/twitchlearn/notebooks)
    TWITCHLEARN_DB              where answers go (default: the per-user SQLite file of the
                                user the hub runs as), or postgresql://...
    TWITCHLEARN_SERVICE_PORT    the port of the service on 127.0.0.1 (default 10101)
    TWITCHLEARN_SERVICE_GROUPS  comma-separated hub groups who may open the course
                                (default: every hub user)
    TWITCHLEARN_CONTENT, TWITCHLEARN_CLASS_GROUP_PREFIX, TWITCHLEARN_TEACHER_GROUP

Voila is started directly, not through `twitchlearn serve`, which cannot yet take a base URL
or the header setting (see README.md): Voila's own defaults already strip sources and hide
tracebacks, it keeps no warm kernels here (a warm kernel would run the page before the
learner's header reached it), and it runs in the pages' folder, so no voila.json or voila.py
from elsewhere is read.

This file sets only what the course needs. Authentication, TLS and the proxy are the site's
own choice: add them below, or load this file from yours with `load_subconfig(...)`.
"""

# ruff: noqa: F821  (get_config is given by JupyterHub when it reads this file)

import os
import shutil
import sys

c = get_config()

SERVICE = "twitchlearn"
START_PAGE = "00_start_here.ipynb"  # twitchlearn.site.START_PAGE
NOTEBOOKS = os.environ.get("TWITCHLEARN_NOTEBOOKS", "/srv/twitchlearn/notebooks")
PORT = int(os.environ.get("TWITCHLEARN_SERVICE_PORT", "10101"))
GROUPS = [g for g in os.environ.get("TWITCHLEARN_SERVICE_GROUPS", "").split(",") if g]
BIN = os.path.dirname(sys.executable)  # the environment JupyterHub runs in
KEPT = [
    "PATH",
    "LANG",
    "TWITCHLEARN_DB",
    "TWITCHLEARN_CONTENT",
    "TWITCHLEARN_CACHE",
    "TWITCHLEARN_CLASS_GROUP_PREFIX",
    "TWITCHLEARN_TEACHER_GROUP",
    "JUPYTER_CONFIG_DIR",
]


def _tool(name):
    """A command from JupyterHub's own environment, else from PATH."""
    here = os.path.join(BIN, name)
    return here if os.path.exists(here) else (shutil.which(name) or name)


c.JupyterHub.services = [
    {
        "name": SERVICE,
        "url": f"http://127.0.0.1:{PORT}",
        "cwd": NOTEBOOKS,
        "oauth_no_confirm": True,
        # The service's OAuth token may read who the user is and their groups.
        "oauth_client_allowed_scopes": ["read:users:groups!user"],
        "environment": {name: os.environ[name] for name in KEPT if name in os.environ},
        "command": [
            # jhsingle-native-proxy, with a fix for tornado 6.6 (see course_proxy.py)
            sys.executable,
            os.path.join(os.path.dirname(os.path.abspath(__file__)), "course_proxy.py"),
            "--ip=127.0.0.1",
            f"--port={PORT}",
            "--destport=0",
            "--authtype=oauth",
            "--forward-user-info",  # the user's JSON in X-CDSDASHBOARDS-JH-USER
            "--progressive",  # Voila streams its pages
            "--ready-timeout=120",
            "--last-activity-interval=0",
            _tool("voila"),
            NOTEBOOKS,
            "{--}port={port}",
            "{--}no-browser",
            "{--}Voila.ip=127.0.0.1",
            "{--}Voila.base_url={base_url}/",
            "{--}Voila.server_url=/",
            "{--}VoilaConfiguration.http_header_envs=X-CDSDASHBOARDS-JH-USER",
            "{--}VoilaConfiguration.strip_sources=True",
            "{--}VoilaConfiguration.show_tracebacks=False",
            "{--}MappingKernelManager.cull_idle_timeout=900",
            "{--}MappingKernelManager.cull_interval=60",
        ],
    }
]

# Who may open the course: every hub user, or the members of TWITCHLEARN_SERVICE_GROUPS.
ACCESS = f"access:services!service={SERVICE}"
if GROUPS:
    c.JupyterHub.load_roles = [
        {"name": "twitchlearn-learners", "scopes": [ACCESS], "groups": GROUPS}
    ]
else:
    c.JupyterHub.load_roles = [{"name": "user", "scopes": ["self", ACCESS]}]

# After logging in, learners land on the course (they never get a server of their own).
c.JupyterHub.default_url = f"/services/{SERVICE}/voila/render/{START_PAGE}"
