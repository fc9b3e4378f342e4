"""Posting uploads: every bad row named and nothing stored; the same file twice changes
nothing; XLSX and UTF-8 (with or without BOM) CSV with Chinese text; the template."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from api.database.models import AuditEntry, Posting
from api.database.session import normalise_url
from api.postings.upload import COLUMNS

Login = Callable[[str], dict[str, str]]
KEYS = [column.key for column in COLUMNS]


def posting_row(reference: str, **changes: Any) -> dict[str, Any]:
    row = {
        "city_reference": reference,
        "employer_id": "C90001",
        "employer_name_zh": "广州鑫源服饰有限公司",
        "title_zh": "横机工",
        "industry_code": "GARM",
        "positions": "9",
        "wage_yuan_month": "5600",
        "required_skill_codes": "",
        "required_certificate_codes": "",
        "min_age": "18",
        "max_age": "45",
        "housing": "是",
        "meals": "0",
        "earmarked_prefecture_codes": "bijie",
        "period": "2026Q2",
        "status": "open",
        "description_zh": "长期招横机工，提供免费宿舍，附近吃饭方便。",
    }
    return {**row, **changes}


def csv_file(
    rows: list[dict[str, Any]], *, bom: bool = False, chinese_header: bool = True
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.header if chinese_header else c.key for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(key, "") for key in KEYS])
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")


def xlsx_file(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([c.header for c in COLUMNS])
    for row in rows:
        # Numbers as numbers, as a spreadsheet holds them.
        sheet.append([int(v) if str(v).isdigit() else v for v in (row[k] for k in KEYS)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(
    client: TestClient,
    headers: dict[str, str],
    content: bytes,
    name: str = "postings.csv",
    **params: str,
) -> Any:
    files = {"file": (name, content, "application/octet-stream")}
    return client.post("/postings/upload", headers=headers, files=files, params=params)


def scalar(database_url: str, query: Any) -> Any:
    """One value read straight from the test's database, outside the service."""
    engine = create_engine(normalise_url(database_url))
    with Session(engine) as session:
        value = session.scalar(query)
    engine.dispose()
    return value


def city_postings(database_url: str, city: str) -> int:
    query = select(func.count()).select_from(Posting).where(Posting.partner_city_code == city)
    return int(scalar(database_url, query))


def test_a_good_file_creates_every_row_with_labels_and_an_audit_entry(
    client: TestClient, login: Login, database_url: str
) -> None:
    """Three rows → three postings of the caller's city, numbered after the loaded ones."""
    before = city_postings(database_url, "guangzhou")
    rows = [posting_row(f"SH-{n}") for n in range(3)]
    answer = upload(client, login("city"), csv_file(rows))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["rows"], body["created"], body["updated"], body["unchanged"]) == (3, 3, 0, 0)
    assert body["partner_city_code"] == "guangzhou"
    assert [p["row"] for p in body["postings"]] == [2, 3, 4]
    assert [p["posting_id"] for p in body["postings"]] == ["P00251", "P00252", "P00253"]
    assert city_postings(database_url, "guangzhou") == before + 3
    stored = client.get("/postings/P00251", headers=login("city")).json()
    assert stored["title_zh"] == "横机工" and stored["housing"] is True and stored["meals"] is False
    assert stored["earmarked_prefecture_codes"] == ["bijie"]
    assert stored["status_label"] == "招聘中" and stored["partner_city_label"] == "广州市"
    audited = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "posting")
    assert scalar(database_url, audited) == 3


def test_a_file_with_bad_rows_names_each_row_and_field_and_stores_nothing(
    client: TestClient, login: Login, database_url: str
) -> None:
    before = city_postings(database_url, "guangzhou")
    rows = [
        posting_row("OK-1"),
        posting_row("BAD-2", wage_yuan_month="lots", industry_code="TEA"),
        posting_row("OK-3"),
        posting_row("BAD-4", min_age="40", max_age="30", required_skill_codes="GARM-01;NOPE-9"),
        posting_row("OK-1"),
        posting_row("BAD-6", period="2026-05", housing="maybe"),
    ]
    answer = upload(client, login("city"), csv_file(rows))
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_rows"
    assert "nothing was stored" in error["message"]
    named = {(p["row"], p["field"]) for p in error["details"]}
    assert named == {
        (3, "wage_yuan_month"),
        (3, "industry_code"),  # TEA is a farming industry, not a job
        (5, "max_age"),
        (5, "required_skill_codes"),
        (6, "city_reference"),  # OK-1 again
        (7, "period"),
        (7, "housing"),
    }
    unknown = next(p for p in error["details"] if p["field"] == "required_skill_codes")
    assert "NOPE-9" in unknown["message"] and "GARM-01" not in unknown["message"]
    assert city_postings(database_url, "guangzhou") == before


def test_a_wrong_header_is_named_before_any_row(client: TestClient, login: Login) -> None:
    content = "岗位编号 city_reference,工资\nX-1,5000\n".encode()
    answer = upload(client, login("city"), content)
    assert answer.status_code == 422
    named = {(p["row"], p["field"]) for p in answer.json()["error"]["details"]}
    assert (1, "工资") in named
    assert (1, "title_zh") in named and (1, "period") in named


