"""Hot spots (local Getis-Ord Gi*) and rankings over Greater Manchester's boroughs and wards.

Weights: queen contiguity built by libpysal from the ONS polygons (two areas are neighbours
when their boundaries share at least one point), used in binary form with each area counted
as its own neighbour (Gi*, ``star=True``). Binary weights are the classic Gi* of Getis and Ord
(1992) and Ord and Getis (1995): with binary weights esda's analytical z-score is exactly
the textbook one, whereas with row-standardised weights esda still uses the binary-weight
variance, so its normal-approximation p-values are only approximate. ``transform="R"`` is
offered for comparison; the permutation p-value is sound under either.

p-values. esda's ``p_sim`` is a "directed" pseudo p-value: it counts the permutations at
or above the observed G, and when that is more than half of them it takes the lower tail as
``permutations - larger``, i.e. the permutations *strictly* below. Ties then vanish from the
lower tail. Wards with no incidents whose neighbours have none either sit at the minimum of
their permutation distribution, tied with hundreds of permutations, and esda gives them
1/(R+1) = 0.001 (0.002 two-sided): hundreds of "significant cold spots" that are only
empty wards among empty wards. The tail is also chosen by where G lies among the
*conditional* permutations (the area's own value held fixed), which need not be the side
the analytical z is on. So this module counts the permutation p-value itself, from esda's
simulated statistics (``rGs``):

* one-sided, in the direction of z: ``(#{G_perm >= G} + 1) / (R + 1)`` when z > 0 and
  ``(#{G_perm <= G} + 1) / (R + 1)`` when z < 0, ties counted as at least as extreme
  (the usual convention, Davison and Hinkley 1997; Hope 1968), with a relative tolerance so
  that floating-point rounding does not break a tie;
* two-sided: twice that, capped at 1.

A hot spot needs z > 0 and the two-sided p at most ``alpha``; a cold spot z < 0 likewise;
z = 0 is never significant. ``p_norm`` is the analytical value ``sf(|z|)`` (one-sided, as
esda gives it), kept for comparison and used when ``p_value="norm"``. ``esda_p_sim`` keeps
esda's own value so that the difference can be seen. The same test at the usual
alpha = 0.05 is ArcGIS's "95 % confidence" bin.

With ten boroughs the test has little power: each borough's neighbours are drawn from only
nine others, so significance at the borough level is rare and the ranking by rate is usually
the more useful table. Ward-level results (215 areas) are the meaningful hot-spot map.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

import numpy as np
from esda import fdr as fdr_cutoff
from esda.getisord import G_Local
from libpysal.weights import Queen, W

from . import geodata

HOT = "hot spot"
COLD = "cold spot"
NOT_SIGNIFICANT = "not significant"
NOT_TESTED = "not tested"

DEFAULT_ALPHA = 0.05
DEFAULT_PERMUTATIONS = 999
DEFAULT_SEED = 20_231_231
# Fewer areas than this and no area's neighbourhood can stand out from the permutations.
MIN_AREAS = 5
PER = 100_000


# --------------------------------------------------------------------------------------------
# Weights
# --------------------------------------------------------------------------------------------


def _queen(area_map: Mapping[str, geodata.Area], what: str) -> W:
    codes = sorted(area_map)
    with warnings.catch_warnings():
        # libpysal warns about islands and components; both are checked just below.
        warnings.simplefilter("ignore")
        w = Queen.from_iterable([area_map[c].geometry for c in codes], ids=codes)
    if w.islands:
        raise ValueError(f"{what}: areas with no neighbour: {', '.join(sorted(w.islands))}")
    if w.n_components != 1:
        raise ValueError(f"{what}: the areas form {w.n_components} separate groups")
    return w


@cache
def _borough_neighbours() -> dict[str, tuple[str, ...]]:
    w = _queen(geodata.boroughs(), "boroughs")
    return {c: tuple(sorted(w.neighbors[c])) for c in w.id_order}


@cache
def _ward_neighbours(borough: str | None) -> dict[str, tuple[str, ...]]:
    what = f"wards of {borough}" if borough else "wards"
    w = _queen(geodata.wards(borough), what)
    return {c: tuple(sorted(w.neighbors[c])) for c in w.id_order}


def _w_from(neighbours: Mapping[str, tuple[str, ...]]) -> W:
    # A fresh W per call: esda sets the transform on the object it is given.
    ids = sorted(neighbours)
    return W({c: list(neighbours[c]) for c in ids}, id_order=ids, silence_warnings=True)


def borough_weights() -> W:
    """Queen contiguity between the ten boroughs (ids = ONS codes in code order)."""
    return _w_from(_borough_neighbours())


def ward_weights(borough: str | None = None) -> W:
    """Queen contiguity between all 215 wards, or between the wards of one borough."""
    if borough is not None and borough not in geodata.boroughs():
        raise ValueError(f"unknown borough code {borough!r}; expected E08000001 to E08000010")
    return _w_from(_ward_neighbours(borough))


def neighbours(level: geodata.Level = "borough") -> dict[str, tuple[str, ...]]:
    """Each area's queen neighbours by ONS code (a copy; safe to change)."""
    if level == "borough":
        return dict(_borough_neighbours())
    if level == "ward":
        return dict(_ward_neighbours(None))
    raise ValueError(f"unknown area level {level!r}; expected 'borough' or 'ward'")


