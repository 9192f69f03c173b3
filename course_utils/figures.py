"""Figures with a text alternative, for screen readers in JupyterLab and on the website.

A matplotlib figure reaches a notebook as a PNG, which cannot carry a text
alternative itself. :func:`show_figure` displays the figure with one:

* the PNG output carries it as ``metadata["image/png"]["alt"]``, which the course
  website turns into the image's ``alt`` attribute (JupyterLab 4 does not read
  that field), and as its ``text/plain`` form;
* a one-line caption, *Figure: ...*, follows the image as Markdown, so that
  JupyterLab (and GitHub, and every other viewer) gives the same sentence to
  a screen reader and to every reader.

The sentence says what the figure shows ("Validation error falls and then
rises as the degree grows; training error keeps falling."), not "Figure 1".
End a figure cell with ``show_figure("...")`` instead of ``plt.show()``.
Without a sentence, :func:`show_figure` describes the figure from its titles and
axis labels (:func:`describe_figure`), which is better than nothing and worse
than a sentence.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.set(title="Ridge path", xlabel="alpha", ylabel="coefficient")
>>> describe_figure(fig)
'A figure with one panel: "Ridge path" (coefficient against alpha).'
>>> plt.close(fig)
"""

from __future__ import annotations

import re

__all__ = ["show_figure", "describe_figure", "check_alt_text", "CAPTION_PREFIX"]

CAPTION_PREFIX = "*Figure:* "
_PLACEHOLDER = re.compile(r"^\s*(figure|fig\.?|plot|image|chart|graph)\s*\d*\s*[.:]?\s*$", re.I)


def check_alt_text(text) -> str:
    """``text`` stripped, if it is a usable text alternative; otherwise a clear error."""
    if not isinstance(text, str):
        raise TypeError(f"The figure's description must be a string, not {type(text).__name__}.")
    text = " ".join(text.split())
    if _PLACEHOLDER.match(text) or len(text.split()) < 5:
        raise ValueError(
            f"The figure's description {text!r} is too short: write a sentence that says what "
            "the figure shows (at least five words), not a label such as 'Figure 1'."
        )
    if not text.endswith((".", "!", "?")):
        raise ValueError(
            f"The figure's description must be a full sentence ending with '.': {text!r}"
        )
    return text


def _panel(ax) -> str:
    title = ax.get_title() or ax.get_title(loc="left") or ax.get_title(loc="right")
    x, y = ax.get_xlabel(), ax.get_ylabel()
    axes = f"{y} against {x}" if x and y else (y or x)
    if title and axes:
        return f'"{title}" ({axes})'
    return f'"{title}"' if title else (axes or "an unlabelled panel")


def describe_figure(fig) -> str:
    """A sentence built from the figure's titles and axis labels (the fallback description)."""
    panels = [ax for ax in fig.get_axes() if ax.get_visible() and ax.axison]
    if not panels:
        raise ValueError("The figure has no visible panel to describe; pass a description.")
    count = "one panel" if len(panels) == 1 else f"{len(panels)} panels"
    text = f"A figure with {count}: " + "; ".join(_panel(ax) for ax in panels)
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else ""
    if suptitle:
        text = f'A figure titled "{suptitle}" with {count}: ' + "; ".join(
            _panel(ax) for ax in panels
        )
    return text.rstrip(".") + "."


def show_figure(description: str | None = None, fig=None) -> None:
    """Display ``fig`` (default: the current figure) with a text alternative, then close it.

    ``description`` is the sentence a screen reader gets, also shown as a caption
    below the image; without it one is built from the figure's labels.
    """
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    from IPython.display import display
    from matplotlib.figure import Figure

    if fig is None:
        if not plt.get_fignums():
            raise ValueError("There is no figure to show: draw one first (or pass fig=...).")
        fig = plt.gcf()
    elif not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, not {type(fig).__name__}.")
    text = check_alt_text(describe_figure(fig) if description is None else description)
    png = print_figure(fig, "png", bbox_inches="tight", base64=True)
    plt.close(fig)  # shown here, so the inline backend does not show it again
    display(
        {"image/png": png, "text/plain": f"<Figure: {text}>"},
        metadata={"image/png": {"alt": text}},
        raw=True,
    )
    caption = CAPTION_PREFIX + text
    display({"text/markdown": caption, "text/plain": caption}, raw=True)
