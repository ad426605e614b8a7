"""A campaign's results for the commissioning unit (Art. 11(7)): counts, the response rate,
per-question tallies with server-drawn SVG bars, and the Excel export.

Nothing here carries a respondent's number or name (Art. 22); digits that look like a phone
number inside free-text answers are masked before they are shown or exported.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hotline import clock
from hotline.accounts.models import User
from hotline.core.errors import NotAllowed
from hotline.surveys.models import (
    Answer,
    Campaign,
    Question,
    QuestionKind,
    Response,
    TargetStatus,
)
from hotline.surveys.selectors import campaign_counts, may_see_results

if TYPE_CHECKING:
    from openpyxl import Workbook

# A run of 7+ digits, or a mobile number written with spaces or dashes (138-1234-5678).
_PHONE_LIKE = re.compile(r"(?<!\d)(?:\d{7,}|1\d{2}[ -]\d{4}[ -]\d{4})(?!\d)")


def scrub(text: str) -> str:
    """Mask what looks like a phone number a respondent typed into an answer."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        return "*" * (len(digits) - 4) + digits[-4:]

    return _PHONE_LIKE.sub(mask, text)


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: float | None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def chart(self) -> SafeString:
        return bars_svg(self.bars, title=f"{self.question.order}. {self.question.text}")


@dataclass
class CampaignResults:
    campaign: Campaign
    counts: dict[str, int]
    response_rate: float | None
    responses: int
    by_channel: dict[str, int]
    questions: list[QuestionResult]

    @property
    def status_bars(self) -> list[Bar]:
        total = self.counts["total"]
        return [
            Bar(str(label), self.counts[value], _percent(self.counts[value], total))
            for value, label in TargetStatus.choices
        ]

    @property
    def status_chart(self) -> SafeString:
        return bars_svg(self.status_bars, title=_("调查对象状态"))


def _question_result(question: Question, values: list[Any]) -> QuestionResult:
    answered = len(values)
    result = QuestionResult(question=question, answered=answered)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        tally: Counter[str] = Counter()
        for value in values:
            tally.update(value if isinstance(value, list) else [value])
        result.bars = [
            Bar(choice, tally[choice], _percent(tally[choice], answered))
            for choice in question.choices
        ]
    elif question.kind == QuestionKind.SCALE:
        scores = [int(value) for value in values]
        tally_scores = Counter(scores)
        result.bars = [
            Bar(str(score), tally_scores[score], _percent(tally_scores[score], answered))
            for score in question.scale_values
        ]
        result.mean = round(sum(scores) / answered, 2) if answered else None
    else:
        result.texts = [scrub(str(value)) for value in values]
    return result


def campaign_results(*, campaign: Campaign) -> CampaignResults:
    """Counts per target status, the response rate (completed ÷ all targets), and for each
    question: counts and percentages of respondents who answered it per choice, the mean and
    distribution of a scale, the list of free-text answers."""
    counts = campaign_counts(campaign=campaign)
    questions = list(campaign.questions.order_by("order"))
    values: dict[int, list[Any]] = {question.pk: [] for question in questions}
    for question_id, value in (
        Answer.objects.filter(response__target__campaign=campaign)
        .order_by("response__answered_at", "response_id")
        .values_list("question_id", "value")
    ):
        values.setdefault(question_id, []).append(value)
    channels = Counter(
        Response.objects.filter(target__campaign=campaign).values_list("channel", flat=True)
    )
    return CampaignResults(
        campaign=campaign,
        counts=counts,
        response_rate=_percent(counts[TargetStatus.COMPLETED], counts["total"]),
        responses=sum(channels.values()),
        by_channel=dict(channels),
        questions=[_question_result(question, values[question.pk]) for question in questions],
    )


