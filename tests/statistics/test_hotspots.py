import math
import warnings

import numpy as np
import pytest
from esda.getisord import G_Local
from esda.significance import calculate_significance
from libpysal.weights import W

from drachma.statistics import geodata, hotspots

BOLTON, BURY, MANCHESTER, OLDHAM, ROCHDALE = (f"E0800000{i}" for i in range(1, 6))
SALFORD, STOCKPORT, TAMESIDE, TRAFFORD, WIGAN = (
    "E08000006",
    "E08000007",
    "E08000008",
    "E08000009",
    "E08000010",
)

COUNTS = {
    MANCHESTER: 40,
    SALFORD: 25,
    TRAFFORD: 20,
    BURY: 15,
    STOCKPORT: 8,
    TAMESIDE: 10,
    OLDHAM: 9,
    ROCHDALE: 7,
    BOLTON: 3,
    WIGAN: 2,
}


def test_borough_adjacency_matches_the_map():
    nb = hotspots.neighbours("borough")
    assert set(nb[MANCHESTER]) == {BURY, OLDHAM, ROCHDALE, SALFORD, STOCKPORT, TAMESIDE, TRAFFORD}
    assert set(nb[WIGAN]) == {BOLTON, SALFORD}
    assert set(nb[BOLTON]) == {BURY, SALFORD, WIGAN}
    assert set(nb[TRAFFORD]) == {MANCHESTER, SALFORD}
    assert set(nb[STOCKPORT]) == {MANCHESTER, TAMESIDE}  # Wythenshawe separates it from Trafford
    assert set(nb[OLDHAM]) == {MANCHESTER, ROCHDALE, TAMESIDE}
    assert sum(len(v) for v in nb.values()) == 2 * 17  # 17 shared borders
    assert all(a in nb[b] for a, bs in nb.items() for b in bs)  # symmetric


def test_ward_weights_are_connected_with_no_islands():
    w = hotspots.ward_weights()
    assert w.n == 215 and not w.islands and w.n_components == 1
    assert hotspots.ward_weights(TRAFFORD).n == 21


