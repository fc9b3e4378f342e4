"""Distances between places. Great-circle distance by default; any callable can replace it.

In a mountainous province road distance is longer than the great circle; a caller with a
road-distance table passes its own `DistanceFunction`.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


class DistanceFunction(Protocol):
    """Kilometres between (lat1, lon1) and (lat2, lon2), in degrees, broadcasting."""

    def __call__(
        self, lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
    ) -> FloatArray: ...


def haversine_km(
    lat1: ArrayLike,
    lon1: ArrayLike,
    lat2: ArrayLike,
    lon2: ArrayLike,
    radius_km: float = EARTH_RADIUS_KM,
) -> FloatArray:
    """Great-circle distance in kilometres (haversine formula), with numpy broadcasting."""
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2)
    )
    half_dphi = (phi2 - phi1) / 2.0
    half_dlam = (lam2 - lam1) / 2.0
    h = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlam) ** 2
    return np.asarray(2.0 * radius_km * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))


def pairwise_km(
    lat_a: ArrayLike,
    lon_a: ArrayLike,
    lat_b: ArrayLike,
    lon_b: ArrayLike,
    distance: DistanceFunction = haversine_km,
) -> FloatArray:
    """Distances between every point of a (rows) and every point of b (columns)."""
    la, oa = np.asarray(lat_a, dtype=np.float64), np.asarray(lon_a, dtype=np.float64)
    return distance(la[:, None], oa[:, None], lat_b, lon_b)
