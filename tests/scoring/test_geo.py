"""Tests of great-circle distances."""

from __future__ import annotations

import numpy as np

from matching.scoring.geo import EARTH_RADIUS_KM, haversine_km, pairwise_km


def test_guiyang_to_zunyi() -> None:
    """Guiyang–Zunyi is about 125 km as the crow flies."""
    assert 115 < float(haversine_km(26.65, 106.63, 27.73, 106.93)) < 135


def test_quarter_meridian() -> None:
    """Pole to equator is a quarter of the circumference on the chosen sphere."""
    assert np.isclose(float(haversine_km(90.0, 0.0, 0.0, 0.0)), np.pi / 2 * EARTH_RADIUS_KM)
    assert np.isclose(
        float(haversine_km(90.0, 0.0, 0.0, 0.0, radius_km=6371.0)), 6371.0 * np.pi / 2
    )


def test_antipodes_do_not_overflow() -> None:
    """Rounding never pushes the haversine past 1, so antipodes give half a circumference."""
    assert np.isclose(float(haversine_km(0.0, 0.0, 0.0, 180.0)), np.pi * EARTH_RADIUS_KM)


def test_broadcasting_and_symmetry() -> None:
    """Pairwise distances are symmetric with a zero diagonal."""
    lat = np.array([26.6, 27.7, 25.1])
    lon = np.array([106.6, 106.9, 104.9])
    d = pairwise_km(lat, lon, lat, lon)
    assert d.shape == (3, 3)
    assert np.allclose(d, d.T)
    assert np.allclose(np.diag(d), 0.0)


def test_distance_function_is_replaceable() -> None:
    """Any callable with the same shape can stand in for the great circle."""

    def manhattan_degrees(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
        return np.abs(np.asarray(lat1) - lat2) + np.abs(np.asarray(lon1) - lon2)

    d = pairwise_km([0.0], [0.0], [1.0, 2.0], [1.0, 0.0], distance=manhattan_degrees)
    assert d.tolist() == [[2.0, 2.0]]
