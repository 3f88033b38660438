"""JupyterHub, one shared course server for the whole class: `twitchlearn serve
--behind-hub`, a hub-managed service at /services/twitchlearn/.

No learner gets a server of their own: the hub starts one `jhsingle-native-proxy` that logs
learners in through the hub (OAuth) and puts the hub user, as JSON, in the
`X-CDSDASHBOARDS-JH-USER` header of every request it passes on (a header the browser sent
is dropped first). The proxy starts `twitchlearn serve --behind-hub` on 127.0.0.1 and a free
port, at the first request of a logged-in learner; the course's server hands that header to
each page's kernel, and the learner is that user: a `?learner=` in the URL changes nothing
(twitchlearn/identity.py). A hub group `class-7B` puts its members in class 7B; hub admins
and the group `teachers` are teachers. The course's server brings its own template, kernel
cap, culling and quiet kernel channels, and writes its pages from the content when it
starts (TWITCHLEARN_CONTENT, else the shipped course).

Settings from the hub's environment (each has a default):

    TWITCHLEARN_DB              where answers go (default: the per-user SQLite file of the
                                user the hub runs as), or postgresql://...
    TWITCHLEARN_SERVICE_PORT    the port of the service on 127.0.0.1 (default 10101)
    TWITCHLEARN_SERVICE_GROUPS  comma-separated hub groups who may open the course
                                (default: every hub user)
    TWITCHLEARN_SERVICE_CLASS_SIZE  `--class-size`: start-page kernels kept warm, about
                                60 MB each (default: what `twitchlearn serve` works out from
                                the free memory, 2 to 30; 0: none)
    TWITCHLEARN_SERVICE_WARM_PAGES  `--warm-pages`: warm kernels for each other page
                                (default 1; 0: none)
    TWITCHLEARN_CONTENT, TWITCHLEARN_CLASS_GROUP_PREFIX, TWITCHLEARN_TEACHER_GROUP

`twitchlearn serve --behind-hub` refuses any address but loopback and answers only requests
that carry the key `course_proxy.py` made for it (see that file). It keeps warm kernels as
it does on one machine: a warm kernel learns its learner (the hub user header) when a page
takes it, on a route that only its own query key opens, a key the proxy never has and the
kernel never sees the proxy's (SECURITY.md, "Serving a class").

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
PORT = int(os.environ.get("TWITCHLEARN_SERVICE_PORT", "10101"))
GROUPS = [g for g in os.environ.get("TWITCHLEARN_SERVICE_GROUPS", "").split(",") if g]
# Warm kernels: `twitchlearn serve`'s own defaults unless the hub's environment says.
WARM = [
    f"{{--}}{flag}={int(os.environ[name])}"
    for name, flag in (
        ("TWITCHLEARN_SERVICE_CLASS_SIZE", "class-size"),
        ("TWITCHLEARN_SERVICE_WARM_PAGES", "warm-pages"),
    )
    if os.environ.get(name, "").strip()
]
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
            # the course's own server ({--} is how the proxy passes an option on)
            _tool("twitchlearn"),
            "serve",
            "{--}behind-hub",  # kernels get the header; 127.0.0.1 only
            "{--}base-url={base_url}/",  # the proxy passes on the path after it
            "{--}port={port}",
            "{--}no-browser",
            *WARM,
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