def _esda_direct(values, w, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return G_Local(values, w, transform="B", star=True, n_jobs=1, **options)


def test_gi_star_equals_esda_called_directly():
    result = hotspots.borough_hotspots(COUNTS, seed=7, permutations=499)
    ids = hotspots.borough_weights().id_order
    y = np.array([COUNTS[c] for c in ids], dtype=float)
    direct = _esda_direct(y, hotspots.borough_weights(), permutations=499, seed=7)
    assert [a.code for a in result.areas] == ids
    np.testing.assert_allclose([a.z for a in result.areas], direct.Zs)
    np.testing.assert_allclose([a.p_norm for a in result.areas], direct.p_norm)
    np.testing.assert_allclose([a.esda_p_sim for a in result.areas], direct.p_sim)
    # The permutation p is esda's own "greater" or "lesser" pseudo p over the same 499
    # permutations, the tail chosen by the sign of z (these counts have no float ties).
    greater = calculate_significance(direct.Gs, direct.rGs, alternative="greater")
    lesser = calculate_significance(direct.Gs, direct.rGs, alternative="lesser")
    expected = np.where(direct.Zs > 0, greater, lesser)
    np.testing.assert_allclose([a.p_sim for a in result.areas], expected)
    np.testing.assert_allclose(
        [a.p_sim_two_sided for a in result.areas], np.minimum(1, 2 * expected)
    )


def test_permutation_p_counts_ties_as_extreme():
    # Worked by hand: 9 permutations, observed G = 0.2.
    observed = np.array([0.2, 0.2, 0.2])
    simulated = np.array([[0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.4, 0.5]] * 3)
    z = np.array([-1.0, 1.0, 0.0])
    p = hotspots.permutation_p(observed, simulated, z)
    # Lower tail: all 6 ties are "at most 0.2": (6 + 1) / 10. Upper: all 9 at least: 10/10.
    assert p.tolist() == pytest.approx([0.7, 1.0, 1.0])
    # A tie broken only by rounding is still a tie.
    nudged = hotspots.permutation_p(np.array([0.2]), np.array([[0.2 + 1e-15] * 9]), z[:1])
    assert nudged.tolist() == pytest.approx([1.0])


def test_empty_wards_among_empty_wards_are_not_cold_spots():
    """The reported bug: esda's directed p gave zero wards p = 0.001 (0.002 two-sided)."""
    wards = sorted(geodata.wards())
    rng = np.random.default_rng(1)
    counts = {c: int(v) for c, v in zip(wards, rng.poisson(0.3, len(wards)), strict=True)}
    result = hotspots.ward_hotspots(counts)
    w = hotspots.ward_weights()
    direct = _esda_direct(
        np.array([counts[c] for c in w.id_order], float), w, permutations=999, seed=20231231
    )
    # esda's own value calls many of them significant at 0.002 ...
    assert (np.minimum(1, 2 * direct.p_sim) <= 0.002).sum() > 10
    # ... but with ties counted, an empty ward with empty neighbours is nowhere near it.
    by_code = result.by_code()
    empty = [c for c in wards if counts[c] == 0 and all(counts[n] == 0 for n in w.neighbors[c])]
    assert empty
    for code in empty:
        assert by_code[code].classification == hotspots.NOT_SIGNIFICANT
        # Exactly: G is at its minimum when every drawn neighbour is empty, which happens
        # with probability C(m, k) / C(n - 1, k) (m empty wards besides this one, k
        # neighbours). 999 permutations estimate it to within about 0.013 (one SE).
        k = len(w.neighbors[code])
        m = sum(1 for c in wards if counts[c] == 0) - 1
        exact = math.comb(m, k) / math.comb(len(wards) - 1, k)
        assert by_code[code].p_sim == pytest.approx(exact, abs=0.045)
    assert result.cold_spots == ()


def test_labels_agree_with_z_and_p():
    rng = np.random.default_rng(5)
    wards = sorted(geodata.wards())
    counts = {c: int(v) for c, v in zip(wards, rng.poisson(3, len(wards)), strict=True)}
    for result in (
        hotspots.ward_hotspots(counts),
        hotspots.borough_hotspots(COUNTS),
        hotspots.borough_hotspots(COUNTS, p_value="norm"),
    ):
        for a in result.areas:
            p = a.p_sim_two_sided if result.p_value == "sim" else a.p_norm_two_sided
            if a.classification == hotspots.HOT:
                assert a.z > 0 and p <= result.alpha
            elif a.classification == hotspots.COLD:
                assert a.z < 0 and p <= result.alpha
            else:
                assert p > result.alpha or a.z == 0


def test_a_borough_at_the_edge_of_its_permutations_is_tested_on_all_ties():
    # Trafford (neighbours Manchester and Salford) holding the two smallest others: its G is
    # the minimum of the C(9, 2) = 36 equally likely neighbour pairs, so the exact one-sided
    # p is 1/36 = 0.028 and two-sided 0.056. esda's directed value ignores the tied draws
    # and says 0.001.
    counts = {**COUNTS, MANCHESTER: 1, SALFORD: 2, TRAFFORD: 14, WIGAN: 30, BOLTON: 40}
    trafford = hotspots.borough_hotspots(counts).by_code()[TRAFFORD]
    assert trafford.z < 0
    assert trafford.esda_p_sim == pytest.approx(0.001)
    assert trafford.p_sim == pytest.approx(1 / 36, abs=0.012)
    assert trafford.classification == hotspots.NOT_SIGNIFICANT


def test_gi_star_z_matches_the_textbook_formula():
    # Ord & Getis (1995) Gi* with binary weights and the area itself included.
    result = hotspots.borough_hotspots(COUNTS, p_value="norm").by_code()
    nb = hotspots.neighbours("borough")
    x = np.array(list(COUNTS.values()), dtype=float)
    n, mean, s = len(x), x.mean(), x.std()
    for code in (MANCHESTER, TRAFFORD, WIGAN):
        members = [code, *nb[code]]
        wi = len(members)
        num = sum(COUNTS[c] for c in members) - mean * wi
        den = s * math.sqrt((n * wi - wi**2) / (n - 1))
        assert result[code].z == pytest.approx(num / den)
    # Trafford with Manchester and Salford: z = 2.56, two-sided p = 0.0104 -> hot spot.
    assert result[TRAFFORD].z == pytest.approx(2.5612, abs=1e-4)  # 43.3 / 16.906
    assert result[TRAFFORD].p_norm_two_sided == pytest.approx(0.01043, abs=1e-4)
    assert result[TRAFFORD].classification == hotspots.HOT
    assert result[MANCHESTER].classification == hotspots.NOT_SIGNIFICANT  # z = 1.55


def test_same_seed_same_answer_and_permutation_p_is_two_sided():
    a = hotspots.borough_hotspots(COUNTS)
    b = hotspots.borough_hotspots(COUNTS)
    assert a == b
    trafford = a.by_code()[TRAFFORD]
    # One-sided pseudo p 0.028 doubles to 0.056: not significant on the permutation test.
    assert trafford.p_sim_two_sided == pytest.approx(2 * trafford.p_sim)
    assert trafford.classification == hotspots.NOT_SIGNIFICANT
    assert "999 conditional permutations" in a.method


def test_a_cluster_of_wards_is_found_as_a_hot_spot():
    wards = geodata.wards()
    counts = {c: (12 if w.parent_code == MANCHESTER else 1) for c, w in wards.items()}
    result = hotspots.ward_hotspots(counts)
    assert result.tested
    hot = set(result.hot_spots)
    assert {"E05011376", "E05011361", "E05011350"} <= hot  # Piccadilly, Deansgate, Ancoats
    assert all(
        wards[c].parent_code
        in {MANCHESTER, SALFORD, TRAFFORD, STOCKPORT, TAMESIDE, OLDHAM, ROCHDALE, BURY}
        for c in hot
    )
    assert not any(wards[c].parent_code == WIGAN for c in hot)


def test_all_zero_input_is_reported_not_crashed():
    result = hotspots.borough_hotspots({})
    assert not result.tested
    assert "same value (0)" in result.message
    assert {a.classification for a in result.areas} == {hotspots.NOT_TESTED}
    assert all(a.z is None and a.p_sim is None for a in result.areas)
    assert result.hot_spots == () and result.cold_spots == ()


def test_constant_input_is_reported():
    result = hotspots.ward_hotspots({c: 3 for c in geodata.wards()})
    assert not result.tested and "same value (3)" in result.message


def test_too_few_areas_is_reported():
    w = W({"a": ["b"], "b": ["a", "c"], "c": ["b"]})
    result = hotspots.gi_star({"a": 1, "b": 5, "c": 2}, w)
    assert not result.tested
    assert result.message.startswith("Only 3 areas")


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({MANCHESTER: -1}, "negative"),
        ({"E08000099": 1}, "unknown area codes: E08000099"),
        ({MANCHESTER: float("nan")}, "not a finite number"),
        ({MANCHESTER: "12"}, "must be a number"),
    ],
)
def test_bad_values_are_refused(values, message):
    with pytest.raises(ValueError, match=message):
        hotspots.borough_hotspots(values)