def test_the_same_file_twice_changes_nothing_and_a_changed_row_updates(
    client: TestClient, login: Login, database_url: str
) -> None:
    rows = [posting_row(f"SH-{n}") for n in range(4)]
    first = upload(client, login("city"), csv_file(rows)).json()
    audits = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "posting")
    audited = scalar(database_url, audits)
    second = upload(client, login("city"), csv_file(rows)).json()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, 4)
    assert [p["posting_id"] for p in second["postings"]] == [
        p["posting_id"] for p in first["postings"]
    ]
    assert scalar(database_url, audits) == audited  # nothing changed, nothing audited
    rows[2] = posting_row("SH-2", wage_yuan_month="6100")
    third = upload(client, login("city"), csv_file(rows)).json()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 3)
    changed = first["postings"][2]["posting_id"]
    assert (
        client.get(f"/postings/{changed}", headers=login("city")).json()["wage_yuan_month"] == 6100
    )
    assert scalar(database_url, audits) == audited + 1


def test_xlsx_and_bom_csv_with_english_headers_store_the_same_postings(
    client: TestClient, login: Login
) -> None:
    rows = [posting_row("X-1", description_zh="包吃包住，月休四天。"), posting_row("X-2")]
    from_xlsx = upload(client, login("city"), xlsx_file(rows), "岗位.xlsx")
    assert from_xlsx.status_code == 200, from_xlsx.text
    assert from_xlsx.json()["created"] == 2
    bom_csv = csv_file(rows, bom=True, chinese_header=False)
    from_csv = upload(client, login("city"), bom_csv).json()
    assert from_csv["unchanged"] == 2  # the same content, read from another format
    posting = from_xlsx.json()["postings"][0]["posting_id"]
    body = client.get(f"/postings/{posting}", headers=login("city")).json()
    assert body["description_zh"] == "包吃包住，月休四天。" and body["positions"] == 9


def test_a_file_that_is_not_utf8_or_not_a_workbook_is_a_clear_422(
    client: TestClient, login: Login
) -> None:
    gbk = csv_file([posting_row("G-1")]).decode().encode("gbk")
    answer = upload(client, login("city"), gbk)
    assert answer.status_code == 422 and "UTF-8" in answer.json()["error"]["message"]
    broken = upload(client, login("city"), b"PK\x03\x04 not really", "x.xlsx")
    assert broken.status_code == 422 and "XLSX" in broken.json()["error"]["message"]
    empty = upload(client, login("city"), b"")
    assert empty.status_code == 422 and "empty" in empty.json()["error"]["message"]


def test_an_earmark_outside_the_city_s_pairing_in_that_year_is_refused_by_row(
    client: TestClient, login: Login
) -> None:
    """广州 pairs with 黔南, 毕节 and 安顺 from 2021 (毕节 since 2016), never with 遵义."""
    rows = [
        posting_row("E-1", earmarked_prefecture_codes="bijie;anshun"),
        posting_row("E-2", earmarked_prefecture_codes="zunyi"),
        posting_row("E-3", earmarked_prefecture_codes="anshun", period="2019Q4"),
    ]
    answer = upload(client, login("city"), csv_file(rows))
    assert answer.status_code == 422
    details = answer.json()["error"]["details"]
    assert [(d["row"], d["field"]) for d in details] == [
        (3, "earmarked_prefecture_codes"),
        (4, "earmarked_prefecture_codes"),
    ]
    assert "zunyi is not paired with guangzhou in 2026" in details[0]["message"]
    assert "anshun is not paired with guangzhou in 2019" in details[1]["message"]
    assert upload(client, login("city"), csv_file(rows[:1])).json()["created"] == 1


def test_who_may_upload_and_for_which_city(
    client: TestClient, login: Login, database_url: str
) -> None:
    content = csv_file([posting_row("W-1")])
    assert upload(client, login("county"), content).status_code == 403
    assert upload(client, login("expert"), content).status_code == 403
    other = upload(client, login("city"), content, partner_city_code="foshan")
    assert other.status_code == 403
    unnamed = upload(client, login("province"), content)
    assert unnamed.status_code == 422
    assert unnamed.json()["error"]["details"] == [{"field": "partner_city_code"}]
    # 佛山 pairs with 黔东南 from 2021: its posting is earmarked there, not for 毕节.
    foshan = csv_file([posting_row("W-1", earmarked_prefecture_codes="qiandongnan")])
    by_province = upload(client, login("province"), foshan, partner_city_code="foshan")
    assert by_province.status_code == 200
    assert by_province.json()["partner_city_code"] == "foshan"
    # The same reference in another city is another posting.
    assert upload(client, login("city"), content).json()["created"] == 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_names_every_column_and_uploads_once_filled_in(
    client: TestClient, login: Login, kind: str
) -> None:
    template = client.get(
        "/postings/upload-template", params={"format": kind}, headers=login("city")
    )
    assert template.status_code == 200
    assert f"postings-template.{kind}" in template.headers["content-disposition"]
    if kind == "csv":
        assert template.content.startswith("\ufeff".encode())
        header = template.content.decode("utf-8-sig").strip().split(",")
        filled = template.content + csv_file([posting_row("T-1")]).split(b"\n", 1)[1]
    else:
        workbook = load_workbook(io.BytesIO(template.content))
        header = [cell.value for cell in workbook.worksheets[0][1]]
        assert workbook.sheetnames[1] == "说明 notes"
        workbook.worksheets[0].append([posting_row("T-1")[key] for key in KEYS])
        buffer = io.BytesIO()
        workbook.save(buffer)
        filled = buffer.getvalue()
    assert header == [c.header for c in COLUMNS]
    assert "月薪 wage_yuan_month" in header
    answer = upload(client, login("city"), filled, f"filled.{kind}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["created"] == 1
    assert client.get("/postings/upload-template", headers=login("county")).status_code == 403