# --- charts ---------------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL_WIDTH = 200
BAR_AREA = 320
ROW_HEIGHT = 28
BAR_HEIGHT = 18


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bars_svg(bars: list[Bar], *, title: str) -> SafeString:
    """A horizontal bar chart as inline SVG, drawn on the server (no script, no CDN). Each bar
    carries its count and percentage as text, so the chart reads without colour."""
    peak = max((bar.count for bar in bars), default=0)
    height = ROW_HEIGHT * len(bars) + 8
    summary = "；".join(
        f"{bar.label} {bar.count}" + (f"（{bar.percent:g}%）" if bar.percent is not None else "")
        for bar in bars
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
        f'width="{CHART_WIDTH}" height="{height}" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'aria-label="{escape(title)}：{escape(summary)}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        width = round(BAR_AREA * bar.count / peak) if peak else 0
        text_y = y + BAR_HEIGHT - 4
        value = f"{bar.count}" + (f"（{bar.percent:g}%）" if bar.percent is not None else "")
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{text_y}" text-anchor="end" font-size="13" '
            f'fill="#1f2933">{escape(_short(bar.label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(width, 1 if bar.count else 0)}" '
            f'height="{BAR_HEIGHT}" fill="#b3261e" rx="2"></rect>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{text_y}" font-size="13" '
            f'fill="#1f2933">{escape(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text part above is escaped


# --- the Excel export -----------------------------------------------------------------------


def _put(sheet: Any, row: int, column: int, value: Any) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text


def _answer_text(question: Question, value: Any) -> Any:
    if value is None:
        return ""
    if question.kind == QuestionKind.MULTIPLE:
        return "、".join(value)
    if question.kind == QuestionKind.SCALE:
        return int(value)
    return scrub(str(value))


def _summary_sheet(sheet: Any, results: CampaignResults, *, exported_at: str) -> None:
    campaign = results.campaign
    sheet.title = _("汇总")
    rows: list[list[Any]] = [
        [_("调查名称"), campaign.title],
        [_("委托单位"), campaign.commissioning_unit.name],
        [_("调查目的"), campaign.purpose],
        [_("状态"), campaign.get_status_display()],
        [
            _("计划时间"),
            f"{campaign.starts_on or _('未定')} — {campaign.ends_on or _('未定')}",
        ],
        [_("导出时间"), exported_at],
        [],
        [_("调查对象"), _("数量"), _("占比（%）")],
    ]
    for bar in results.status_bars:
        rows.append([bar.label, bar.count, bar.percent])
    rows.append([_("合计"), results.counts["total"], None])
    rows.append([_("应答率（%）"), results.response_rate])
    rows.append([_("答卷数"), results.responses])
    for item in results.questions:
        question = item.question
        rows += [
            [],
            [
                _("第 %(n)d 题（%(kind)s）")
                % {"n": question.order, "kind": question.get_kind_display()},
                question.text,
            ],
            [_("回答人数"), item.answered],
        ]
        if item.bars:
            rows.append(
                [
                    _("选项") if question.kind != QuestionKind.SCALE else _("分值"),
                    _("人数"),
                    _("占比（%）"),
                ]
            )
            rows += [[bar.label, bar.count, bar.percent] for bar in item.bars]
        if question.kind == QuestionKind.SCALE:
            rows.append([_("平均分"), item.mean])
        if question.kind == QuestionKind.TEXT:
            rows.append([_("文字回答见“答卷”表。")])
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            _put(sheet, r, c, value)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48


def _answers_sheet(sheet: Any, campaign: Campaign) -> None:
    questions = list(campaign.questions.order_by("order"))
    header = [_("序号"), _("答卷时间"), _("渠道")] + [
        f"{question.order}. {question.text}" for question in questions
    ]
    for c, value in enumerate(header, start=1):
        _put(sheet, 1, c, value)
    responses = Response.objects.filter(target__campaign=campaign).order_by("answered_at", "pk")
    answers: dict[int, dict[int, Any]] = {}
    for response_id, question_id, value in Answer.objects.filter(
        response__target__campaign=campaign
    ).values_list("response_id", "question_id", "value"):
        answers.setdefault(response_id, {})[question_id] = value
    for r, response in enumerate(responses, start=2):
        given = answers.get(response.pk, {})
        row: list[Any] = [
            r - 1,
            timezone.localtime(response.answered_at).strftime("%Y-%m-%d %H:%M"),
            response.get_channel_display(),
        ] + [_answer_text(question, given.get(question.pk)) for question in questions]
        for c, cell in enumerate(row, start=1):
            _put(sheet, r, c, cell)
    sheet.column_dimensions["B"].width = 18


def campaign_workbook(*, campaign: Campaign, actor: User) -> tuple["Workbook", int]:
    """The results as an openpyxl workbook and the number of responses in it: a summary sheet
    and an answers sheet with one row per response. It holds no phone number or name (Art. 22).
    Read-only: it is released only through an approved request (`hotline.releases`, Art. 24),
    which watermarks the file and writes each download to the audit trail."""
    from openpyxl import Workbook

    if not may_see_results(actor, campaign):
        raise NotAllowed(_("您无权导出该调查的结果。"))
    results = campaign_results(campaign=campaign)
    exported_at = timezone.localtime(clock.now()).strftime("%Y-%m-%d %H:%M")
    workbook = Workbook()
    _summary_sheet(workbook.active, results, exported_at=exported_at)
    _answers_sheet(workbook.create_sheet(_("答卷")), campaign)
    return workbook, results.responses
