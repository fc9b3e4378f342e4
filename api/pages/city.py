"""The partner city's pages: my postings (this module), the posting form
(`city_postings`), the file upload (`city_upload`) and the candidates with their hires
(`city_candidates`); each module has its router in `routes.ROUTERS`.

Every page calls the same service and query functions as the JSON routes, with the
caller's Principal: a city sees and changes its own postings and candidates only (another
city's is a 404, as in the API). The pages are the partner city's: other roles get 403.
"""

from __future__ import annotations

from math import ceil
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.assignments.queries import candidate_counts
from api.database.models import PartnerCity, Role
from api.deps import SessionDep
from api.pages.render import render
from api.pages.session import PagePrincipal, page_router
from api.policy import require_role
from api.postings import service
from api.postings.queries import visible_periods
from api.postings.schemas import PostingFilters
from api.vocabulary import POSTING_STATUS, VocabularyDep
from matching.errors import InvalidInputError

router = page_router(prefix="/app/city")
PER_PAGE = 20
Text = Annotated[str, Query(max_length=32)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


@router.get("/")
def postings(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    status: Text = "",
    period: Text = "",
    industry_code: Text = "",
    page: PageNumber = 1,
) -> HTMLResponse:
    """My postings, newest first, with filters (status, quarter, industry) and pages."""
    require_role(principal, Role.CITY)
    try:
        filters = PostingFilters(
            status=status or None,  # type: ignore[arg-type]  # checked by the model
            period=period or None,
            industry_code=industry_code or None,
        )
    except ValidationError as error:
        raise InvalidInputError("筛选条件有误。", item="status") from error
    found = service.list_postings(
        session, principal, vocab, filters, ("-posting_id", PER_PAGE, (page - 1) * PER_PAGE)
    )
    counts = {c.posting_id: c for c in candidate_counts(session, principal)}
    chosen = {"status": status, "period": period, "industry_code": industry_code}
    query = urlencode({k: v for k, v in chosen.items() if v})
    context = {
        "city": session.get(PartnerCity, principal.city_code),
        "postings": found.items,
        "total": found.total,
        "page": page,
        "pages": max(1, ceil(found.total / PER_PAGE)),
        "filtered": any(chosen.values()),
        "chosen": chosen,
        "query": query,
        "counts": counts,
        "statuses": list(POSTING_STATUS.items()),
        "periods": visible_periods(session, principal),
        "industries": [(c, vocab.industry_label(c)) for c in sorted(vocab.job_industries)],
    }
    return render(request, "city/index.html", context)
