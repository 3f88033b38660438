"""The app: the `twitchlearn` command, the Voila server and the pages it writes.

Not part of the core or the ui, and never part of a browser edition: these modules run on a
laptop or a server in ordinary CPython and may import Voila, jupyter_server and nbformat.

    cli.py        `twitchlearn check | serve | export | notebooks`
    server.py     Voila with production settings, the kernel manager, the page handler
    notebooks.py  the learners' notebooks, written from a loaded content folder
"""
