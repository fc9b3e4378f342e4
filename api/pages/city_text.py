"""The partner city's pages in Chinese: the posting fields' labels, what each field takes,
and the upload's and the forms' problems turned into sentences for people.

The service names a bad field by its stable key and describes it for programs (English);
the pages say, per field, what it must hold. A rule is shown for any problem of the field,
so a new wording of a validation message never leaves a person without an explanation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from api.postings.upload import COLUMNS, MAX_ROWS

LABELS: Mapping[str, str] = {column.key: column.label_zh for column in COLUMNS}

RULES: Mapping[str, str] = {
    "city_reference": "岗位编号不超过 64 个字符，不能含分号，首尾不能有空格。",
    "employer_id": "企业编号不超过 16 个字符。",
    "employer_name_zh": "请填写企业名称（不超过 128 字）。",
    "title_zh": "请填写岗位名称（不超过 128 字）。",
    "industry_code": "行业须为务工行业代码之一（如 GARM 服装纺织）。",
    "positions": "招聘人数须为 0 到 10000 之间的整数。",
    "wage_yuan_month": "月薪须为 1 到 200000 之间的整数（元/月）。",
    "required_skill_codes": "技能要求最多 20 项，须为技能代码（如 GARM-02），用分号隔开。",
    "required_certificate_codes": "证书要求最多 20 项，须为证书代码（如 CERT-HLTH），用分号隔开。",
    "min_age": "最低年龄须为 16 到 60 之间的整数。",
    "max_age": "最高年龄须为 16 到 60 之间的整数，且不低于最低年龄。",
    "housing": "包住请填 是 或 否（也可填 1 或 0）。",
    "meals": "包吃请填 是 或 否（也可填 1 或 0）。",
    "earmarked_prefecture_codes": (
        "定向市州须为本市在招聘年度结对帮扶的贵州市州代码（如广州：qiannan、bijie），用分号隔开。"
    ),
    "period": "招聘季度的格式如 2026Q1（年份加 Q1 到 Q4）。",
    "status": "状态须为 open（招聘中）或 closed（已关闭）。",
    "description_zh": "岗位描述不超过 4000 字。",
    "start_date": "请填写上岗日期（如 2026-03-02）。",
    "reason": "请填写不录用的理由（不超过 1000 字）。",
    "file": "请选择要上传的文件（CSV 或 XLSX，按模板填写）。",
}

FILE_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"is empty", "文件是空的：第 1 行应是表头。"),
    (r"header but no rows", "文件只有表头，没有岗位行。"),
    (r"^At most", f"每个文件最多 {MAX_ROWS} 行岗位，请分成几个文件上传。"),
    (r"UTF-8", "文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”，或上传 XLSX。"),
    (r"readable CSV", "无法读取这个 CSV 文件，请按模板重新保存。"),
    (r"readable XLSX", "无法读取这个 XLSX 文件，请按模板重新保存。"),
    (r"larger than", "文件超过 5 MB，请分成几个文件上传。"),
)


def label(field: str) -> str:
    """The field's Chinese name, or the key itself when it is not a posting field."""
    if field == "row":
        return "整行"
    return LABELS.get(field, field)


def rule(field: str) -> str:
    return RULES.get(field, "这一项的内容不符合要求。")


def missing(field: str) -> str:
    return f"请填写{label(field)}（必填）。"


def form_message(field: str, error: Mapping[str, Any]) -> str:
    """A pydantic error of a form field, as one Chinese sentence."""
    if error.get("type") == "missing":
        return missing(field)
    return rule(field)


def _codes(text: str) -> str:
    return "、".join(re.findall(r"'([^']*)'", text)) or text


def row_message(field: str, message: str) -> str:
    """One problem of an uploaded file (its field key and the service's message)."""
    if message == "Field required":
        return missing(field)
    if "unknown code" in message:
        return f"{label(field)}中有未知代码：{_codes(message)}。"
    also = re.search(r"is also on row (\d+)", message)
    if also:
        return f"岗位编号与第 {also.group(1)} 行重复：同一文件里每个岗位编号只能出现一次。"
    if message.startswith("unknown column"):
        return f"表头有模板里没有的列“{field}”。"
    if message.startswith("missing column"):
        return f"表头缺少“{label(field)}”这一列。"
    if "appears twice" in message:
        return f"表头里“{label(field)}”这一列出现了两次。"
    if "more cells" in message:
        return "这一行的单元格比表头的列多。"
    return rule(field)


def file_message(message: str) -> str:
    """A problem of the whole file (unreadable, empty, too large…)."""
    for pattern, text in FILE_PROBLEMS:
        if re.search(pattern, message):
            return text
    return "无法读取这个文件：请上传按模板填写的 CSV 或 XLSX 文件。"
