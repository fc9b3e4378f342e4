"""The partner city uploads a CSV or XLSX file of postings (the service of
`POST /postings/upload`): a file with bad rows is shown again with a table naming each bad
row and field in Chinese, and nothing is stored; a good one says how many postings were
created, updated or left unchanged. The template is downloaded from the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from api.database.models import Role
from api.deps import SessionDep
from api.errors import RowsInvalidError
from api.pages import city_text
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role
from api.postings import service
from api.postings.upload import COLUMNS, HEADER_LINE, MAX_BYTES
from api.vocabulary import VocabularyDep
from matching.errors import InvalidInputError

router = page_router(prefix="/app/city")
PAGE = "city/upload.html"
ACTIONS = {"created": "新建", "updated": "更新", "unchanged": "未变"}


@dataclass(frozen=True)
class Problem:
    """One bad row and field, for people."""

    row: int
    field: str
    field_label: str
    message: str

    @property
    def row_label(self) -> str:
        return "表头" if self.row == HEADER_LINE else f"第 {self.row} 行"


def problems_of(error: RowsInvalidError) -> list[Problem]:
    return [
        Problem(
            int(p["row"]),
            str(p["field"]),
            city_text.label(str(p["field"])),
            city_text.row_message(str(p["field"]), str(p["message"])),
        )
        for p in error.problems
    ]


def _page(request: Request, status_code: int = 200, **shown: object) -> HTMLResponse:
    context = {"columns": COLUMNS, "actions": ACTIONS, "max_mb": MAX_BYTES // (1024 * 1024)}
    return render(request, PAGE, {**context, **shown}, status_code)


@router.get("/upload")
def upload_page(request: Request, principal: PagePrincipal) -> HTMLResponse:
    require_role(principal, Role.CITY)
    return _page(request)


@router.post("/upload")
def upload(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    require_role(principal, Role.CITY)
    name = (file.filename or "") if file is not None else ""
    content = file.file.read(MAX_BYTES + 1) if file is not None else b""
    if not name and not content:
        return _page(request, 422, file_error=city_text.rule("file"))
    try:
        result = service.upload_postings(session, principal, vocab, (content, name), None)
    except RowsInvalidError as error:
        problems = problems_of(error)
        bad_rows = len({p.row for p in problems})
        return _page(request, 422, filename=name, problems=problems, bad_rows=bad_rows)
    except InvalidInputError as error:
        return _page(request, 422, filename=name, file_error=city_text.file_message(str(error)))
    return _page(request, filename=name, result=result)


@router.get("/upload/template")
def template(principal: PagePrincipal, format: Literal["csv", "xlsx"] = "csv") -> Response:
    require_role(principal, Role.CITY)
    content, media_type = service.upload_template(principal, format)
    disposition = f'attachment; filename="postings-template.{format}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})
