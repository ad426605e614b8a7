"""Charts drawn on the server as SVG (no script, no network): the geometry is computed here,
the templates `stats/_bars.html` and `stats/_trend.html` draw it. Each bar may link to the
orders behind it."""

from dataclasses import dataclass
from datetime import date

ROW = 22  # pixels per bar
LABEL_WIDTH = 150
BAR_SPACE = 420


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    length: float  # pixels
    href: str = ""


@dataclass(frozen=True)
class Bars:
    rows: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    bar_space: int = BAR_SPACE
    width: int = LABEL_WIDTH + BAR_SPACE + 90

    def __bool__(self) -> bool:
        return bool(self.rows)


def bars(items: list[tuple[str, float, str, str]], *, limit: int = 12) -> Bars:
    """Horizontal bars, largest first: (label, value, shown text, link)."""
    items = sorted(items, key=lambda item: -item[1])[:limit]
    top = max((value for _label, value, _text, _href in items), default=0) or 1
    rows = [
        Bar(label[:14], value, text, index * ROW, round(BAR_SPACE * value / top, 1), href)
        for index, (label, value, text, href) in enumerate(items)
    ]
    return Bars(rows, len(rows) * ROW)


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    label: str
    value: int
    tick: str  # the day under the column, or "" between ticks


@dataclass(frozen=True)
class Trend:
    columns: list[Column]
    width: int
    height: int
    column_width: float
    peak: int
    gridlines: list[tuple[float, int]]


def trend(series: list[tuple[date, int]], *, width: int = 720, height: int = 160) -> Trend:
    """Daily columns of one count across the period, with a few gridlines and date ticks."""
    count = max(len(series), 1)
    peak = max((value for _day, value in series), default=0)
    scale = peak or 1
    step = width / count
    every = max(1, round(count / 8))
    columns = [
        Column(
            x=round(index * step, 2),
            y=round(height - height * value / scale, 2),
            height=round(height * value / scale, 2),
            label=f"{day:%m-%d}",
            value=value,
            tick=f"{day:%m-%d}" if index % every == 0 else "",
        )
        for index, (day, value) in enumerate(series)
    ]
    gridlines = (
        [(round(height - height * part / 4, 2), round(peak * part / 4)) for part in (1, 2, 3, 4)]
        if peak
        else []
    )
    return Trend(columns, width, height, round(max(step - 2, 1), 2), peak, gridlines)
