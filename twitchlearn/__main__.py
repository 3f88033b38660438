"""`python -m twitchlearn ...` is the `twitchlearn` command."""

from twitchlearn.app.cli import main

raise SystemExit(main())
