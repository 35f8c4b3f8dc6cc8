"""Plots of a result with matplotlib (the optional ``plot`` extra).

Each function returns a :class:`matplotlib.figure.Figure` built without
pyplot, so it works headless and in notebooks alike (a figure displays
itself in Jupyter; save it with ``fig.savefig(path)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from rmatch.errors import RmatchError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rmatch.result.match_result import MatchResult

__all__ = ["available", "component_heatmap", "gap_distribution", "score_histogram"]


def available() -> bool:
    """Tell whether matplotlib is installed (the ``plot`` extra).

    Examples
    --------
    >>> isinstance(available(), bool)
    True
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - depends on the environment
        raise RmatchError("plots need matplotlib: pip install 'rmatch[plot]'") from None
    return Figure(figsize=(width, height), layout="constrained")


def score_histogram(result: MatchResult, *, bins: int = 20) -> Figure:
    """Histogram of the pair scores, with the mean marked.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> score_histogram(res).axes[0].get_xlabel()
    'pair score'
    """
    fig = _figure(6, 3.2)
    ax = fig.add_subplot()
    scores = np.array([p.score for p in result.pairs])
    ax.hist(scores, bins=bins, range=(0, 1), color="#3b6ea5", edgecolor="white")
    if len(scores):
        ax.axvline(float(scores.mean()), color="#c0392b", linestyle="--",
                   label=f"mean {scores.mean():.3f}")
        ax.legend()
    ax.set(xlabel="pair score", ylabel="pairs", title=f"{len(scores)} pairs")
    return fig


def gap_distribution(result: MatchResult) -> Figure:
    """Distributions of the age gap (years) and level gap over the pairs.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j", birth_year=2000)],
    ...                [rm.Participant(id="s", birth_year=1970)])
    >>> [ax.get_xlabel() for ax in gap_distribution(res).axes]
    ['age gap (years, senior older)', 'level gap (senior above)']
    """
    from rmatch.result.match_result import pair_indices

    sm = result.scores
    rows, cols = pair_indices(result)
    age = sm.juniors.birth_year[rows] - sm.seniors.birth_year[cols]
    age = age[~np.isnan(age)]
    level = sm.seniors.level[cols] - sm.juniors.level[rows]
    level = level[~np.isnan(level)]  # pairs where a level is unknown have no gap
    fig = _figure(9, 3.2)
    left, right = fig.subplots(1, 2)
    left.hist(age, bins=20, color="#3b6ea5", edgecolor="white")
    left.set(xlabel="age gap (years, senior older)", ylabel="pairs")
    if len(level):
        edges = np.arange(int(level.min()), int(level.max()) + 2) - 0.5
        right.hist(level, bins=edges, color="#5c9e6e", edgecolor="white")
    right.set(xlabel="level gap (senior above)", ylabel="pairs")
    return fig


def component_heatmap(result: MatchResult, *, max_rows: int = 60) -> Figure:
    """Each score component by pair, pairs sorted by score (best on top).

    Up to ``max_rows`` pairs, each row is labelled ``junior - senior``; beyond,
    rows are the means of equal-sized bands of pairs, labelled by rank.

    Examples
    --------
    >>> import rmatch as rm
    >>> res = rm.match([rm.Participant(id="j")], [rm.Participant(id="s")])
    >>> component_heatmap(res).axes[0].get_title()
    'score components by pair'
    """
    names = sorted({k for p in result.pairs for k in p.components})
    order = sorted(result.pairs, key=lambda p: -p.score)
    data = np.array([[p.components[k] for k in names] for p in order]).reshape(len(order),
                                                                               len(names))
    labels = [f"{p.junior_id} - {p.senior_id}" for p in order]
    if len(data) > max_rows:
        bands = np.array_split(np.arange(len(data)), max_rows)
        data = np.stack([data[b].mean(axis=0) for b in bands])
        labels = [f"pairs {b[0] + 1}-{b[-1] + 1}" for b in bands]
    fig = _figure(3.5 + 1.2 * max(len(names), 1), max(4.0, 0.18 * len(labels)))
    ax = fig.add_subplot()
    image = ax.imshow(data, aspect="auto", vmin=0, vmax=1, cmap="viridis",
                      interpolation="nearest")
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set(ylabel="pair (best score first)", title="score components by pair")
    fig.colorbar(image, ax=ax, label="component score")
    return fig
