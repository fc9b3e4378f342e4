"""Rows to response shapes. Each view loads what it shows for a whole page in one query
per table, never one query per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import Session

from api.assignments import queries
from api.assignments.labels import MARKET_LABELS, code_label, labelled_codes, state_label
from api.assignments.schemas import (
    AssignmentOut,
    CandidateOut,
    CodeLabel,
    ExpertAssignmentOut,
    GroupBrief,
    NeedBrief,
    PlacementOut,
    VillageBrief,
)
from api.common import Page, read_page
from api.database.models import (
    Assignment,
    Placement,
    Posting,
    Worker,
)
from api.policy import SHOWN_TO_PEOPLE, Principal, visible
from matching.explain import LABELS


def placement_id_for(assignment_id: int) -> str:
    """A confirmed hire's placement id: one per assignment, never clashing with the data
    set's own `PL000001`-style ids."""
    return f"PLA{assignment_id:07d}"


def labelled(explanation: dict[str, object] | None) -> dict[str, object] | None:
    """The stored explanation, every term carrying its Chinese label (filled in when a
    term was stored with its key only)."""
    if explanation is None:
        return None
    terms = explanation.get("terms")
    if not isinstance(terms, list):
        return explanation
    filled = [
        {**t, "label": t.get("label") or LABELS.get(str(t.get("key")), str(t.get("key")))}
        if isinstance(t, dict)
        else t
        for t in terms
    ]
    return {**explanation, "terms": filled}


def assignment_out(row: Assignment) -> AssignmentOut:
    return AssignmentOut.model_validate(
        {
            **{
                name: getattr(row, name)
                for name in AssignmentOut.model_fields
                if hasattr(row, name)
            },
            "market_label": MARKET_LABELS.get(row.market, row.market),
            "state_label": state_label(row.state),
            "explanation": labelled(row.explanation),
        }
    )


def expert_views(session: Session, rows: Sequence[Assignment]) -> list[ExpertAssignmentOut]:
    """The expert's views of assignments just changed (an answer; flushed), read back as
    a list reads them."""
    ids = [row.id for row in rows]
    found = {view.id: view for view in session.execute(queries.expert_views_by_id(ids))}
    return [_expert_view(found[row_id]) for row_id in ids]


def expert_page(
    database: Session | Connection,
    principal: Principal,
    filters: queries.ExpertFilters,
    limit: int,
    offset: int,
) -> Page[ExpertAssignmentOut]:
    """A page of the expert's own assignments (`GET /me/assignments`)."""
    query, parameters = queries.expert_page(principal, filters)
    rows, total = read_page(database, query, parameters, limit, offset)
    return Page(items=expert_views_of(rows), total=total, limit=limit, offset=offset)


def expert_views_of(rows: Sequence[Row[Any]]) -> list[ExpertAssignmentOut]:
    """Views of rows of `queries.EXPERT_VIEW_COLUMNS`, as `expert_assignments` gives them."""
    return [_expert_view(row) for row in rows]


def _expert_view(row: Row[Any]) -> ExpertAssignmentOut:
    return ExpertAssignmentOut(
        id=row.id,
        run_id=row.run_id,
        state=row.state,
        state_label=state_label(row.state),
        days=row.days,
        need=NeedBrief(
            need_id=row.need_id,
            period=row.period,
            industry=CodeLabel(code=row.industry_code, label=code_label(row.industry_code)),
            skills=[CodeLabel(**c) for c in labelled_codes(row.skill_codes)],
            days_needed=row.days_needed,
            urgency=row.urgency,
            description_zh=row.description_zh,
        ),
        village=VillageBrief(
            village_id=row.village_id,
            name_zh=row.village_name_zh,
            county_code=row.county_code,
            county_name_zh=row.county_name_zh,
            deep_poverty=row.deep_poverty,
            deep_poverty_label="深度贫困村" if row.deep_poverty else "非深度贫困村",
        ),
        explanation=labelled(row.explanation),
        reason=row.reason,
        decided_at=row.decided_at,
        published_at=row.published_at,
    )


def candidate_views(
    session: Session, principal: Principal, rows: Sequence[Assignment]
) -> list[CandidateOut]:
    workers = {
        w.worker_id: w
        for w in session.scalars(
            select(Worker).where(Worker.worker_id.in_({r.worker_id for r in rows}))
        )
    }
    postings = {
        p.posting_id: p
        for p in session.scalars(
            select(Posting).where(Posting.posting_id.in_({r.posting_id for r in rows}))
        )
    }
    placement_ids = [placement_id_for(r.id) for r in rows]
    placements = {
        p.placement_id: p
        for p in session.scalars(select(Placement).where(Placement.placement_id.in_(placement_ids)))
    }
    groups = _group_members(session, principal, list(workers.values()), set(postings))
    return [
        _candidate_view(
            row,
            workers[str(row.worker_id)],
            postings[str(row.posting_id)],
            placements.get(placement_id_for(row.id)),
            groups,
        )
        for row in rows
    ]


GroupKey = tuple[str, str]  # (posting_id, group_id)


def _group_members(
    session: Session, principal: Principal, workers: list[Worker], posting_ids: set[str]
) -> dict[GroupKey, list[str]]:
    """For each group at each posting, the members the caller sees as candidates there."""
    group_ids = {w.group_id for w in workers if w.group_id}
    if not group_ids:
        return {}
    found = session.execute(
        select(Assignment.posting_id, Worker.group_id, Worker.worker_id)
        .join(Worker, Worker.worker_id == Assignment.worker_id)
        .where(
            visible(principal, Assignment),
            Assignment.market == "labour",
            Assignment.state.in_(SHOWN_TO_PEOPLE),
            Assignment.posting_id.in_(posting_ids),
            Worker.group_id.in_(group_ids),
        )
    ).all()
    members: defaultdict[GroupKey, set[str]] = defaultdict(set)
    for posting_id, group_id, worker_id in found:
        members[(str(posting_id), str(group_id))].add(worker_id)
    return {key: sorted(ids) for key, ids in members.items()}


def _candidate_view(
    row: Assignment,
    worker: Worker,
    posting: Posting,
    placement: Placement | None,
    groups: dict[GroupKey, list[str]],
) -> CandidateOut:
    group = None
    if worker.group_id:
        members = groups.get((posting.posting_id, worker.group_id), [worker.worker_id])
        group = GroupBrief(group_id=worker.group_id, members=members)
    return CandidateOut(
        assignment_id=row.id,
        posting_id=posting.posting_id,
        posting_title_zh=posting.title_zh,
        state=row.state,  # type: ignore[arg-type]  # the query admits only shown states
        state_label=state_label(row.state),
        worker_id=worker.worker_id,
        display_name=f"候选人 {worker.worker_id}",
        age=worker.age,
        education=worker.education,
        skills=[CodeLabel(**c) for c in labelled_codes(worker.skill_codes)],
        certificates=[CodeLabel(**c) for c in labelled_codes(worker.certificate_codes)],
        group=group,
        placement=None
        if placement is None
        else PlacementOut(
            placement_id=placement.placement_id,
            start_date=placement.start_date,
            with_group=placement.with_group,
        ),
        reason=row.reason,
        decided_at=row.decided_at,
        published_at=row.published_at,
    )
