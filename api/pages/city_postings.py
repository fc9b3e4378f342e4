"""The partner city's posting form: create a posting, change one, close one.

The form is checked with the API's own schema (`PostingFields`, as `POST /postings` and
`PATCH /postings/{id}` read them); every bad field is shown beside its input in Chinese
(422). Saving calls the same service functions as the API, so a code the reference tables
do not know or a city reference already in use is refused the same way, and another
city's posting is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from api.assignments.labels import code_label
from api.database.models import Role
from api.deps import SessionDep
from api.errors import ConflictError
from api.pages import city_text
from api.pages.flash import flash
from api.pages.render import redirect, render
from api.pages.session import PagePrincipal, page_router
from api.policy import Principal, require_role
from api.postings import service
from api.postings.schemas import PostingCreate, PostingFields, PostingOut, PostingUpdate
from api.vocabulary import POSTING_STATUS, Vocabulary, VocabularyDep
from matching.data.reference import load_reference
from matching.errors import InvalidInputError

router = page_router(prefix="/app/city")
LIST = "/app/city/"
LIST_FIELDS = ("required_skill_codes", "required_certificate_codes", "earmarked_prefecture_codes")
FLAGS = ("housing", "meals")

Choice = tuple[str, str]  # (code, Chinese label)


@dataclass(frozen=True)
class Choices:
    """What the form's selects and check boxes offer."""

    industries: list[Choice]
    skills: list[tuple[str, list[Choice]]]  # by industry
    certificates: list[Choice]
    prefectures: list[Choice]
    statuses: list[Choice]


@lru_cache(maxsize=1)
def _reference_choices() -> tuple[list[Choice], list[Choice]]:
    ref = load_reference()
    certificates = ref.certificates
    prefectures = ref.prefectures
    return (
        [
            (str(code), str(name))
            for code, name in zip(
                certificates["certificate_code"], certificates["name_zh"], strict=True
            )
        ],
        [
            (str(code), str(name))
            for code, name in zip(
                prefectures["prefecture_code"], prefectures["name_zh"], strict=True
            )
        ],
    )


def choices(vocab: Vocabulary, selected_skills: list[str]) -> Choices:
    """The choices; skills grouped by job industry, plus any other the posting already has
    (so saving the form never drops one)."""
    industries = sorted(vocab.job_industries)
    skills = [
        (
            vocab.industry_label(industry),
            [
                (code, code_label(code))
                for code in sorted(vocab.skills)
                if code.startswith(f"{industry}-")
            ],
        )
        for industry in industries
    ]
    offered = {code for _, group in skills for code, _ in group}
    others = [(code, code_label(code)) for code in selected_skills if code not in offered]
    if others:
        skills.append(("其他", others))
    certificates, prefectures = _reference_choices()
    return Choices(
        industries=[(code, vocab.industry_label(code)) for code in industries],
        skills=skills,
        certificates=certificates,
        prefectures=prefectures,
        statuses=list(POSTING_STATUS.items()),
    )


class PostingForm(BaseModel):
    """The form as the browser sends it: text, ticked boxes and selected options."""

    city_reference: str = ""
    employer_id: str = ""
    employer_name_zh: str = ""
    title_zh: str = ""
    industry_code: str = ""
    positions: str = ""
    wage_yuan_month: str = ""
    required_skill_codes: list[str] = []
    required_certificate_codes: list[str] = []
    min_age: str = ""
    max_age: str = ""
    housing: str = ""
    meals: str = ""
    earmarked_prefecture_codes: list[str] = []
    period: str = ""
    status: str = "open"
    description_zh: str = ""

    def values(self) -> dict[str, Any]:
        """The posting's fields; an empty text is left out (its default, or 'required')."""
        values: dict[str, Any] = {}
        for name, value in self.model_dump().items():
            if name in FLAGS:
                values[name] = value == "1"
            elif name in LIST_FIELDS:
                values[name] = [code for code in value if code]
            elif name == "description_zh" or value.strip():
                values[name] = value.strip()
        return values


