"""JupyterHub, one server per learner: each learner logs in and lands on the course in Voila.

The learner IS the hub user: the kernel sees JUPYTERHUB_USER, and a `?learner=` in the URL
changes nothing (twitchlearn/identity.py). The hub also hands each server the user's groups
and admin flag (TWITCHLEARN_HUB_USER), so a group `class-7B` puts its members in class 7B and
hub admins or the group `teachers` are teachers.

Before starting the hub, write the course's pages once, where every learner's server can
read them (and none can write):

    twitchlearn notebooks /srv/twitchlearn/notebooks     # --content DIR for a teacher's folder

Settings from the hub's environment (each has a default):

    TWITCHLEARN_NOTEBOOKS   the folder written above (default /srv/twitchlearn/notebooks)
    TWITCHLEARN_DB          where answers go, for every learner's server: a SQLite file all
                            servers can write, or postgresql://... (one store for the class)
    TWITCHLEARN_CONTENT     the content folder the pages were written from, if not the shipped
    TWITCHLEARN_CLASS_GROUP_PREFIX, TWITCHLEARN_TEACHER_GROUP   see twitchlearn/identity.py

This file sets only what the course needs. Authentication, the spawner, TLS and the proxy are
the site's own choice: add them below, or load this file from yours with
`load_subconfig("/path/to/per_user/jupyterhub_config.py")` (tests/hub does that, with a test
authenticator and local processes).
"""

# ruff: noqa: F821  (get_config is given by JupyterHub when it reads this file)

import json
import os

c = get_config()

START_PAGE = "00_start_here.ipynb"  # twitchlearn.site.START_PAGE
NOTEBOOKS = os.environ.get("TWITCHLEARN_NOTEBOOKS", "/srv/twitchlearn/notebooks")


def hub_user(spawner):
    """The user as the shared-service header describes one (twitchlearn.identity.HubUser)."""
    user = spawner.user
    return json.dumps(
        {
            "kind": "user",
            "name": user.name,
            "admin": bool(user.admin),
            "groups": sorted(group.name for group in user.groups),
        }
    )


# Land on the course's start page, in Voila (installed with twitchlearn, as a server
# extension of the single-user server).
c.Spawner.default_url = f"/voila/render/{START_PAGE}"
c.Spawner.notebook_dir = NOTEBOOKS
c.Spawner.environment = {"TWITCHLEARN_HUB_USER": hub_user}
c.Spawner.env_keep.extend(  # added to JupyterHub's own list (PATH, LANG, ...)
    [
        "TWITCHLEARN_DB",
        "TWITCHLEARN_CONTENT",
        "TWITCHLEARN_CACHE",
        "TWITCHLEARN_CLASS_GROUP_PREFIX",
        "TWITCHLEARN_TEACHER_GROUP",
    ]
)
# Learners need Voila, not a terminal. (JupyterLab stays reachable at /user/NAME/lab:
# in this mode a learner can run code in their own server; see README.md.)
c.Spawner.args = [
    "--ServerApp.terminals_enabled=False",
    "--VoilaConfiguration.strip_sources=True",
    "--VoilaConfiguration.show_tracebacks=False",
]