# --------------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AreaHotspot:
    """Gi* for one area. p-values are None when the area was not tested."""

    code: str
    name: str
    value: float
    z: float | None
    p_sim: float | None  # one-sided permutation p in the direction of z, ties counted
    p_norm: float | None  # esda's one-sided normal-approximation p-value, sf(|z|)
    p_sim_two_sided: float | None
    p_norm_two_sided: float | None
    classification: str
    neighbours: tuple[str, ...]
    esda_p_sim: float | None = None  # esda's own "directed" pseudo p, for comparison

    @property
    def significant(self) -> bool:
        return self.classification in (HOT, COLD)


@dataclass(frozen=True)
class HotspotResult:
    """Gi* over a set of areas, in ONS-code order. ``message`` explains an untested result."""

    areas: tuple[AreaHotspot, ...]
    tested: bool
    message: str
    alpha: float
    p_value: Literal["sim", "norm"]
    permutations: int
    seed: int
    transform: Literal["B", "R"]
    fdr: bool

    def by_code(self) -> dict[str, AreaHotspot]:
        return {a.code: a for a in self.areas}

    @property
    def hot_spots(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.areas if a.classification == HOT)

    @property
    def cold_spots(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.areas if a.classification == COLD)

    @property
    def method(self) -> str:
        """One sentence for footnotes: what was computed, how significance was judged."""
        basis = (
            f"{self.permutations} conditional permutations (seed {self.seed})"
            if self.p_value == "sim"
            else "the normal approximation"
        )
        weights = "binary" if self.transform == "B" else "row-standardised"
        correction = ", false discovery rate control" if self.fdr else ""
        return (
            f"Local Getis-Ord Gi* with {weights} queen-contiguity weights (each area counted "
            f"as its own neighbour); two-sided p-values from {basis}{correction}; "
            f"significant at {self.alpha:g}."
        )


def _clean_values(
    values: Mapping[str, float], ids: list[str], fill_missing: float | None
) -> np.ndarray:
    if not isinstance(values, Mapping):
        raise TypeError("values must be a mapping of ONS area code to a number")
    unknown = sorted(set(values) - set(ids))
    if unknown:
        raise ValueError(f"values given for unknown area codes: {', '.join(map(str, unknown))}")
    missing = [c for c in ids if c not in values]
    if missing and fill_missing is None:
        raise ValueError(f"no value for areas: {', '.join(missing)}")
    out = []
    for code in ids:
        v = values.get(code, fill_missing)
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise ValueError(f"value for {code} must be a number, got {v!r}")
        v = float(v)
        if not math.isfinite(v):
            raise ValueError(f"value for {code} is not a finite number ({v})")
        if v < 0:
            raise ValueError(f"value for {code} is negative ({v}); Gi* needs counts or rates")
        out.append(v)
    return np.asarray(out, dtype=float)


def _names(ids: list[str]) -> dict[str, str]:
    known = {**geodata.boroughs(), **geodata.wards()}
    return {c: known[c].name if c in known else c for c in ids}


def _two_sided(p: float) -> float:
    return min(1.0, 2.0 * float(p))


# Permuted and observed G come from different arithmetic (esda's numba kernel uses fastmath),
# so equal sums can differ in the last bits; closer than this counts as a tie.
TIE_TOLERANCE = 1e-9


def permutation_p(observed: np.ndarray, simulated: np.ndarray, z: np.ndarray) -> np.ndarray:
    """One-sided permutation p-values in the direction of z, ties counted as extreme.

    ``observed`` is G for each area (n), ``simulated`` the permuted G (n x R), ``z`` the
    analytical z-scores that choose the tail (z = 0 takes the larger of the two tails, so it
    is never significant). Returns NaN where z is not finite.
    """
    observed = observed[:, None]
    tol = TIE_TOLERANCE * np.maximum(1.0, np.abs(observed))
    at_least = (simulated >= observed - tol).sum(axis=1)
    at_most = (simulated <= observed + tol).sum(axis=1)
    r = simulated.shape[1]
    upper = (at_least + 1.0) / (r + 1.0)
    lower = (at_most + 1.0) / (r + 1.0)
    p = np.where(z > 0, upper, np.where(z < 0, lower, np.maximum(upper, lower)))
    return np.where(np.isfinite(z), p, np.nan)


