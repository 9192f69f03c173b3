"""Every stored figure has a text alternative; course_utils.figures gives it one."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from course_utils.figures import CAPTION_PREFIX, check_alt_text, describe_figure, show_figure

ROOT = Path(__file__).resolve().parents[1]
STORED = sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted(
    (ROOT / "solutions").glob("*.ipynb")
)


def _outputs(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("path", STORED, ids=[p.relative_to(ROOT).as_posix() for p in STORED])
def test_every_stored_figure_has_a_sentence_and_a_caption(path):
    outputs = _outputs(path)
    alts = []
    for i, output in enumerate(outputs):
        if "image/png" not in output.get("data", {}):
            continue
        alt = output.get("metadata", {}).get("image/png", {}).get("alt")
        assert alt, (
            f"figure {len(alts) + 1} of {path.name} has no text alternative: end its cell with "
            'show_figure("a sentence saying what it shows") from course_utils.figures'
        )
        assert check_alt_text(alt) == alt
        caption = outputs[i + 1].get("data", {}) if i + 1 < len(outputs) else {}
        assert _text(caption.get("text/markdown", "")) == CAPTION_PREFIX + alt, (
            f"figure {len(alts) + 1} of {path.name}: the caption below it must repeat its text"
        )
        alts.append(alt)
    assert len(alts) == len(set(alts)), f"two figures of {path.name} have the same description"


@pytest.fixture
def displayed(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(
        IPython.display, "display", lambda obj, **kw: shown.append((obj, kw.get("metadata")))
    )
    return shown


def test_show_figure_stores_the_sentence_as_alt_and_caption_and_closes_the_figure(displayed):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    show_figure("A straight line rising from zero to one.", fig=fig)
    (image, metadata), (caption, _) = displayed
    assert image["image/png"] and metadata == {
        "image/png": {"alt": "A straight line rising from zero to one."}
    }
    assert image["text/plain"] == "<Figure: A straight line rising from zero to one.>"
    assert caption["text/markdown"] == "*Figure:* A straight line rising from zero to one."
    assert not plt.fignum_exists(fig.number), "the figure must be closed (shown once)"


def test_show_figure_falls_back_to_the_figure_labels(displayed):
    fig, (left, right) = plt.subplots(1, 2)
    left.set(title="Ridge", xlabel="alpha", ylabel="weight")
    right.set(title="Lasso")
    show_figure()
    alt = displayed[0][1]["image/png"]["alt"]
    assert alt == 'A figure with 2 panels: "Ridge" (weight against alpha); "Lasso".'


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("Figure 1", ValueError, "too short"),
        ("A plot.", ValueError, "too short"),
        ("Training and validation error against the degree", ValueError, "ending with"),
        (3, TypeError, "must be a string"),
    ],
)
def test_placeholders_and_fragments_are_refused(text, error, message):
    with pytest.raises(error, match=message):
        check_alt_text(text)


def test_show_figure_without_a_figure_or_with_a_wrong_one():
    plt.close("all")
    with pytest.raises(ValueError, match="no figure to show"):
        show_figure("A sentence that is long enough here.")
    with pytest.raises(TypeError, match="matplotlib Figure"):
        show_figure("A sentence that is long enough here.", fig="figure")
    fig = plt.figure()
    with pytest.raises(ValueError, match="no visible panel"):
        describe_figure(fig)
