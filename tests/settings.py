"""The test suite runs on the development settings, asked for as `make run` asks for them
(production, the default, refuses to start without its secrets). Tests of production's
settings start a process with production's environment (tests/site/test_production.py)."""

import os

os.environ.setdefault("DRACHMA_ENV", "development")

from drachma.settings import *  # noqa: E402, F403
