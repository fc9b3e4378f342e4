"""Routes of the needs domain (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.common import ERROR_RESPONSES, Limit, Offset, Page, sort_query
from api.deps import PrincipalDep, SessionDep
from api.needs import service
from api.needs.queries import SORTABLE
from api.needs.schemas import NeedCreate, NeedFilters, NeedOut, NeedUpdate
from api.vocabulary import VocabularyDep

SortBy = Annotated[str | None, sort_query(SORTABLE)]

router = APIRouter(prefix="/needs", tags=["needs"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[NeedOut], summary="Village needs in one's scope")
def list_needs(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    filters: Annotated[NeedFilters, Query()],
    sort: SortBy = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[NeedOut]:
    return service.list_needs(session, principal, vocab, filters, (sort, limit, offset))


@router.post("", response_model=NeedOut, status_code=201, summary="Record a village need")
def create_need(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, data: NeedCreate
) -> NeedOut:
    return service.create_need(session, principal, vocab, data)


@router.get("/{need_id}", response_model=NeedOut, summary="One need")
def get_need(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, need_id: str
) -> NeedOut:
    return service.get_need(session, principal, vocab, need_id)


@router.patch("/{need_id}", response_model=NeedOut, summary="Change a need")
def update_need(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    need_id: str,
    data: NeedUpdate,
) -> NeedOut:
    return service.update_need(session, principal, vocab, need_id, data)


@router.delete("/{need_id}", response_model=NeedOut, summary="Close a need (kept as history)")
def close_need(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, need_id: str
) -> NeedOut:
    return service.close_need(session, principal, vocab, need_id)
