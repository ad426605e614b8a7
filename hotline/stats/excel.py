"""The figures of a period as an Excel workbook: the same structure every page reads
(`selectors.period_figures`), one sheet per part, each figure with its formula. It holds
counts and rates only — no order, no name, no free text."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from hotline.stats.figures import OPERATOR_FIGURES, UNIT_FIGURES

BOLD = Font(bold=True)


def _header(sheet: Worksheet, *titles: str) -> None:
    sheet.append(list(titles))
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _split(sheet: Worksheet, title: str, split: dict[str, int], names: dict[str, str]) -> None:
    sheet.append([])
    _header(sheet, title, _("数量"))
    for key, value in sorted(split.items(), key=lambda item: -item[1]):
        sheet.append([names.get(key, key), value])


def figures_workbook(figures: dict[str, Any], *, title: str = "", watermark: str = "") -> bytes:
    """The workbook's bytes. `watermark` (who exported it, when) is written on every sheet."""
    buffer = io.BytesIO()
    figures_book(figures, title=title, watermark=watermark).save(buffer)
    return buffer.getvalue()


def figures_book(figures: dict[str, Any], *, title: str = "", watermark: str = "") -> Workbook:
    """The workbook itself (the data release adds its own watermark, `hotline.releases`)."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = _("概况")
    summary.append([title or _("市民热线运行情况统计")])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("统计时段"), figures["period"]["label"]])
    summary.append([_("统计时间"), figures["computed_at"]])
    summary.append([_("考核权重版本"), f"v{figures['scheme']['version']}"])
    if figures.get("unit"):
        summary.append([_("单位"), figures["names"]["unit"].get(figures["unit"], figures["unit"])])
    if watermark:
        summary.append([_("导出"), watermark])
    summary.append([])
    _header(summary, _("指标"), _("数值"), _("口径"))
    for row in figures["hotline"]:
        summary.append([row["label"], row["display"], row["formula"]])
    summary.column_dimensions["A"].width = 22
    summary.column_dimensions["B"].width = 14
    summary.column_dimensions["C"].width = 60

    split = workbook.create_sheet(_("诉求分布"))
    names = figures["names"]
    _header(split, _("诉求分布（按受理日期）"))
    _split(split, _("诉求类型"), figures["by_type"], names["type"])
    _split(split, _("来源渠道"), figures["by_channel"], names["channel"])
    _split(split, _("事项分类"), figures["by_category"], names["category"])
    _split(split, _("社区/村"), figures["by_place"], {})
    _split(
        split, _("不予受理情形（第十二条）"), figures["not_accepted_by_reason"], names["exclusion"]
    )
    _split(split, _("监督渠道（第十八条）"), figures["by_supervision"], names["supervision"])
    split.append([])
    _header(split, _("受理时段（时）"), _("数量"))
    for hour, value in figures["by_hour"].items():
        split.append([f"{int(hour):02d}:00", value])
    split.column_dimensions["A"].width = 30

    units = workbook.create_sheet(_("承办单位"))
    _header(units, _("排名"), _("单位"), *(str(f.label) for f in UNIT_FIGURES), _("综合得分"))
    for row in figures["units"]:
        units.append(
            [row["rank"], row["name"], *(row["display"][f.key] for f in UNIT_FIGURES), row["score"]]
        )
    units.column_dimensions["B"].width = 24
    if figures.get("operators"):
        operators = workbook.create_sheet(_("话务员"))
        _header(
            operators,
            _("话务员"),
            *(str(f.label) for f in OPERATOR_FIGURES),
            _("质检平均分"),
            _("考核得分"),
        )
        for row in figures["operators"]:
            operators.append(
                [
                    row["name"],
                    *(row["display"][f.key] for f in OPERATOR_FIGURES),
                    row["quality"],
                    row["score"],
                ]
            )
    if watermark:
        for sheet in workbook.worksheets:
            sheet.oddFooter.center.text = watermark
            sheet.oddHeader.center.text = watermark
    return workbook
