"""Routes of the postings domain (HTTP only: parse, call the service, shape the answer)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, UploadFile

from api.common import ERROR_RESPONSES, Limit, Offset, Page, sort_query
from api.deps import PrincipalDep, SessionDep
from api.postings import service
from api.postings.queries import SORTABLE
from api.postings.schemas import (
    PostingCreate,
    PostingFilters,
    PostingOut,
    PostingUpdate,
    UploadResult,
)
from api.postings.upload import MAX_BYTES
from api.vocabulary import VocabularyDep

SortBy = Annotated[str | None, sort_query(SORTABLE)]

router = APIRouter(prefix="/postings", tags=["postings"], responses=ERROR_RESPONSES)

CityQuery = Annotated[
    str | None, Query(description="the province office names the city; a city posts its own")
]


@router.get("", response_model=Page[PostingOut], summary="Job postings in one's scope")
def list_postings(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    filters: Annotated[PostingFilters, Query()],
    sort: SortBy = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[PostingOut]:
    return service.list_postings(session, principal, vocab, filters, (sort, limit, offset))


@router.post("", response_model=PostingOut, status_code=201, summary="Post a job opening")
def create_posting(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, data: PostingCreate
) -> PostingOut:
    return service.create_posting(session, principal, vocab, data)


@router.post(
    "/upload",
    response_model=UploadResult,
    summary="Upload postings from a CSV or XLSX file (upsert by the city's reference)",
    description=(
        "Every row is checked before anything is stored: a file with bad rows gets one 422 "
        "listing each bad row and field. Rows are matched to the city's postings by "
        "`city_reference`, so uploading the same file twice changes nothing. "
        "Columns: see `GET /postings/upload-template`."
    ),
)
def upload_postings(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    file: UploadFile,
    partner_city_code: CityQuery = None,
) -> UploadResult:
    content = file.file.read(MAX_BYTES + 1)
    return service.upload_postings(
        session, principal, vocab, (content, file.filename or ""), partner_city_code
    )


@router.get(
    "/upload-template",
    summary="The upload file to fill in (CSV or XLSX; headers 中文 + key)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, service.XLSX_TYPE: {}}}},
)
def upload_template(principal: PrincipalDep, format: Literal["csv", "xlsx"] = "csv") -> Response:
    content, media_type = service.upload_template(principal, format)
    disposition = f'attachment; filename="postings-template.{format}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/{posting_id}", response_model=PostingOut, summary="One posting")
def get_posting(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, posting_id: str
) -> PostingOut:
    return service.get_posting(session, principal, vocab, posting_id)


@router.patch("/{posting_id}", response_model=PostingOut, summary="Change a posting")
def update_posting(
    principal: PrincipalDep,
    session: SessionDep,
    vocab: VocabularyDep,
    posting_id: str,
    data: PostingUpdate,
) -> PostingOut:
    return service.update_posting(session, principal, vocab, posting_id, data)


@router.delete("/{posting_id}", response_model=PostingOut, summary="Close a posting")
def close_posting(
    principal: PrincipalDep, session: SessionDep, vocab: VocabularyDep, posting_id: str
) -> PostingOut:
    return service.close_posting(session, principal, vocab, posting_id)
