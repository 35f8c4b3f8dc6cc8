"""Learning from outcomes: fit the component weights to how past pairs went.

Every guide to reverse mentoring says "assess and adjust". ``calibrate``
takes past pairs with an outcome (a rating, or met / not met), scores them
with the programme's components, and fits non-negative weights so that the
weighted score predicts the outcome:

``outcome ~ a + sum_c b_c * component_c``, with every ``b_c >= 0``

(non-negative least squares on the centred data; ``a`` absorbs the scale of
the outcome). The fitted weights are the ``b_c`` scaled to sum to the
programme's current total weight, so ``Program.weights`` can take them
as they are (:meth:`Calibration.program`). The fit says plainly whether the
scores predicted the outcomes at all:

- **cross-validation**: ``folds``-fold predictions of held-out pairs, and
  their correlation with the outcomes (``cv_correlation``);
- **a permutation test**: how often outcomes shuffled at random fit as well
  (``p_value``); the scores "predict" only when that is rare (below 0.05);
- **uncertainty**: each weight's spread over bootstrap resamples of the
  pairs (``weight_sd``).

Everything is seeded, so the same history gives the same calibration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from scipy.optimize import nnls

from rmatch.errors import InputError
from rmatch.model.orgchart import OrgChart
from rmatch.model.participant import IdSides, Participant, normalise_id
from rmatch.program.program import Program, Weights
from rmatch.result.match_result import MatchResult
from rmatch.scoring.matrix import score

__all__ = ["Calibration", "calibrate"]

FloatArray = npt.NDArray[np.float64]
_MET = {"met": 1.0, "yes": 1.0, "true": 1.0, "1": 1.0, "not met": 0.0, "no": 0.0,
        "false": 0.0, "0": 0.0}


class Calibration(BaseModel):
    """Fitted weights, how well they predict, and how sure the fit is.

    Examples
    --------
    >>> c = Calibration(weights={"skills": 3.0}, weight_sd={"skills": 0.1}, pairs=40,
    ...                 cv_correlation=0.6, p_value=0.001, predicts=True)
    >>> c.predicts
    True
    """

    model_config = ConfigDict(frozen=True)

    weights: dict[str, float]
    """Component -> fitted weight (non-negative), summing to the programme's total weight."""
    weight_sd: dict[str, float]
    """Component -> standard deviation of its weight over bootstrap resamples."""
    pairs: int
    cv_correlation: float
    """Correlation of cross-validated predictions with the outcomes (0 if constant)."""
    p_value: float
    """Share of random shuffles of the outcomes that fit at least as well."""
    predicts: bool
    """Whether the scores predicted the outcomes (p_value < 0.05 and cv_correlation > 0)."""

    def text(self) -> str:
        """Say what the fit found, in plain words.

        Examples
        --------
        >>> print(Calibration(weights={"skills": 1.0}, weight_sd={"skills": 0.0}, pairs=9,
        ...                   cv_correlation=0.0, p_value=1.0, predicts=False).text())
        ... # doctest: +ELLIPSIS
        the scores did not predict the outcomes of 9 pairs ...
        """
        verdict = ("the scores predicted the outcomes" if self.predicts
                   else "the scores did not predict the outcomes")
        lines = [f"{verdict} of {self.pairs} pairs (cross-validated correlation "
                 f"{self.cv_correlation:.2f}; {self.p_value:.3f} of random shuffles fit as "
                 "well)"]
        lines += [f"  {name}: weight {w:.3f} (+/- {self.weight_sd[name]:.3f})"
                  for name, w in self.weights.items()]
        if not self.predicts:
            lines.append("  keep the current weights: these outcomes give no reason to move "
                         "them")
        return "\n".join(lines)

    def program(self, program: Program) -> Program:
        """Return ``program`` with the fitted weights (other settings unchanged).

        Examples
        --------
        >>> c = Calibration(weights={"generation": 0.5, "skills": 2.0, "diversity": 0.5},
        ...                 weight_sd={}, pairs=50, cv_correlation=0.5, p_value=0.0,
        ...                 predicts=True)
        >>> c.program(Program()).weights.skills
        2.0
        """
        return program.model_copy(update={"weights": Weights(**self.weights)})