FormData = Annotated[PostingForm, Form()]


def form_of(posting: PostingOut) -> PostingForm:
    shown = {name: getattr(posting, name) for name in PostingForm.model_fields}
    for name in FLAGS:
        shown[name] = "1" if shown[name] else ""
    for name, value in shown.items():
        if name not in LIST_FIELDS:
            shown[name] = "" if value is None else str(value)
    return PostingForm.model_validate(shown)


def field_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else "form"
        errors.setdefault(field, city_text.form_message(field, problem))
    return errors


def _service_errors(error: InvalidInputError | ConflictError) -> dict[str, str]:
    """A refusal of the service, beside the field it names."""
    if isinstance(error, ConflictError):
        return {"city_reference": "本市已有岗位使用这个岗位编号，请换一个编号，或修改那个岗位。"}
    field = error.item or "form"
    if "unknown code" in str(error):
        return {field: city_text.row_message(field, str(error))}
    return {field: city_text.rule(field)}


def _form_page(
    request: Request,
    vocab: Vocabulary,
    form: PostingForm,
    errors: dict[str, str],
    posting: PostingOut | None = None,
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "posting": posting,
        "choices": choices(vocab, form.required_skill_codes),
        "labels": city_text.LABELS,
    }
    return render(request, "city/posting_form.html", context, 422 if errors else 200)


def _require_city(principal: Principal) -> None:
    require_role(principal, Role.CITY)


@router.get("/postings/new")
def new_posting(request: Request, principal: PagePrincipal, vocab: VocabularyDep) -> HTMLResponse:
    _require_city(principal)
    return _form_page(request, vocab, PostingForm(), {})


@router.post("/postings")
def create_posting(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    form: FormData,
) -> Response:
    _require_city(principal)
    try:
        data = PostingCreate.model_validate(form.values())
    except ValidationError as error:
        return _form_page(request, vocab, form, field_errors(error))
    try:
        created = service.create_posting(session, principal, vocab, data)
    except (InvalidInputError, ConflictError) as error:
        return _form_page(request, vocab, form, _service_errors(error))
    response = redirect(request, LIST)
    flash(request, response, f"已新建岗位 {created.posting_id}（{created.title_zh}）。")
    return response


@router.get("/postings/{posting_id}/edit")
def edit_posting(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    posting_id: str,
) -> HTMLResponse:
    _require_city(principal)
    posting = service.get_posting(session, principal, vocab, posting_id)
    return _form_page(request, vocab, form_of(posting), {}, posting)


@router.post("/postings/{posting_id}")
def update_posting(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    posting_id: str,
    form: FormData,
) -> Response:
    _require_city(principal)
    posting = service.get_posting(session, principal, vocab, posting_id)  # 404 first
    try:
        fields = PostingFields.model_validate(form.values())
    except ValidationError as error:
        return _form_page(request, vocab, form, field_errors(error), posting)
    data = PostingUpdate.model_validate(fields.model_dump())
    try:
        saved = service.update_posting(session, principal, vocab, posting_id, data)
    except (InvalidInputError, ConflictError) as error:
        return _form_page(request, vocab, form, _service_errors(error), posting)
    response = redirect(request, LIST)
    flash(request, response, f"已保存岗位 {saved.posting_id}（{saved.title_zh}）。")
    return response


@router.post("/postings/{posting_id}/close")
def close_posting(
    request: Request,
    principal: PagePrincipal,
    session: SessionDep,
    vocab: VocabularyDep,
    posting_id: str,
) -> Response:
    _require_city(principal)
    closed = service.close_posting(session, principal, vocab, posting_id)
    response = redirect(request, LIST)
    flash(request, response, f"岗位 {closed.posting_id}（{closed.title_zh}）已关闭，不再参与匹配。")
    return response
