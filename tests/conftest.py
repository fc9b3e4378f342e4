"""Test-wide settings.

Hypothesis runs derandomized: the same examples every run, so a red CI run can be
reproduced on any machine, and a slow machine does not fail a test for being slow.
"""

from hypothesis import HealthCheck, settings

settings.register_profile(
    "bangfu",
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile("bangfu")
