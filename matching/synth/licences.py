"""Licences: certificates without which a job may not be done at all.

`certificates.csv` marks them (`licence_required`): special-operation permits (电工, 焊工,
架子工, 叉车), driving licences, the health certificate of food handlers, the security
guard's permit and the fire-control room operator's certificate. A worker who has done such
a job holds its licence, and a posting for it always requires the licence.
"""

from __future__ import annotations

from matching.data.reference import Reference


def licensed_skills(ref: Reference) -> frozenset[str]:
    """Skill codes whose job requires the skill's certificate by law or trade rule."""
    certificates = ref.certificates
    required = certificates["licence_required"].to_numpy() == 1
    return frozenset(certificates.loc[required, "skill_code"].astype(str))
