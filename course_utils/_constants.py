r"""Constants shared by the learner modules and the instructor tools (one copy of each).

Private: import them from here, never redefine them. Importing this module
imports nothing else.

>>> ANSI_ESCAPE.sub("", "\x1b[31mValueError\x1b[0m: bad\x1b[?25l\x1b]0;title\x07!")
'ValueError: bad!'
"""

from __future__ import annotations

import re

__all__ = ["WIDGET_MIME", "NOTEBOOK_KERNELSPEC", "ANSI_ESCAPE"]

# The MIME type of an ipywidgets view in a notebook output (a live widget's display bundle).
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# The kernelspec stored in every committed notebook (the course kernel is chosen at run time).
NOTEBOOK_KERNELSPEC: dict[str, str] = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}

# Terminal escape sequences as found in tracebacks and progress output: control sequences
# (colours, cursor moves, "\x1b[?25l") and operating-system commands (window titles, links).
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
