"""The partner city's pages through the test client: my postings (filters, pages), the
posting form with its errors beside the fields, the file upload with its bad rows named in
Chinese, and the candidates with confirm and reject — on the same rules as the API."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from api.database.models import Placement, Posting, Village, Worker
from api.postings.upload import COLUMNS

from . import factories as make

Headers = dict[str, str]
PageLogin = Callable[[str], Headers]
HEADER = ",".join(c.header for c in COLUMNS)
# A good row; `{ref}`, `{title}` and `{wage}` are filled in per test.
ROW = (
    "{ref},,广州测试服饰有限公司,{title},GARM,3,{wage},GARM-02,,18,45,是,否,bijie,2026Q2,open,测试"
)


def h1(html: str) -> str:
    found = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(found) == 1, found
    return re.sub(r"<[^>]+>", "", found[0]).strip()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def count_postings(database_url: str, city: str) -> int:
    with make.writing(database_url) as session:
        query = select(func.count()).select_from(Posting)
        return int(session.scalar(query.where(Posting.partner_city_code == city)) or 0)


def test_my_postings_are_listed_newest_first_with_filters_and_pages(
    client: TestClient, page_login: PageLogin, database_url: str
) -> None:
    city = page_login("city")
    total = count_postings(database_url, "guangzhou")
    page = client.get("/app/city/", headers=city)
    assert page.status_code == 200
    assert h1(page.text) == "我的岗位：广州市"
    assert f"共有岗位 {total} 个" in text_of(page.text)
    ids = re.findall(r'<tr id="posting-(P\d+)"', page.text)
    assert len(ids) == 20 and ids == sorted(ids, reverse=True)
    pages = -(-total // 20)  # 20 a page
    assert pages >= 3 and f"第 1 / {pages} 页" in page.text and "foshan" not in page.text
    last = client.get(f"/app/city/?page={pages}", headers=city)
    assert len(re.findall(r'<tr id="posting-', last.text)) == total - 20 * (pages - 1)
    with make.writing(database_url) as session:
        wanted = session.scalars(
            select(Posting.posting_id).where(
                Posting.partner_city_code == "guangzhou",
                Posting.status == "open",
                Posting.period == "2026Q1",
                Posting.industry_code == "GARM",
            )
        ).all()
    filtered = client.get("/app/city/?status=open&period=2026Q1&industry_code=GARM", headers=city)
    assert set(re.findall(r'<tr id="posting-(P\d+)"', filtered.text)) == set(wanted)
    assert f"符合条件的岗位 {len(wanted)} 个" in text_of(filtered.text)
    assert '<option value="2026Q1" selected>2026年第一季度</option>' in filtered.text
    refused = client.get("/app/city/?status=nonsense", headers=city)
    assert (refused.status_code, h1(refused.text)) == (422, "提交的内容有误")


GOOD_FORM = {
    "title_zh": "缝纫工",
    "employer_name_zh": "广州测试服饰有限公司",
    "industry_code": "GARM",
    "positions": "4",
    "wage_yuan_month": "5800",
    "period": "2026Q2",
    "status": "open",
    "required_skill_codes": ["GARM-01", "GARM-02"],
    "earmarked_prefecture_codes": ["bijie"],
    "housing": "1",
}


def test_a_posting_form_shows_each_bad_field_beside_it_then_saves(
    client: TestClient, browse_as: PageLogin, database_url: str
) -> None:
    csrf = browse_as("city")
    form = client.get("/app/city/postings/new")
    assert form.status_code == 200 and h1(form.text) == "新建岗位"
    assert '<label for="wage_yuan_month">' in form.text
    bad = {**GOOD_FORM, "title_zh": "", "wage_yuan_month": "五千", "max_age": "15"}
    answer = client.post("/app/city/postings", data=bad, headers=csrf)
    assert answer.status_code == 422
    assert 'id="title_zh-error">请填写岗位名称（必填）。' in answer.text
    assert 'id="wage_yuan_month-error">月薪须为 1 到 200000 之间的整数（元/月）。' in answer.text
    assert 'id="max_age-error">最高年龄须为 16 到 60' in answer.text
    assert "有 3 项需要修改" in answer.text
    assert 'value="五千"' in answer.text  # what was typed is kept
    assert '<option value="GARM-02" selected>' in answer.text
    before = count_postings(database_url, "guangzhou")
    unknown = client.post(
        "/app/city/postings",
        data={**GOOD_FORM, "required_skill_codes": ["NOPE-1"]},
        headers=csrf,
    )
    assert unknown.status_code == 422
    assert "技能要求中有未知代码：NOPE-1" in unknown.text
    saved = client.post("/app/city/postings", data=GOOD_FORM, headers=csrf)
    assert saved.status_code == 200 and urlsplit(str(saved.url)).path == "/app/city/"
    created = re.search(r"已新建岗位 (P\d+)（缝纫工）", saved.text)
    assert created, saved.text
    assert count_postings(database_url, "guangzhou") == before + 1
    with make.writing(database_url) as session:
        posting = session.get(Posting, created.group(1))
        assert posting is not None
        assert (posting.required_skill_codes, posting.housing, posting.meals) == (
            "GARM-01;GARM-02",
            True,
            False,
        )
    # A city reference is the city's own: a second posting cannot take it.
    referenced = {**GOOD_FORM, "city_reference": "SH-T-1"}
    assert client.post("/app/city/postings", data=referenced, headers=csrf).status_code == 200
    taken = client.post("/app/city/postings", data=referenced, headers=csrf)
    assert taken.status_code == 422
    assert 'id="city_reference-error">本市已有岗位使用这个岗位编号' in taken.text


def test_a_posting_is_edited_and_closed_by_its_city_only(
    client: TestClient, browse_as: PageLogin, page_login: PageLogin, database_url: str
) -> None:
    with make.writing(database_url) as session:
        posting = make.open_postings(session, city="guangzhou")[0]
        posting_id, title = posting.posting_id, posting.title_zh
    other = page_login("city-other")
    for method, path in (
        ("GET", f"/app/city/postings/{posting_id}/edit"),
        ("POST", f"/app/city/postings/{posting_id}"),
        ("POST", f"/app/city/postings/{posting_id}/close"),
    ):
        answer = client.request(method, path, data=GOOD_FORM, headers=other)
        assert (answer.status_code, h1(answer.text)) == (404, "找不到页面"), path
    csrf = browse_as("city")
    form = client.get(f"/app/city/postings/{posting_id}/edit")
    assert h1(form.text) == f"修改岗位 {posting_id}"
    assert f'value="{title}"' in form.text
    values = {
        name: re.search(rf'name="{name}" type="[a-z]+" value="([^"]*)"', form.text).group(1)  # type: ignore[union-attr]
        for name in ("title_zh", "employer_name_zh", "positions", "period", "min_age", "max_age")
    }
    changed = {**values, "industry_code": "GARM", "wage_yuan_month": "6100", "status": "open"}
    refused = client.post(
        f"/app/city/postings/{posting_id}", data={**changed, "period": "2026年"}, headers=csrf
    )
    assert (
        refused.status_code == 422 and 'id="period-error">招聘季度的格式如 2026Q1' in refused.text
    )
    saved = client.post(f"/app/city/postings/{posting_id}", data=changed, headers=csrf)
    assert f"已保存岗位 {posting_id}" in saved.text
    closed = client.post(f"/app/city/postings/{posting_id}/close", headers=csrf)
    assert "已关闭，不再参与匹配" in closed.text
    with make.writing(database_url) as session:
        stored = session.get(Posting, posting_id)
        assert stored is not None
        assert (stored.wage_yuan_month, stored.industry_code, stored.status) == (
            6100,
            "GARM",
            "closed",
        )


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8-sig")


def test_an_upload_with_bad_rows_names_each_row_and_field_in_chinese_and_stores_nothing(
    client: TestClient, browse_as: PageLogin, database_url: str
) -> None:
    csrf = browse_as("city")
    bad = _csv(
        ROW.format(ref="SH-U-1", title="横机工", wage="5600"),
        ROW.format(ref="SH-U-2", title="车位工", wage="五千"),
        ROW.format(ref="SH-U-3", title="", wage="5200"),
        ROW.format(ref="SH-U-1", title="整烫工", wage="5000"),
        ROW.format(ref="SH-U-4", title="包装工", wage="5000").replace("GARM-02", "NOPE-7"),
    )
    before = count_postings(database_url, "guangzhou")
    answer = client.post(
        "/app/city/upload", files={"file": ("岗位.csv", bad, "text/csv")}, headers=csrf
    )
    assert answer.status_code == 422
    shown = text_of(answer.text)
    assert "岗位.csv：4 行有误，没有保存任何岗位" in shown
    rows = re.findall(r"<tr><td>(第 \d+ 行)</td><td>(\S+) ", answer.text)
    assert rows == [
        ("第 3 行", "月薪"),
        ("第 4 行", "岗位名称"),
        ("第 5 行", "岗位编号"),
        ("第 6 行", "技能要求"),
    ]
    assert "月薪须为 1 到 200000 之间的整数（元/月）。" in shown
    assert "请填写岗位名称（必填）。" in shown
    assert "技能要求中有未知代码：NOPE-7。" in shown
    assert "岗位编号与第 2 行重复" in shown
    assert count_postings(database_url, "guangzhou") == before

    good = _csv(
        ROW.format(ref="SH-U-1", title="横机工", wage="5600"),
        ROW.format(ref="SH-U-2", title="车位工", wage="5000"),
    )
    stored = client.post(
        "/app/city/upload", files={"file": ("岗位.csv", good, "text/csv")}, headers=csrf
    )
    assert stored.status_code == 200
    assert "共 2 行：新建 2 个岗位，更新 0 个，未变 0 个。" in stored.text
    assert count_postings(database_url, "guangzhou") == before + 2
    again = client.post(
        "/app/city/upload", files={"file": ("岗位.csv", good, "text/csv")}, headers=csrf
    )
    assert "共 2 行：新建 0 个岗位，更新 0 个，未变 2 个。" in again.text


def test_an_unreadable_or_missing_file_is_told_beside_the_file_field(
    client: TestClient, browse_as: PageLogin
) -> None:
    csrf = browse_as("city")
    cases = {
        ("岗位.xlsx", b"PK\x03\x04 not a workbook"): "无法读取这个 XLSX 文件",
        ("岗位.csv", "表头".encode("gbk")): "文件不是 UTF-8 编码",
        ("岗位.csv", HEADER.encode()): "文件只有表头，没有岗位行",
        ("岗位.csv", b"a,b\n1,2\n"): "表头有模板里没有的列",
    }
    for (name, content), message in cases.items():
        answer = client.post("/app/city/upload", files={"file": (name, content)}, headers=csrf)
        assert answer.status_code == 422, name
        assert message in answer.text, (name, text_of(answer.text))
        assert 'aria-describedby="file-error"' in answer.text
    empty = client.post("/app/city/upload", data={}, headers=csrf)
    assert empty.status_code == 422
    assert 'id="file-error">请选择要上传的文件' in empty.text


def test_the_templates_are_downloaded_from_the_upload_page(
    client: TestClient, browse_as: PageLogin
) -> None:
    browse_as("city")
    page = client.get("/app/city/upload")
    assert h1(page.text) == "上传岗位文件"
    for kind in ("csv", "xlsx"):
        assert f'href="/app/city/upload/template?format={kind}"' in page.text
    csv_file = client.get("/app/city/upload/template?format=csv")
    assert csv_file.headers["content-disposition"].endswith('filename="postings-template.csv"')
    assert csv_file.content.decode("utf-8-sig").strip() == HEADER
    xlsx = client.get("/app/city/upload/template?format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER.split(",")


@dataclass(frozen=True)
class Hiring:
    posting: str
    second_posting: str
    candidates: list[int]  # guangzhou's, at `posting`
    at_second: int  # guangzhou's, at `second_posting`
    foshan: int
    workers: list[str]


@pytest.fixture
def hiring(database_url: str) -> Hiring:
    with make.writing(database_url) as session:
        run = make.match_run(session, market="labour")
        posting, second = make.open_postings(session, city="guangzhou", count=2)
        foshan = make.open_postings(session, city="foshan")[0]
        loners = [
            w for w in make.workers_of(session, county="congjiang", count=20) if not w.group_id
        ]

        def place(worker: Worker, at: Posting) -> int:
            return make.labour_assignment(session, run=run, worker=worker, posting=at).id

        return Hiring(
            posting=posting.posting_id,
            second_posting=second.posting_id,
            candidates=[place(w, posting) for w in loners[:3]],
            at_second=place(loners[0], second),
            foshan=place(loners[3], foshan),
            workers=[w.worker_id for w in loners[:4]],
        )


def test_candidates_show_what_hiring_needs_and_nothing_protected(
    client: TestClient, page_login: PageLogin, hiring: Hiring, database_url: str
) -> None:
    page = client.get("/app/city/candidates", headers=page_login("city"))
    assert page.status_code == 200 and h1(page.text) == "候选人"
    shown = [int(i) for i in re.findall(r'id="candidate-(\d+)"', page.text)]
    assert shown == sorted([*hiring.candidates, hiring.at_second])
    assert "4</strong> 人待确认" in page.text
    assert f"候选人 {hiring.workers[0]}" in page.text and "岁" in page.text
    for protected in ("建档立卡", "男", "女", "民族", "预测六个月留岗率"):
        assert protected not in text_of(page.text), protected
    with make.writing(database_url) as session:
        for worker_id in hiring.workers[:3]:
            worker = session.get(Worker, worker_id)
            assert worker is not None
            village = session.get(Village, worker.village_id)
            assert village is not None
            for secret in (village.village_id, village.name_zh, "从江"):
                assert secret not in page.text
    one = client.get(
        f"/app/city/candidates?posting_id={hiring.posting}", headers=page_login("city")
    )
    assert len(re.findall(r'id="candidate-\d+"', one.text)) == 3
    assert f"岗位 {hiring.posting} 有候选人 3 人" in text_of(one.text)
    other = page_login("city-other")
    refused = client.get(f"/app/city/candidates?posting_id={hiring.posting}", headers=other)
    assert refused.status_code == 404
    theirs = client.get("/app/city/candidates", headers=other)
    assert re.findall(r'id="candidate-(\d+)"', theirs.text) == [str(hiring.foshan)]


def test_a_hire_is_confirmed_with_a_start_date_or_rejected_with_a_reason(
    client: TestClient,
    browse_as: PageLogin,
    page_login: PageLogin,
    hiring: Hiring,
    database_url: str,
) -> None:
    first, second, _ = hiring.candidates
    for action, data in (
        ("confirm", {"start_date": "2026-03-02"}),
        ("reject", {"reason": "不合适"}),
    ):
        answer = client.post(
            f"/app/city/candidates/{hiring.foshan}/{action}",
            data=data,
            headers=page_login("city"),
        )
        assert answer.status_code == 404, action
    csrf = browse_as("city")
    back = f"/app/city/candidates?posting_id={hiring.posting}"
    for date in ("", "2026-02-30", "下周一"):
        refused = client.post(
            f"/app/city/candidates/{first}/confirm", data={"start_date": date}, headers=csrf
        )
        assert refused.status_code == 422
        assert f'id="start-{first}-error">请填写上岗日期（如 2026-03-02）。' in refused.text
        assert 'aria-invalid="true"' in refused.text
    confirmed = client.post(
        f"/app/city/candidates/{first}/confirm",
        data={"start_date": "2026-03-02", "back": back},
        headers=csrf,
    )
    assert confirmed.status_code == 200
    assert str(confirmed.url).endswith(f"{back}#candidate-{first}")
    assert "已确认录用 候选人" in confirmed.text and "上岗日期 2026年3月2日" in confirmed.text
    card = confirmed.text.split(f'id="candidate-{first}"')[1].split("</article>")[0]
    assert ">已录用<" in card and "2026年3月2日" in card and "确认录用" not in card

    empty = client.post(f"/app/city/candidates/{second}/reject", data={"reason": " "}, headers=csrf)
    assert empty.status_code == 422
    assert f'id="reason-{second}-error">请填写不录用的理由' in empty.text
    rejected = client.post(
        f"/app/city/candidates/{second}/reject", data={"reason": "没有电工证"}, headers=csrf
    )
    assert "未录用" in rejected.text
    card = rejected.text.split(f'id="candidate-{second}"')[1].split("</article>")[0]
    assert ">未录用<" in card and "没有电工证" in card

    again = client.post(f"/app/city/candidates/{second}/reject", data={"reason": "x"}, headers=csrf)
    assert again.status_code == 409 and "已经答复过，不能再次答复" in again.text
    with make.writing(database_url) as session:
        placed = session.scalars(
            select(Placement.worker_id).where(Placement.posting_id == hiring.posting)
        ).all()
        assert placed == [hiring.workers[0]]


def test_a_full_posting_or_a_worker_hired_elsewhere_is_a_clear_409(
    client: TestClient, browse_as: PageLogin, hiring: Hiring, database_url: str
) -> None:
    csrf = browse_as("city")
    first, second, _ = hiring.candidates
    start = {"start_date": "2026-03-02"}
    assert client.post(f"/app/city/candidates/{first}/confirm", data=start, headers=csrf)
    # The first worker is also a candidate at the second posting: hired already.
    elsewhere = client.post(
        f"/app/city/candidates/{hiring.at_second}/confirm", data=start, headers=csrf
    )
    assert elsewhere.status_code == 409
    assert f"候选人 {hiring.workers[0]} 已被其他岗位录用（每人只能接受一个岗位）" in elsewhere.text
    assert f'id="candidate-{hiring.at_second}-conflict"' in elsewhere.text
    with make.writing(database_url) as session:
        posting = session.get(Posting, hiring.posting)
        assert posting is not None
        hired = session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(Placement.posting_id == hiring.posting)
        )
        posting.positions = int(hired or 0)
    full = client.post(f"/app/city/candidates/{second}/confirm", data=start, headers=csrf)
    assert full.status_code == 409
    assert f"岗位 {hiring.posting}" in full.text and "招聘人数已满，不能再录用" in full.text
    assert 'value="2026-03-02"' in full.text  # the date typed stays in the form
