"""The engagement-rate curve, its dispersion and the per-creator rates shrunk toward it.

The model, on the log scale (``y = log(engagements / followers)`` of one post):

    y_ij = g(log10 followers_ij) + u_i + e_ij,    u_i ~ N(0, τ²),  e_ij ~ N(0, σ²)

* ``g`` is a natural cubic regression spline (patsy ``cr``) fitted by least squares
  (statsmodels OLS); its degrees of freedom are chosen by 5-fold cross-validation
  over creators (no post of a held-out creator is seen); its covariance is
  cluster-robust by creator (posts of one creator are correlated), with a *t*
  reference of (creators − 1) degrees of freedom.  ``exp(g)`` is the typical
  (median) engagement rate of a creator at that follower count.
* ``τ²`` (between creators) and ``σ²`` (post to post) are the one-way random-effects
  ANOVA (method of moments) estimates from the residuals ``y − ĝ``.
* A creator's rate is shrunk toward the curve (empirical Bayes):
  ``w_i = n_i / (n_i + σ²/τ²)``, ``m_i = ĝ(x_i) + w_i · r̄_i``, posterior variance
  ``v_i = w_i σ² / n_i`` (+ the curve's variance at ``x_i``).  When no creator has two
  posts ``σ²`` cannot be separated from ``τ²``: the whole residual variance is counted as
  ``τ²`` and every creator takes the curve (``w_i = 0``, ``v_i = τ²``).

A post with 0 engagements counts as 0.5 (``log 0`` is undefined); how many did is
reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Curve", "Dispersion", "fit_curve", "dispersion", "shrink", "log_rates", "DF_CHOICES"]

#: Degrees of freedom tried for the spline (chosen by creator-grouped cross-validation).
DF_CHOICES = (3, 4, 5, 6, 7)
#: Creators per degree of freedom: with fewer than ``3 × 5`` creators the curve is a straight line in
#: log10(followers) (``df`` 1), and when every post has the same follower count it is a constant (``df`` 0).
CREATORS_PER_DF = 5
#: Folds of the cross-validation.
FOLDS = 5


@dataclass(frozen=True)
class Curve:
    """A fitted log-rate curve: ``predict(followers)`` gives ``(log rate, standard error)``.

    ``x_range`` is the fitted range of ``log10(followers)``; outside it the curve is
    held at its edge value (:meth:`outside` tells which points are).
    """

    df: int
    x_range: tuple[float, float]
    params: np.ndarray
    cov: np.ndarray
    t_df: int
    design_info: object
    cv_mse: dict

    def predict(self, followers) -> tuple[np.ndarray, np.ndarray]:
        """``(ĝ, se)`` at each follower count (held at the edge outside the fitted range)."""
        x = np.clip(np.log10(np.asarray(followers, dtype=float)), *self.x_range)
        X = _rows(self.design_info, x)
        se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", X, self.cov, X), 0.0))
        return X @ self.params, se

    def outside(self, followers) -> np.ndarray:
        """Which follower counts lie outside the fitted range (the curve would be extrapolated)."""
        x = np.log10(np.asarray(followers, dtype=float))
        return (x < self.x_range[0] - 1e-9) | (x > self.x_range[1] + 1e-9)

    def quantile(self, level: float) -> float:
        """The two-sided critical value of the curve's interval (t with creators − 1 df)."""
        from scipy import stats

        return float(stats.t.ppf(0.5 + level / 2, self.t_df))


@dataclass(frozen=True)
class Dispersion:
    """Variance of log engagement rates around the curve: between creators (τ²) and post to post (σ²)."""

    between: float
    within: float

    @property
    def total(self) -> float:
        return self.between + self.within


def log_rates(engagements, followers) -> np.ndarray:
    """``log(max(engagements, 0.5) / followers)``: the log engagement rate of each post.

    >>> log_rates(np.array([10.0, 0.0]), np.array([1000.0, 1000.0])).round(3).tolist()
    [-4.605, -7.601]
    """
    return np.log(np.maximum(np.asarray(engagements, dtype=float), 0.5) / np.asarray(followers, dtype=float))


def fit_curve(followers, y, creators) -> Curve:
    """Fit ``y`` (log rates) on a natural cubic spline of ``log10(followers)`` (see the module docstring).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> f = 10 ** rng.uniform(3, 6, 400); c = np.repeat(np.arange(40), 10)
    >>> curve = fit_curve(f, np.log(0.03) - 0.2 * np.log10(f) + rng.normal(0, 0.3, 400), c)
    >>> g, se = curve.predict([1e4]); round(float(np.exp(g[0])), 3)  # truth 0.03 × exp(-0.8) = 0.0135
    0.014
    """
    import statsmodels.api as sm

    x = np.log10(np.asarray(followers, dtype=float))
    y = np.asarray(y, dtype=float)
    codes = np.unique(np.asarray(creators).astype(str), return_inverse=True)[1]  # folds independent of row order
    choices = _df_choices(x, codes)
    cv = {k: _cv_mse(x, y, codes, k) for k in choices}
    best = min(cv, key=lambda k: (round(cv[k], 12), k))
    X, info = _design(x, best)
    t_df = max(int(codes.max()) if len(codes) else 1, 1)
    fit = sm.OLS(y, X).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=True)
    return Curve(best, (float(x.min()), float(x.max())), np.asarray(fit.params), np.asarray(fit.cov_params()),
                 t_df, info, {int(k): float(v) for k, v in cv.items()})


