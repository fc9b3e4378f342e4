"""Routes of the experts domain (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.common import ERROR_RESPONSES, Limit, Offset, Page, sort_query
from api.deps import PrincipalDep, SessionDep
from api.experts import service
from api.experts.queries import SORTABLE
from api.experts.schemas import ExpertCreate, ExpertFilters, ExpertOut, ExpertUpdate
from api.vocabulary import VocabularyDep

SortBy = Annotated[str | None, sort_query(SORTABLE)]

router = APIRouter(prefix="/experts", tags=["experts"], responses=ERROR_RESPONSES)


@router.get(
    "",
    response_model=Page[ExpertOut],
    summary="Experts: all (province), serving one's county (county), oneself (expert)",
)
def list_experts(
    principal: PrincipalDep,
    session: SessionDep,
    filters: Annotated[ExpertFilters, Query()],
    sort: SortBy = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ExpertOut]:
    return service.list_experts(session, principal, filters, (sort, limit, offset))


@router.post(
    "", response_model=ExpertOut, status_code=201, summary="Add an expert (province office)"
)
def create_expert(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, data: ExpertCreate
) -> ExpertOut:
    return service.create_expert(session, principal, vocab, data)


@router.get("/{expert_id}", response_model=ExpertOut, summary="One expert")
def get_expert(principal: PrincipalDep, session: SessionDep, expert_id: str) -> ExpertOut:
    return service.get_expert(session, principal, expert_id)


@router.patch(
    "/{expert_id}",
    response_model=ExpertOut,
    summary="Change an expert (an expert: a few fields of their own profile)",
)
def update_expert(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    expert_id: str,
    data: ExpertUpdate,
) -> ExpertOut:
    return service.update_expert(session, principal, vocab, expert_id, data)


@router.delete(
    "/{expert_id}",
    response_model=ExpertOut,
    summary="Close an expert (kept as history; no longer matched)",
)
def close_expert(principal: PrincipalDep, session: SessionDep, expert_id: str) -> ExpertOut:
    return service.close_expert(session, principal, expert_id)