def test_missing_areas_can_be_made_an_error():
    with pytest.raises(ValueError, match="no value for areas: E08000001"):
        hotspots.gi_star(
            {c: v for c, v in COUNTS.items() if c != BOLTON},
            hotspots.borough_weights(),
            fill_missing=None,
        )


def test_rates_and_ranking():
    rates = hotspots.rates_per_100k(COUNTS)
    assert rates[MANCHESTER] == pytest.approx(40 * 100_000 / 550_400)
    by_rate = hotspots.rank_areas(COUNTS, by="rate")
    assert [r.name for r in by_rate[:3]] == ["Salford", "Trafford", "Bury"]
    assert by_rate[0].rate_per_100k == pytest.approx(25 * 100_000 / 269_300)
    by_count = hotspots.rank_areas({MANCHESTER: 5, SALFORD: 5, WIGAN: 2})
    assert [(r.rank, r.name, r.count) for r in by_count[:4]] == [
        (1, "Manchester", 5),
        (1, "Salford", 5),
        (3, "Wigan", 2),
        (4, "Bolton", 0),
    ]


def test_wards_have_no_rates():
    with pytest.raises(ValueError, match="no population"):
        hotspots.rank_areas({"E05011376": 3}, by="rate", level="ward")
    with pytest.raises(ValueError, match="boroughs only"):
        hotspots.rates_per_100k({"E05011376": 3})


def test_hot_spots_on_rates_use_the_census_populations():
    result = hotspots.borough_hotspots(COUNTS, per_100k=True, p_value="norm").by_code()
    assert result[SALFORD].value == pytest.approx(25 * 100_000 / 269_300)
    assert result[MANCHESTER].value == pytest.approx(40 * 100_000 / 550_400)
