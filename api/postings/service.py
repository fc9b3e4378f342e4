"""Partner-city job postings: a city keeps its own, by form or by file; the province
office keeps all; county coordinators read the open ones. Every change is audited."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.audit import record, snapshot
from api.common import Page, join_codes, order_by, paginate, split_codes
from api.database.models import Posting, Role
from api.errors import ConflictError
from api.ids import flush_new, lock_table_numbers, next_id, next_ids
from api.policy import Principal, check_city_write, load_visible, require_role
from api.postings.queries import SORTABLE, by_reference, upsert_by_reference, visible_postings
from api.postings.schemas import (
    PostingCreate,
    PostingFields,
    PostingFilters,
    PostingOut,
    PostingUpdate,
    UploadAction,
    UploadedRow,
    UploadResult,
)
from api.postings.upload import (
    LIST_FIELDS,
    checked_rows,
    code_problems,
    earmark_problem,
    read_upload,
    template_csv,
    template_xlsx,
)
from api.vocabulary import POSTING_STATUS, Vocabulary
from matching.errors import InvalidInputError

READERS = (Role.PROVINCE, Role.COUNTY, Role.CITY)
WRITERS = (Role.PROVINCE, Role.CITY)
ID_PREFIX, ID_WIDTH = "P", 5
FIELDS = tuple(PostingFields.model_fields)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def posting_out(posting: Posting, vocab: Vocabulary) -> PostingOut:
    return PostingOut(
        **_fields(posting),
        posting_id=posting.posting_id,
        partner_city_code=posting.partner_city_code,
        partner_city_label=vocab.city_label(posting.partner_city_code),
        industry_label=vocab.industry_label(posting.industry_code),
        status_label=POSTING_STATUS.get(posting.status, posting.status),
    )


def _fields(posting: Posting) -> dict[str, Any]:
    """The posting as the API describes it (code lists as lists)."""
    values = {name: getattr(posting, name) for name in FIELDS}
    for name in LIST_FIELDS:
        values[name] = split_codes(values[name])
    return values


def _stored(posting: PostingFields) -> dict[str, Any]:
    """The columns as the table keeps them (code lists `;`-joined)."""
    values = posting.model_dump(include=set(FIELDS))
    for name in LIST_FIELDS:
        values[name] = join_codes(values[name])
    return values


def _check_codes(posting: PostingFields, vocab: Vocabulary, city: str) -> None:
    problems = code_problems(0, posting.model_dump(), vocab)
    if problems:
        raise InvalidInputError(problems[0]["message"], item=problems[0]["field"])
    earmark = earmark_problem(city, posting.earmarked_prefecture_codes, posting.period, vocab)
    if earmark is not None:
        field = "earmarked_prefecture_codes"
        raise InvalidInputError(f"{field}: {earmark}", item=field)


def target_city(principal: Principal, vocab: Vocabulary, requested: str | None) -> str:
    """Whose postings these are: a city's own; the province office names the city."""
    require_role(principal, *WRITERS)
    if principal.role is Role.CITY:
        city = requested or str(principal.city_code)
        check_city_write(principal, city)
        return city
    if requested is None:
        raise InvalidInputError(
            "partner_city_code: the province office names the partner city.",
            item="partner_city_code",
        )
    if requested not in vocab.cities:
        raise InvalidInputError(
            f"partner_city_code: unknown partner city {requested!r}.", item="partner_city_code"
        )
    return requested


def list_postings(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    filters: PostingFilters,
    page: tuple[str | None, int, int],
) -> Page[PostingOut]:
    require_role(principal, *READERS)
    sort, limit, offset = page
    query = order_by(visible_postings(principal, filters), Posting, sort, SORTABLE)
    postings, total = paginate(session, query, limit, offset)
    items = [posting_out(posting, vocab) for posting in postings]
    return Page(items=items, total=total, limit=limit, offset=offset)


def get_posting(
    session: Session, principal: Principal, vocab: Vocabulary, posting_id: str
) -> PostingOut:
    require_role(principal, *READERS)
    return posting_out(load_visible(session, principal, Posting, posting_id), vocab)


def _check_reference_free(session: Session, city: str, reference: str | None) -> None:
    if reference is not None and by_reference(session, city, [reference]):
        raise ConflictError(
            f"city_reference {reference!r} is already a posting of {city}; change that one."
        )


