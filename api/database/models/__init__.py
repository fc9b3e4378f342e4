"""Every table of the service; importing this package registers them all on `Base`."""

from api.database.models.accounts import ROLE_LABELS, Role, User
from api.database.models.geo import County, PartnerCity, Prefecture, Township, Village
from api.database.models.history import Placement, Visit
from api.database.models.market import Need, Posting
from api.database.models.people import Expert, Worker, WorkerGroup
from api.database.models.records import AuditEntry, DatasetMeta, Notification
from api.database.models.runs import (
    Assignment,
    AssignmentState,
    Decision,
    MatchRun,
    RunState,
)

__all__ = [
    "ROLE_LABELS",
    "Assignment",
    "AssignmentState",
    "AuditEntry",
    "County",
    "DatasetMeta",
    "Decision",
    "Expert",
    "MatchRun",
    "Need",
    "Notification",
    "PartnerCity",
    "Placement",
    "Posting",
    "Prefecture",
    "Role",
    "RunState",
    "Township",
    "User",
    "Village",
    "Visit",
    "Worker",
    "WorkerGroup",
]