def _df_choices(x: np.ndarray, codes: np.ndarray) -> list[int]:
    """Spline sizes the data can carry: at most one df per :data:`CREATORS_PER_DF` creators and one per
    distinct follower count beyond the first; below 3 a straight line (1), with one follower count a constant (0).

    >>> _df_choices(np.log10([1e3, 1e4, 1e5] * 3), np.arange(9)), _df_choices(np.zeros(9), np.arange(9))
    ([1], [0])
    """
    distinct = len(np.unique(np.round(x, 3)))
    creators = int(codes.max()) + 1 if len(codes) else 0
    room = min(distinct - 1, creators // CREATORS_PER_DF)
    return [k for k in DF_CHOICES if k <= room] or [min(room, 1) if distinct > 1 else 0]


def _design(x: np.ndarray, df: int):
    import patsy

    formula = {0: "1", 1: "x"}.get(df, f"cr(x, df={df}, constraints='center')")
    m = patsy.dmatrix(formula, pd.DataFrame({"x": x}))  # a frame: patsy then knows the rows of formula "1"
    return np.asarray(m), m.design_info


def _rows(info, x: np.ndarray) -> np.ndarray:
    """The design matrix of ``x`` for a fitted design (a constant curve's too: the data is a frame)."""
    import patsy

    return np.asarray(patsy.build_design_matrices([info], pd.DataFrame({"x": x}))[0])


def _cv_mse(x: np.ndarray, y: np.ndarray, codes: np.ndarray, df: int) -> float:
    """Mean squared error of held-out creators' posts, 5 folds of creators (fold = creator code mod 5).

    Held-out points outside the training range are predicted at the edge.
    """
    fold = codes % FOLDS
    err, n = 0.0, 0
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        if not test.any() or len(np.unique(x[train])) <= df:
            continue
        X, info = _design(x[train], df)
        beta = np.linalg.lstsq(X, y[train], rcond=None)[0]
        Xt = _rows(info, np.clip(x[test], x[train].min(), x[train].max()))
        err += float(np.sum((y[test] - Xt @ beta) ** 2))
        n += int(test.sum())
    return err / n if n else float("inf")


def dispersion(residuals, creators) -> Dispersion:
    """One-way random-effects ANOVA estimates of τ² (between creators) and σ² (within), from residuals.

    ``σ² = MSW``, ``τ² = max(0, (MSB − MSW) / n₀)`` with ``n₀ = (N − Σ n_i²/N)/(k − 1)``.
    When every creator has a single post σ² cannot be separated: all the variance is
    put between creators and σ² is 0 (the caller says so).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> c = np.repeat(np.arange(300), 20)
    >>> r = rng.normal(0, 0.5, 300)[c] + rng.normal(0, 0.3, 6000)
    >>> d = dispersion(r, c)  # truth: τ² = 0.25, σ² = 0.09
    >>> abs(d.between - 0.25) < 0.05, round(d.within, 2)
    (True, 0.09)
    """
    r = pd.Series(np.asarray(residuals, dtype=float))
    g = pd.Series(pd.factorize(np.asarray(creators))[0])
    n_i = g.value_counts().sort_index().to_numpy(float)
    means = r.groupby(g).mean().sort_index().to_numpy()
    N, k = float(len(r)), len(n_i)
    if k < 2:
        return Dispersion(0.0, float(r.var(ddof=1)) if N > 1 else 0.0)
    grand = float(r.mean())
    ssw = float(((r - means[g.to_numpy()]) ** 2).sum())
    msb = float(np.sum(n_i * (means - grand) ** 2)) / (k - 1)
    if N <= k:
        return Dispersion(msb, 0.0)
    msw = ssw / (N - k)
    n0 = (N - float(np.sum(n_i ** 2)) / N) / (k - 1)
    return Dispersion(max(0.0, (msb - msw) / n0), msw)


def shrink(residual_mean, n_posts, disp: Dispersion) -> tuple[np.ndarray, np.ndarray]:
    """Empirical-Bayes weights ``w = n / (n + σ²/τ²)`` and posterior variances ``(1 − w) τ² = w σ² / n`` of creator effects.

    When ``σ²`` is 0 it was not separated from ``τ²`` (no creator has two posts, see
    :func:`dispersion`): a creator's one post cannot be told from post-to-post noise, so
    nothing is learnt from it (``w = 0``) and its effect keeps the whole residual variance.

    >>> w, v = shrink(np.array([0.4, 0.4]), np.array([1, 100]), Dispersion(0.25, 0.25))
    >>> w.round(3).tolist(), v.round(4).tolist()
    ([0.5, 0.99], [0.125, 0.0025])
    >>> shrink(np.array([0.4]), np.array([1]), Dispersion(0.5, 0.0))
    (array([0.]), array([0.5]))
    """
    n = np.asarray(n_posts, dtype=float)
    if disp.between <= 0 or disp.within <= 0:
        return np.zeros_like(n), np.full_like(n, max(disp.between, 0.0))
    w = n / (n + disp.within / disp.between)
    return w, (1 - w) * disp.between