def create_posting(
    session: Session, principal: Principal, vocab: Vocabulary, data: PostingCreate
) -> PostingOut:
    city = target_city(principal, vocab, data.partner_city_code)
    _check_codes(data, vocab, city)
    _check_reference_free(session, city, data.city_reference)
    posting = Posting(
        posting_id=next_id(session, Posting.posting_id, ID_PREFIX, ID_WIDTH),
        partner_city_code=city,
        **_stored(data),
    )
    session.add(posting)
    flush_new(session, "posting")
    record(session, principal, "posting", posting.posting_id, "create", None, snapshot(posting))
    return posting_out(posting, vocab)


def _load_writable(session: Session, principal: Principal, posting_id: str) -> Posting:
    require_role(principal, *READERS)
    posting: Posting = load_visible(session, principal, Posting, posting_id)
    check_city_write(principal, posting.partner_city_code)
    return posting


def update_posting(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    posting_id: str,
    data: PostingUpdate,
) -> PostingOut:
    posting = _load_writable(session, principal, posting_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    try:
        merged = PostingFields.model_validate({**_fields(posting), **changes})
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "body"
        raise InvalidInputError(f"{field}: {first['msg']}", item=field) from error
    _check_codes(merged, vocab, posting.partner_city_code)
    if merged.city_reference != posting.city_reference:
        _check_reference_free(session, posting.partner_city_code, merged.city_reference)
    return _change(session, principal, vocab, posting, _stored(merged), "update")


def close_posting(
    session: Session, principal: Principal, vocab: Vocabulary, posting_id: str
) -> PostingOut:
    """Delete-as-close: the posting stays (placements refer to it), no longer matched."""
    posting = _load_writable(session, principal, posting_id)
    return _change(session, principal, vocab, posting, {"status": "closed"}, "close")


def _change(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    posting: Posting,
    values: dict[str, Any],
    action: str,
) -> PostingOut:
    before = snapshot(posting)
    for name, value in values.items():
        setattr(posting, name, value)
    session.flush()
    after = snapshot(posting)
    if after != before:
        record(session, principal, "posting", posting.posting_id, action, before, after)
    return posting_out(posting, vocab)


def upload_postings(
    session: Session,
    principal: Principal,
    vocab: Vocabulary,
    upload: tuple[bytes, str],
    requested_city: str | None,
) -> UploadResult:
    """Check a file (content, name) completely, then store its rows by the city's
    reference: new ones created, changed ones updated, the same ones left alone (a second
    upload of a file changes nothing).

    On PostgreSQL the upload holds the postings' id lock to its end, so concurrent uploads
    take turns: each sees what the earlier ones stored, counts exactly and numbers new
    postings apart. The upsert on (city, reference) is the database's own guarantee that a
    posting is stored once whatever the order.
    """
    city = target_city(principal, vocab, requested_city)
    rows = checked_rows(read_upload(*upload), vocab, city)
    lock_table_numbers(session, Posting.__tablename__)
    existing = by_reference(session, city, [row.city_reference for _, row in rows])
    fresh = sum(1 for _, row in rows if row.city_reference not in existing)
    new_ids = iter(next_ids(session, Posting.posting_id, ID_PREFIX, fresh, ID_WIDTH))
    written: list[dict[str, Any]] = []
    report: list[UploadedRow] = []
    for number, row in rows:
        current = existing.get(row.city_reference)
        posting_id = current.posting_id if current else next(new_ids)
        values = {**_stored(row), "posting_id": posting_id, "partner_city_code": city}
        before = snapshot(current) if current else None
        after = {**(before or {}), **values}
        action: UploadAction = (
            "created" if before is None else "unchanged" if after == before else "updated"
        )
        if action != "unchanged":
            written.append(values)
            record(session, principal, "posting", posting_id, f"upload_{action}", before, after)
        report.append(
            UploadedRow(
                row=number, city_reference=row.city_reference, posting_id=posting_id, action=action
            )
        )
    upsert_by_reference(session, written)
    # Commit here, in the route's own thread, so the id lock is released at once: were the
    # commit left to the end of the request, a burst of uploads could fill every server
    # thread waiting for the lock while its holder waits for a thread to answer (a
    # deadlock, seen with 50 concurrent uploads in one server process).
    session.commit()
    counts = {
        kind: sum(r.action == kind for r in report) for kind in ("created", "updated", "unchanged")
    }
    return UploadResult(partner_city_code=city, rows=len(rows), postings=report, **counts)


def upload_template(principal: Principal, kind: str) -> tuple[bytes, str]:
    """The empty file to fill in, and its media type."""
    require_role(principal, *WRITERS)
    if kind == "xlsx":
        return template_xlsx(), XLSX_TYPE
    return template_csv(), "text/csv; charset=utf-8"