def _outcome(value: object) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        if not np.isfinite(value):
            raise InputError(f"outcome {value!r} is not a finite number")
        return float(value)
    text = str(value).strip().casefold()
    if text in _MET:
        return _MET[text]
    try:
        return float(text)
    except ValueError:
        raise InputError(f"outcome {value!r} is neither a rating nor met / not met") from None


def _fit(x: FloatArray, y: FloatArray) -> FloatArray:
    """Non-negative coefficients of the centred regression of y on the columns of x."""
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    coef, _ = nnls(xc, yc)
    return np.asarray(coef, dtype=np.float64)


def _cv_predictions(x: FloatArray, y: FloatArray, folds: int,
                    rng: np.random.Generator) -> FloatArray:
    fold_of = rng.permutation(len(y)) % folds
    out = np.zeros(len(y))
    for f in range(folds):
        test = fold_of == f
        coef = _fit(x[~test], y[~test])
        out[test] = y[~test].mean() + (x[test] - x[~test].mean(axis=0)) @ coef
    return out


def _corr(a: FloatArray, b: FloatArray) -> float:
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def calibrate(
    history: MatchResult | Sequence[MatchResult] | Sequence[tuple[str, str]],
    outcomes: Sequence[object],
    program: Program | None = None,
    *,
    juniors: Sequence[Participant] | None = None,
    seniors: Sequence[Participant] | None = None,
    org: OrgChart | None = None,
    folds: int = 5,
    resamples: int = 200,
    permutations: int = 200,
    seed: int = 0,
) -> Calibration:
    """Fit the component weights to past outcomes (see the module docstring).

    Parameters
    ----------
    history
        Past results (one per round; their pairs in order), or past
        (junior id, senior id) pairs with ``juniors`` and ``seniors``.
    outcomes
        One per pair: a rating (any numbers, e.g. 1-5) or ``"met"`` /
        ``"not met"`` (also yes/no, true/false, 1/0).
    program
        The programme whose components are weighted (its rules do not matter
        here: these pairs happened); by default the first result's.
    juniors, seniors
        The people in the history, when it is given as id pairs.

    Examples
    --------
    >>> import rmatch as rm
    >>> rng = np.random.default_rng(0)
    >>> js = [rm.Participant(id=f"j{i}", skills={"a": float(rng.random())}) for i in range(30)]
    >>> ss = [rm.Participant(id=f"s{i}", goals={"a": 1.0}) for i in range(30)]
    >>> pairs = [(f"j{i}", f"s{i}") for i in range(30)]
    >>> ratings = [1 + 4 * js[i].skills["a"] for i in range(30)]  # skills decide
    >>> fit = rm.calibrate(pairs, ratings, rm.Program(constraints=[]), juniors=js, seniors=ss)
    >>> fit.predicts, max(fit.weights, key=fit.weights.get)
    (True, 'skills')
    """
    results = ([history] if isinstance(history, MatchResult) else
               [h for h in history if isinstance(h, MatchResult)])
    if results:
        pairs = [(p.junior_id, p.senior_id) for r in results for p in r.pairs]
        people_j = {p.id: p for r in results for p in r.scores.juniors.people}
        people_s = {p.id: p for r in results for p in r.scores.seniors.people}
        juniors, seniors = list(people_j.values()), list(people_s.values())
        program = program or results[0].scores.program
    else:
        pairs = [(str(j), str(s)) for j, s in history]
        if juniors is None or seniors is None:
            raise InputError("history given as id pairs needs juniors= and seniors=")
    history = pairs
    if len(history) != len(outcomes):
        raise InputError(f"{len(history)} pairs but {len(outcomes)} outcomes")
    if len(history) < max(folds, 3):
        raise InputError(f"calibrating needs at least {max(folds, 3)} past pairs, "
                         f"got {len(history)}")
    program = (program or Program()).model_copy(update={"constraints": []})
    sm = score(juniors, seniors, program, org=org)
    sides = IdSides(sm.junior_ids, sm.senior_ids, where="of the history")
    problems = [f"pair {n}: {sides.why_not(j, 'junior')}" for n, (j, _) in
                enumerate(history, start=1) if j not in sides.juniors]
    problems += [f"pair {n}: {sides.why_not(s, 'senior')}" for n, (_, s) in
                 enumerate(history, start=1) if s not in sides.seniors]
    if problems:
        raise InputError.of(problems)
    rows = np.array([sm.juniors.index(j) for j, _ in history], dtype=np.int64)
    cols = np.array([sm.seniors.index(s) for _, s in history], dtype=np.int64)
    names = list(sm.components)
    x = np.column_stack([sm.components[n][rows, cols].astype(np.float64) for n in names])
    y = np.array([_outcome(v) for v in outcomes], dtype=np.float64)
    rng = np.random.default_rng(seed)
    total_weight = sum(program.weights.as_dict().get(n, 1.0) for n in names)

    def scaled(coef: FloatArray) -> FloatArray:
        s = coef.sum()
        return coef * (total_weight / s) if s > 0 else np.full(len(coef), total_weight
                                                                 / len(coef))

    weights = scaled(_fit(x, y))
    boot = np.array([scaled(_fit(x[idx], y[idx]))
                     for idx in (rng.integers(0, len(y), len(y)) for _ in range(resamples))])
    cv = _corr(_cv_predictions(x, y, min(folds, len(y)), rng), y)

    def fit_quality(target: FloatArray) -> float:
        coef = _fit(x, target)
        return _corr((x - x.mean(axis=0)) @ coef, target)

    observed = fit_quality(y)
    shuffled = np.array([fit_quality(rng.permutation(y)) for _ in range(permutations)])
    p_value = float((1 + (shuffled >= observed - 1e-12).sum()) / (1 + permutations))
    return Calibration(
        weights={n: float(w) for n, w in zip(names, weights, strict=True)},
        weight_sd={n: float(v) for n, v in zip(names, boot.std(axis=0), strict=True)},
        pairs=len(y), cv_correlation=cv, p_value=p_value,
        predicts=bool(p_value < 0.05 and cv > 0))


