"""The real-browser tests run only under ``make test-browser``.

``make test`` (``pytest tests -n 2``) must not start JupyterLab and Chromium,
so the test modules here are collected only when ``COURSE_BROWSER_TEST=1``,
which ``make test-browser`` sets.
"""

from __future__ import annotations

import os

ENABLED = os.environ.get("COURSE_BROWSER_TEST") == "1"

collect_ignore_glob = [] if ENABLED else ["test_*.py"]