def gi_star(
    values: Mapping[str, float],
    weights: W,
    *,
    alpha: float = DEFAULT_ALPHA,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = DEFAULT_SEED,
    p_value: Literal["sim", "norm"] = "sim",
    transform: Literal["B", "R"] = "B",
    fdr: bool = False,
    fill_missing: float | None = 0.0,
) -> HotspotResult:
    """Local Gi* of ``values`` (area code -> count or rate) over ``weights``.

    Areas missing from ``values`` count as ``fill_missing`` (0 by default, which suits counts
    from a GROUP BY that omits empty areas); pass None to make a missing area an error.
    A result that cannot be tested (all values equal, e.g. all zero, or too few areas) comes
    back with ``tested=False``, every area "not tested" and a ``message`` saying why.
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if p_value not in ("sim", "norm"):
        raise ValueError(f"p_value must be 'sim' or 'norm', got {p_value!r}")
    if transform not in ("B", "R"):
        raise ValueError(
            f"transform must be 'B' (binary) or 'R' (row-standardised), got {transform!r}"
        )
    if p_value == "sim" and permutations < 99:
        raise ValueError(f"use at least 99 permutations for simulated p-values, got {permutations}")
    ids = list(weights.id_order)
    y = _clean_values(values, ids, fill_missing)
    names = _names(ids)
    nbrs = {c: tuple(sorted(weights.neighbors[c])) for c in ids}

    def answer(areas: tuple[AreaHotspot, ...], *, tested: bool, message: str) -> HotspotResult:
        return HotspotResult(
            areas=areas,
            tested=tested,
            message=message,
            alpha=alpha,
            p_value=p_value,
            permutations=permutations,
            seed=seed,
            transform=transform,
            fdr=fdr,
        )

    message = ""
    if len(ids) < MIN_AREAS:
        message = (
            f"Only {len(ids)} areas: Gi* needs at least {MIN_AREAS} for any neighbourhood to "
            "stand out, so no hot spots were tested."
        )
    elif weights.islands:
        message = f"Areas with no neighbour cannot be tested: {', '.join(sorted(weights.islands))}."
    elif float(np.ptp(y)) == 0.0:
        message = (
            f"Every area has the same value ({y[0]:g}), so there is no spatial pattern to test."
        )
    if message:
        untested = tuple(
            AreaHotspot(c, names[c], float(v), None, None, None, None, None, NOT_TESTED, nbrs[c])
            for c, v in zip(ids, y, strict=True)
        )
        return answer(untested, tested=False, message=message)

    # np.errstate: esda divides by the spread of the permutations for its z_sim, which is 0
    # where every draw ties (an empty ward among empty wards); z_sim is not used here.
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        # esda warns that its default alternative hypothesis will change; its p_sim is kept
        # only for comparison (the p-value used is counted from rGs), so the change cannot bite.
        warnings.filterwarnings("ignore", message=".*alternative hypothesis.*")
        g = G_Local(
            y,
            weights,
            transform=transform,
            permutations=permutations if p_value == "sim" else 0,
            star=True,
            seed=seed,
            n_jobs=1,
            keep_simulations=p_value == "sim",
        )
    z = np.asarray(g.Zs, dtype=float)
    p_norm = np.asarray(g.p_norm, dtype=float)
    if p_value == "sim":
        p_sim = permutation_p(np.asarray(g.Gs, dtype=float), np.asarray(g.rGs, dtype=float), z)
        esda_p = np.asarray(g.p_sim, dtype=float)
    else:
        p_sim = esda_p = np.full(len(ids), np.nan)
    p2_norm = np.minimum(1.0, 2.0 * p_norm)
    p2_sim = np.minimum(1.0, 2.0 * p_sim)
    chosen = p2_sim if p_value == "sim" else p2_norm
    finite = np.isfinite(chosen) & np.isfinite(z)
    if fdr:
        # Benjamini-Hochberg: esda.fdr gives the p-value below which nulls are rejected.
        cutoff = fdr_cutoff(chosen[finite], alpha) if finite.any() else 0.0
        reject = finite & (chosen < cutoff)
    else:
        reject = finite & (chosen <= alpha)

    result = []
    for i, code in enumerate(ids):
        if not finite[i]:
            cls = NOT_TESTED
        elif reject[i] and z[i] != 0:
            cls = HOT if z[i] > 0 else COLD
        else:
            cls = NOT_SIGNIFICANT
        result.append(
            AreaHotspot(
                code=code,
                name=names[code],
                value=float(y[i]),
                z=float(z[i]) if np.isfinite(z[i]) else None,
                p_sim=float(p_sim[i]) if np.isfinite(p_sim[i]) else None,
                p_norm=float(p_norm[i]) if np.isfinite(p_norm[i]) else None,
                p_sim_two_sided=float(p2_sim[i]) if np.isfinite(p2_sim[i]) else None,
                p_norm_two_sided=float(p2_norm[i]) if np.isfinite(p2_norm[i]) else None,
                classification=cls,
                neighbours=nbrs[code],
                esda_p_sim=float(esda_p[i]) if np.isfinite(esda_p[i]) else None,
            )
        )
    undefined = [a.code for a in result if a.classification == NOT_TESTED]
    message = f"Not tested (statistic undefined): {', '.join(undefined)}." if undefined else ""
    return answer(tuple(result), tested=True, message=message)


def borough_hotspots(
    counts: Mapping[str, float], *, per_100k: bool = False, **options
) -> HotspotResult:
    """Gi* over the ten boroughs, on the counts or on rates per 100,000 residents."""
    values = rates_per_100k(counts) if per_100k else counts
    return gi_star(values, borough_weights(), **options)


def ward_hotspots(
    counts: Mapping[str, float], *, borough: str | None = None, **options
) -> HotspotResult:
    """Gi* over all wards or the wards of one borough. Counts only: wards have no population."""
    return gi_star(counts, ward_weights(borough), **options)


# --------------------------------------------------------------------------------------------
# Rates and rankings
# --------------------------------------------------------------------------------------------


def rates_per_100k(counts: Mapping[str, float]) -> dict[str, float]:
    """Count per 100,000 residents for each borough (Census 2021). Missing boroughs count 0."""
    pops = geodata.populations()
    unknown = sorted(set(counts) - set(pops))
    if unknown:
        wards = set(geodata.wards())
        if wards.intersection(unknown):
            raise ValueError(
                "rates per 100,000 exist for boroughs only: the ward data has no population"
            )
        raise ValueError(f"unknown borough codes: {', '.join(map(str, unknown))}")
    rates = {}
    for code, pop in pops.items():
        v = counts.get(code, 0)
        if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
            raise ValueError(f"count for {code} must be a number, got {v!r}")
        if not math.isfinite(float(v)) or v < 0:
            raise ValueError(f"count for {code} must be a finite number of at least 0, got {v}")
        rates[code] = float(v) * PER / pop
    return rates


@dataclass(frozen=True)
class RankedArea:
    """A row of a league table. ``rank`` is shared by ties (1, 2, 2, 4)."""

    rank: int
    code: str
    name: str
    count: float
    population: int | None
    rate_per_100k: float | None


def rank_areas(
    counts: Mapping[str, float],
    *,
    by: Literal["count", "rate"] = "count",
    level: geodata.Level = "borough",
) -> list[RankedArea]:
    """Areas from highest to lowest by count or by rate per 100,000 (boroughs only).

    Every area of the level is listed (missing ones count 0); ties share a rank and are
    listed in name order.
    """
    if by not in ("count", "rate"):
        raise ValueError(f"rank by 'count' or 'rate', got {by!r}")
    if level == "ward" and by == "rate":
        raise ValueError(
            "wards cannot be ranked by rate: the ward data has no population; rank by count"
        )
    area_map = geodata.areas(level)
    ids = sorted(area_map)
    y = _clean_values(counts, ids, 0.0)
    rates = rates_per_100k(dict(zip(ids, y, strict=True))) if level == "borough" else {}
    rows = [
        RankedArea(
            0, code, area_map[code].name, float(v), area_map[code].population, rates.get(code)
        )
        for code, v in zip(ids, y, strict=True)
    ]
    # Ranking by rate is for boroughs only (checked above), and every borough has a rate.
    measure = {r.code: r.count if by == "count" else rates[r.code] for r in rows}
    rows.sort(key=lambda r: (-measure[r.code], r.name))
    ranked: list[RankedArea] = []
    for position, row in enumerate(rows, start=1):
        tied = ranked and measure[row.code] == measure[ranked[-1].code]
        ranked.append(replace(row, rank=ranked[-1].rank if tied else position))
    return ranked
