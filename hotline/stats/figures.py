"""Every figure of the statistics, defined once: its name, what it is made of, and the formula
shown beside it on every page (Art. 19–21, GB/T 33358).

A figure is a sum of counts (`counting.py`), or a ratio of two such sums formed only after the
counts of the whole period are added up — so a month's rate is never an average of daily
rates. A figure of a unit reads the counts of that unit's key.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hotline.stats.counting import Counts

# Kinds of figure: how the value reads.
COUNT, RATE, SECONDS, SCORE = "count", "rate", "seconds", "score"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    formula: str | Promise
    # Counters summed for the numerator (a leading "-" subtracts) and for the denominator of
    # a rate or an average; no denominator: the figure is the numerator.
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    kind: str = COUNT
    # Where the orders behind the figure are listed (`drilldown.py`), when they can be.
    orders: str = ""
    target: float | None = None  # a rate the standard asks for (e.g. ≥ 95 % connected)

    def value(self, get: Callable[[str], int]) -> float | int | None:
        top = _sum(get, self.numerator)
        if not self.denominator:
            return top
        bottom = _sum(get, self.denominator)
        if bottom <= 0:
            return None
        return top / bottom

    def of(self, counts: Counts, dimension: str = "", key: str = "") -> float | int | None:
        return self.value(lambda counter: counts.totals.get((counter, dimension, key), 0))


def _sum(get: Callable[[str], int], names: tuple[str, ...]) -> int:
    total = 0
    for name in names:
        total += -get(name[1:]) if name.startswith("-") else get(name)
    return total


ACCEPTED = ("received", "-not_accepted", "-pending_acceptance")
DUE = ("replied", "overdue_open")
SATISFIED = ("satisfied", "basically_satisfied")

# --- the hotline --------------------------------------------------------------------------------

HOTLINE_FIGURES = (
    Figure("calls_received", _("来电呼入量"), _("统计期内开始的呼入电话数"), ("calls_received",)),
    Figure(
        "calls_answered", _("人工接听量"), _("呼入电话中由话务员接听的数量"), ("calls_answered",)
    ),
    Figure(
        "connect_rate",
        _("接通率"),
        _("接听量 ÷ 呼入量（GB/T 33358 要求不低于 95%）"),
        ("calls_answered",),
        ("calls_received",),
        RATE,
        target=0.95,
    ),
    Figure(
        "answered_in_target_rate",
        _("15 秒接通率"),
        _("振铃后 15 秒内接听的呼入 ÷ 呼入量"),
        ("calls_answered_in_target",),
        ("calls_received",),
        RATE,
    ),
    Figure(
        "average_wait",
        _("平均等待时长"),
        _("已接听呼入的等待秒数之和 ÷ 已接听呼入数"),
        ("wait_total",),
        ("wait_calls",),
        SECONDS,
    ),
    Figure(
        "average_talk",
        _("平均通话时长"),
        _("已结束通话的通话秒数之和 ÷ 已结束通话数"),
        ("talk_total",),
        ("talk_calls",),
        SECONDS,
    ),
    Figure("calls_made", _("呼出量"), _("话务员拨出的电话数（回访、回拨等）"), ("calls_made",)),
    Figure("missed_calls", _("未接来电"), _("统计期内振铃未接的来电数"), ("missed_calls",)),
    Figure(
        "missed_return_rate",
        _("未接来电回拨率"),
        _("已回拨的未接来电 ÷ 未接来电"),
        ("missed_returned",),
        ("missed_calls",),
        RATE,
    ),
    Figure(
        "received",
        _("诉求受理量"),
        _("统计期内（按北京时间受理日期）登记的诉求，各渠道合计"),
        ("received",),
        orders="received",
    ),
    Figure(
        "not_accepted",
        _("不予受理"),
        _("依第十二条不予受理的诉求数"),
        ("not_accepted",),
        orders="not_accepted",
    ),
    Figure(
        "accepted",
        _("受理量"),
        _("诉求受理量 − 不予受理 − 尚待受理（待处理、待审核）"),
        ACCEPTED,
        orders="accepted",
    ),
    Figure(
        "answered_at_once",
        _("直接答复"),
        _("话务员当即答复办结的诉求数（第十四条第一项）"),
        ("answered_at_once",),
        orders="answered_at_once",
    ),
    Figure(
        "direct_answer_rate",
        _("直接答复率"),
        _("直接答复 ÷ 受理量"),
        ("answered_at_once",),
        ACCEPTED,
        RATE,
        orders="answered_at_once",
    ),
    Figure(
        "knowledge_rate",
        _("知识库答复占比"),
        _("引用知识库条目直接答复的诉求 ÷ 直接答复"),
        ("answered_from_kb",),
        ("answered_at_once",),
        RATE,
    ),
    Figure(
        "dispatched",
        _("派单量"),
        _("派转承办单位办理的诉求数"),
        ("dispatched",),
        orders="dispatched",
    ),
    Figure(
        "emergency",
        _("紧急求助"),
        _("紧急求助类诉求及认定为紧急联动情形的诉求（第十三条）"),
        ("emergency",),
        orders="emergency",
    ),
    Figure("to_110", _("移交110"), _("移交 110 报警服务台的警情数"), ("to_110",)),
    Figure(
        "from_110",
        _("110转来"),
        _("110 报警服务台转来的非警务诉求数"),
        ("from_110",),
        orders="from_110",
    ),
    Figure(
        "incidents",
        _("重大突发事件"),
        _("上报热线主办单位的重大突发事件数（第十七条）"),
        ("incidents",),
    ),
    Figure(
        "on_time_rate",
        _("按时办结率"),
        _("按期答复 ÷（已答复 + 超期未答复）"),
        ("replied_on_time",),
        DUE,
        RATE,
        orders="replied_on_time",
    ),
    Figure(
        "overdue",
        _("超期"),
        _("超过办理期限答复的 + 已超期仍未答复的"),
        ("replied_late", "overdue_open"),
        orders="overdue",
    ),
    Figure("extended", _("延期"), _("经批准延期的诉求数"), ("extended",), orders="extended"),
    Figure("returned", _("退单"), _("承办单位退回过的诉求数"), ("returned",), orders="returned"),
    Figure("reopened", _("重办"), _("回访不满意后重办的诉求数"), ("reopened",), orders="reopened"),
    Figure("urged", _("催办"), _("被催办过的诉求数"), ("urged",), orders="urged"),
    Figure("supervised", _("督办"), _("被督办过的诉求数"), ("supervised",), orders="supervised"),
    Figure(
        "merged", _("并单"), _("作为重复诉求并入其他工单的诉求数"), ("merged",), orders="merged"
    ),
    Figure(
        "satisfaction_rate",
        _("满意率"),
        _("（满意 + 基本满意）÷ 已评价"),
        SATISFIED,
        ("rated",),
        RATE,
        orders="rated",
    ),
    Figure(
        "unsatisfied",
        _("不满意"),
        _("评价为不满意的诉求数"),
        ("unsatisfied",),
        orders="unsatisfied",
    ),
    Figure(
        "callback_reach_rate",
        _("回访接通率"),
        _("接通的回访 ÷ 回访拨打次数"),
        ("callback_reached",),
        ("callback_attempts",),
        RATE,
    ),
)

HOTLINE_FIGURE = {figure.key: figure for figure in HOTLINE_FIGURES}

# --- member units -------------------------------------------------------------------------------

UNIT_FIGURES = (
    Figure(
        "dispatched",
        _("派单量"),
        _("作为主办单位收到的诉求数（含后来改派走的）"),
        ("unit_dispatched",),
        orders="unit_dispatched",
    ),
    Figure(
        "signed_on_time",
        _("按时签收"),
        _("派单后 1 个工作日 24:00 前签收的"),
        ("unit_signed_on_time",),
    ),
    Figure(
        "response_rate",
        _("响应率"),
        _("按时签收 ÷ 派单量"),
        ("unit_signed_on_time",),
        ("unit_dispatched",),
        RATE,
    ),
    Figure(
        "replied_on_time",
        _("按期答复"),
        _("在办理期限（含批准的延期）内答复的"),
        ("replied_on_time",),
        orders="replied_on_time",
    ),
    replace(HOTLINE_FIGURE["on_time_rate"], key="resolution_rate"),
    HOTLINE_FIGURE["overdue"],
    HOTLINE_FIGURE["extended"],
    Figure(
        "returned", _("退单"), _("本单位退回的诉求数"), ("unit_returned",), orders="unit_returned"
    ),
    Figure(
        "return_rate",
        _("回退率"),
        _("本单位退回的 ÷ 派单量"),
        ("unit_returned",),
        ("unit_dispatched",),
        RATE,
        orders="unit_returned",
    ),
    HOTLINE_FIGURE["reopened"],
    Figure(
        "reopen_rate",
        _("重办率"),
        _("重办的 ÷ 已答复的"),
        ("reopened",),
        ("replied",),
        RATE,
        orders="reopened",
    ),
    Figure("urged", _("催办"), _("被催办过的诉求数"), ("unit_urged",), orders="unit_urged"),
    Figure(
        "supervised",
        _("督办"),
        _("被督办过的诉求数"),
        ("unit_supervised",),
        orders="unit_supervised",
    ),
    Figure("rated", _("已评价"), _("回访或网上评价了的"), ("rated",), orders="rated"),
    replace(HOTLINE_FIGURE["satisfaction_rate"], key="satisfaction"),
)
UNIT_FIGURE = {figure.key: figure for figure in UNIT_FIGURES}

# The three rates of the units' assessment and the weight each carries (`AssessmentScheme`).
ASSESSMENT_RATES = (
    ("response_rate", "unit_response"),
    ("resolution_rate", "unit_resolution"),
    ("satisfaction", "unit_satisfaction"),
)
SCORE_FORMULA = _(
    "综合得分 = 100 ×（响应率 × 权重 + 按时办结率 × 权重 + 满意率 × 权重）；"
    "某项无数据时（如无已评价诉求）按其余各项权重折算"
)


def weighted_score(rates: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """100 × Σ rate × weight over the rates that have data, the weights renormalised to them;
    None when no rate has data."""
    present = [
        (rates[name], weights[weight])
        for name, weight in ASSESSMENT_RATES
        if rates.get(name) is not None
    ]
    total_weight = sum(weight for _rate, weight in present)
    if not present or total_weight <= 0:
        return None
    return round(
        100 * sum(rate * weight for rate, weight in present if rate is not None) / total_weight, 1
    )


# --- the operating centre (Art. 20) ---------------------------------------------------------------

OPERATOR_FIGURES = (
    Figure("calls", _("接听量"), _("本人接听的呼入电话"), ("op_calls_answered",)),
    Figure(
        "average_talk",
        _("平均通话时长"),
        _("本人通话秒数之和 ÷ 本人已结束通话数"),
        ("op_talk_total",),
        ("op_talk_calls",),
        SECONDS,
    ),
    Figure("orders", _("登记工单"), _("本人登记的诉求"), ("op_received",)),
    Figure(
        "answered_at_once", _("直接答复"), _("本人直接答复办结的诉求"), ("op_answered_at_once",)
    ),
    Figure(
        "direct_answer_rate",
        _("直接答复率"),
        _("直接答复 ÷（登记工单 − 不予受理）"),
        ("op_answered_at_once",),
        ("op_received", "-op_not_accepted"),
        RATE,
    ),
    Figure(
        "knowledge_rate",
        _("知识库使用率"),
        _("引用知识库条目的直接答复 ÷ 直接答复"),
        ("op_answered_from_kb",),
        ("op_answered_at_once",),
        RATE,
    ),
    Figure("callbacks", _("回访拨打"), _("本人回访拨打次数"), ("op_callback_attempts",)),
    Figure(
        "callback_satisfaction",
        _("回访满意率"),
        _("本人回访中（满意 + 基本满意）÷ 本人回访取得的评价"),
        ("op_callback_satisfied",),
        ("op_callback_rated",),
        RATE,
    ),
    Figure("reply_checks", _("答复审查"), _("本人审查的单位答复"), ("op_reply_checks",)),
)
OPERATOR_FIGURE = {figure.key: figure for figure in OPERATOR_FIGURES}
OPERATOR_SCORE_FORMULA = _(
    "月度考核得分 = 工作量得分 × 权重 + 质检平均分 × 权重 + 回访满意率 × 100 × 权重；"
    "工作量得分 = 本人（接听量 + 登记工单）÷ 话务员中最高者 × 100"
)


# How the dashboard and the reports group the hotline's figures.
HOTLINE_GROUPS = (
    (
        _("话务"),
        (
            "calls_received",
            "calls_answered",
            "connect_rate",
            "answered_in_target_rate",
            "average_wait",
            "average_talk",
            "calls_made",
            "missed_calls",
            "missed_return_rate",
        ),
    ),
    (
        _("受理"),
        (
            "received",
            "accepted",
            "not_accepted",
            "answered_at_once",
            "direct_answer_rate",
            "knowledge_rate",
            "dispatched",
            "merged",
        ),
    ),
    (_("紧急与联动"), ("emergency", "to_110", "from_110", "incidents")),
    (
        _("办理"),
        ("on_time_rate", "overdue", "extended", "returned", "reopened", "urged", "supervised"),
    ),
    (_("回访与满意度"), ("satisfaction_rate", "unsatisfied", "callback_reach_rate")),
)


def display(figure: Figure, value: float | int | None) -> str:
    """A figure's value as people read it: 1,234 / 96.2% / 38 秒."""
    if value is None:
        return "—"
    if figure.kind == RATE:
        return f"{value * 100:.1f}%"
    if figure.kind == SECONDS:
        return f"{value:.0f} 秒"
    if figure.kind == SCORE:
        return f"{value:.1f}"
    return f"{int(value):,}"