def read_feedback(path: str, junior_ids: Iterable[str] | None = None,
                  senior_ids: Iterable[str] | None = None, *,
                  names: Mapping[str, str | None] | None = None,
                  values: Mapping[str, float] | None = None
                  ) -> tuple[list[tuple[str, str]], list[str]]:
    r"""Read a feedback CSV: ``junior_id,senior_id,outcome`` (a rating or met / not met).

    With the roster's ``junior_ids`` and ``senior_ids``, every id that is
    not on its side is an error naming its row and column (and what it may
    be: another case, the sides swapped), all at once; a pair rated twice is
    two ratings, not an error. A survey's own columns are read then too
    (:func:`rmatch.read_ratings`): the pair's told apart by their ids (or
    ``names``, each person's name by id), the outcome the one column whose
    every cell is a number or met / not met; ``values`` gives the number of
    each answer in words (a survey's scale, proposed for a known one).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "f.csv"
    >>> _ = p.write_text("junior_id,senior_id,outcome\nj,s,met\n")
    >>> read_feedback(str(p))
    ([('j', 's')], ['met'])
    >>> read_feedback(str(p), ["J"], ["s"])
    Traceback (most recent call last):
    ...
    rmatch.errors.InputError: ...row 2, field 'junior_id': 'j' is not a junior of the roster...
    """
    from rmatch.io.small_tables import read_ratings, read_table

    if junior_ids is not None and senior_ids is not None:
        rated = read_ratings(path, junior_ids, senior_ids, value="outcome", optional=(),
                             accepts=_is_outcome, names=names, values=values,
                             what="feedback", where="of the roster")
        return [(j, s) for _, j, s, _ in rated], [cells["outcome"] for *_, cells in rated]
    rows = read_table(path, ["junior_id", "senior_id", "outcome"], what="feedback")
    pairs = [(normalise_id(cells["junior_id"].strip()), normalise_id(cells["senior_id"].strip()))
             for _, cells in rows]
    return pairs, [cells["outcome"] for _, cells in rows]


def _is_outcome(cell: str) -> bool:
    """Whether a cell reads as an outcome (a number, or met / not met)."""
    try:
        _outcome(cell)
    except InputError:
        return False
    return True

