"""Routes of the workers domain (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.common import ERROR_RESPONSES, Limit, Offset, Page, sort_query
from api.deps import PrincipalDep, SessionDep
from api.vocabulary import VocabularyDep
from api.workers import service
from api.workers.queries import SORTABLE
from api.workers.schemas import WorkerCreate, WorkerFilters, WorkerOut, WorkerUpdate

SortBy = Annotated[str | None, sort_query(SORTABLE)]

router = APIRouter(prefix="/workers", tags=["workers"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[WorkerOut], summary="Workers (一人一档) of one's county")
def list_workers(
    principal: PrincipalDep,
    session: SessionDep,
    filters: Annotated[WorkerFilters, Query()],
    sort: SortBy = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[WorkerOut]:
    return service.list_workers(session, principal, filters, (sort, limit, offset))


@router.post("", response_model=WorkerOut, status_code=201, summary="Record a worker")
def create_worker(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, data: WorkerCreate
) -> WorkerOut:
    return service.create_worker(session, principal, vocab, data)


@router.get("/{worker_id}", response_model=WorkerOut, summary="One worker")
def get_worker(principal: PrincipalDep, session: SessionDep, worker_id: str) -> WorkerOut:
    return service.get_worker(session, principal, worker_id)


@router.patch("/{worker_id}", response_model=WorkerOut, summary="Change a worker")
def update_worker(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    worker_id: str,
    data: WorkerUpdate,
) -> WorkerOut:
    return service.update_worker(session, principal, vocab, worker_id, data)


@router.delete(
    "/{worker_id}", response_model=WorkerOut, summary="Close a worker's record (kept as history)"
)
def close_worker(principal: PrincipalDep, session: SessionDep, worker_id: str) -> WorkerOut:
    return service.close_worker(session, principal, worker_id)
