"""Job sectors shared by workers and postings: illustrative weights and wage factors.

A city's own wage level and sector mix are reference data (partner_cities.csv); the
factors here scale the city's wage by sector. All are round illustrative figures, not
survey data.
"""

from __future__ import annotations

SECTOR_WEIGHTS = {
    "ELEC": 0.20,
    "GARM": 0.12,
    "CONS": 0.15,
    "LOGI": 0.12,
    "CATR": 0.10,
    "DOME": 0.08,
    "SECU": 0.08,
    "MACH": 0.10,
    "GEN": 0.05,
}
SECTOR_WAGE_FACTOR = {
    "ELEC": 1.0,
    "GARM": 0.95,
    "CONS": 1.25,
    "LOGI": 1.05,
    "CATR": 0.95,
    "DOME": 1.1,
    "SECU": 0.9,
    "MACH": 1.1,
    "GEN": 0.9,
}
SECTOR_MAX_AGE = {
    "ELEC": 40,
    "GARM": 45,
    "CONS": 55,
    "LOGI": 45,
    "CATR": 50,
    "DOME": 55,
    "SECU": 55,
    "MACH": 45,
    "GEN": 50,
}
