"""Resolve parsed time expressions to ISO 8601 values against the article's publication date.

News convention: a bare weekday ("on Tuesday") is the most recent such day on or before publication, "in
March" the most recent March not after it; "next"/"last" move strictly after/before. Values are what the
schema's ``timeValue`` allows: ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or an interval ``a/b`` of those.
Without a publication date only absolute expressions resolve; everything relative stays None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

VAGUE_PLURAL_COUNT = 3  # default for "within the coming weeks"; rules/lexicon/time.yaml vague_plural_count


@dataclass(frozen=True)
class TimeExpr:
    """The meaning of a time expression before resolution; ``rule`` is its time.lark alias."""

    rule: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # Monday 0
    shift: int = 0  # -1 last / past, 0 this or bare, +1 next / coming
    unit: str | None = None  # day | week | weekend | month | year | decade
    count: int | None = None
    offset: int = 0  # days, for yesterday/today/tomorrow
    points: tuple[TimeExpr, ...] = ()  # the ends of since/range


def _iso(day: date) -> str:
    return day.isoformat()


def _ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _valid_year(year: int | None) -> bool:
    return year is not None and 1000 <= year <= 9999


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def possible_date(expr: TimeExpr) -> bool:
    """False for a month/day that no year has ("31 February", "2024-13-45"); a leap year admits 29 February."""
    if expr.month is not None and not 1 <= expr.month <= 12:
        return False
    if expr.month is not None and expr.day is not None:
        year = expr.year if expr.year is not None and _valid_year(expr.year) else 2000
        return _safe_date(year, expr.month, expr.day) is not None
    return True


# --------------------------------------------------------------------------- one resolver per rule


def _weekday(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if published is None or expr.weekday is None:
        return None
    back = (published.weekday() - expr.weekday) % 7
    return _iso(published - timedelta(days=back))


def _weekday_relative(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if published is None or expr.weekday is None:
        return None
    if expr.shift > 0:
        return _iso(published + timedelta(days=((expr.weekday - published.weekday()) % 7) or 7))
    if expr.shift < 0:
        return _iso(published - timedelta(days=((published.weekday() - expr.weekday) % 7) or 7))
    monday = published - timedelta(days=published.weekday())
    return _iso(monday + timedelta(days=expr.weekday))


def _date(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if expr.month is None or expr.day is None:
        return None
    if expr.year is not None:
        found = _safe_date(expr.year, expr.month, expr.day) if _valid_year(expr.year) else None
        return _iso(found) if found else None
    if published is None:
        return None
    candidates = [d for y in (published.year - 1, published.year, published.year + 1)
                  if (d := _safe_date(y, expr.month, expr.day)) is not None]
    return _iso(min(candidates, key=lambda d: abs((d - published).days))) if candidates else None


def _month_year(expr: TimeExpr, _: date | None, __: int) -> str | None:
    if expr.month is None or not _valid_year(expr.year):
        return None
    return _ym(expr.year or 0, expr.month)


def _month(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if expr.year is not None:
        return _month_year(expr, published, 0)
    if published is None or expr.month is None:
        return None
    year = published.year if expr.month <= published.month else published.year - 1
    return _ym(year, expr.month)


def _month_relative(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if published is None or expr.month is None:
        return None
    if expr.shift < 0:
        year = published.year if expr.month < published.month else published.year - 1
    elif expr.shift > 0:
        year = published.year if expr.month > published.month else published.year + 1
    else:
        year = published.year
    return _ym(year, expr.month)


def _year(expr: TimeExpr, _: date | None, __: int) -> str | None:
    return f"{expr.year:04d}" if _valid_year(expr.year) else None


def _decade(expr: TimeExpr, _: date | None, __: int) -> str | None:
    if not _valid_year(expr.year) or expr.year is None:
        return None
    return f"{expr.year:04d}/{expr.year + 9:04d}"


def _period(unit: str | None, published: date, shift: int) -> str | None:
    """The calendar day/week/month/year containing publication, moved by ``shift`` units."""
    if unit == "day":
        return _iso(published + timedelta(days=shift))
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=shift)
        return f"{_iso(monday)}/{_iso(monday + timedelta(days=6))}"
    if unit == "weekend":
        saturday = published - timedelta(days=published.weekday()) + timedelta(days=5, weeks=shift)
        return f"{_iso(saturday)}/{_iso(saturday + timedelta(days=1))}"
    if unit == "month":
        return _ym(*_add_months(published.year, published.month, shift))
    if unit == "year":
        return f"{published.year + shift:04d}"
    return None


def _relative_unit(expr: TimeExpr, published: date | None, _: int) -> str | None:
    return _period(expr.unit, published, expr.shift) if published is not None else None


def _over(expr: TimeExpr, published: date | None, _: int) -> str | None:
    """"over the weekend": the most recent weekend; "over the week": the current one."""
    if published is None:
        return None
    if expr.unit == "weekend":
        return _period("weekend", published, 0 if published.weekday() >= 5 else -1)
    return _period(expr.unit, published, 0)


def _moved(published: date, unit: str | None, amount: int) -> date | None:
    """``published`` moved by ``amount`` units (months/years clamp to the month's last day)."""
    if unit == "day":
        return published + timedelta(days=amount)
    if unit == "week":
        return published + timedelta(weeks=amount)
    months = {"month": 1, "year": 12, "decade": 120}.get(unit or "")
    if months is None:
        return None
    year, month = _add_months(published.year, published.month, amount * months)
    for day in (published.day, 30, 29, 28):
        if (found := _safe_date(year, month, day)) is not None:
            return found
    return None


def _within(expr: TimeExpr, published: date | None, vague_count: int) -> str | None:
    if published is None:
        return None
    other = _moved(published, expr.unit, expr.shift * (expr.count or vague_count))
    if other is None or not _valid_year(other.year):
        return None
    first, last = sorted((published, other))
    return f"{_iso(first)}/{_iso(last)}"


def _ago(expr: TimeExpr, published: date | None, _: int) -> str | None:
    if published is None or expr.count is None:
        return None
    moved = _moved(published, expr.unit, -expr.count)
    if moved is None or not _valid_year(moved.year):
        return None
    if expr.unit in ("year", "decade"):
        return f"{moved.year:04d}"
    return _ym(moved.year, moved.month) if expr.unit == "month" else _iso(moved)


def _deictic(expr: TimeExpr, published: date | None, _: int) -> str | None:
    return _iso(published + timedelta(days=expr.offset)) if published is not None else None


def _day_part(expr: TimeExpr, published: date | None, _: int) -> str | None:
    """"last night" is the day before publication, "this morning" publication day."""
    return _iso(published + timedelta(days=expr.shift)) if published is not None else None


def _clock(expr: TimeExpr, published: date | None, vague_count: int) -> str | None:
    """A clock time resolves only through its weekday ("at 10 a.m. Tuesday"); the value has no time part."""
    return _weekday(expr, published, vague_count) if expr.weekday is not None else None


def _point(expr: TimeExpr, published: date | None, vague_count: int) -> str | None:
    """An end of since/range, resolved like the standalone expression of the same shape."""
    if expr.day is not None:
        return _date(expr, published, vague_count)
    if expr.month is not None:
        return _month(expr, published, vague_count)
    if expr.weekday is not None:
        return _weekday(expr, published, vague_count)
    return _year(expr, published, vague_count)


def _since(expr: TimeExpr, published: date | None, vague_count: int) -> str | None:
    if published is None or not expr.points:
        return None
    start = _point(expr.points[0], published, vague_count)
    return f"{start.split('/')[0]}/{_iso(published)}" if start else None


def _range(expr: TimeExpr, published: date | None, vague_count: int) -> str | None:
    if len(expr.points) != 2:
        return None
    first, last = expr.points
    if first.year is None and last.year is not None and first.month is not None:
        first = replace(first, year=last.year)  # "between May and July 2024"
    start, end = _point(first, published, vague_count), _point(last, published, vague_count)
    if start is None or end is None:
        return None
    return f"{start.split('/')[0]}/{end.split('/')[-1]}"


RESOLVERS: dict[str, Callable[[TimeExpr, date | None, int], str | None]] = {
    "weekday": _weekday,
    "weekday_relative": _weekday_relative,
    "date_month_day": _date,
    "date_day_month": _date,
    "date_iso": _date,
    "month_year": _month_year,
    "month": _month,
    "month_relative": _month_relative,
    "year": _year,
    "decade": _decade,
    "relative_unit": _relative_unit,
    "within": _within,
    "over": _over,
    "ago": _ago,
    "deictic": _deictic,
    "day_part": _day_part,
    "clock": _clock,
    "since": _since,
    "range": _range,
    "point": _point,
}


def resolve(expr: TimeExpr, published: date | None, vague_count: int = VAGUE_PLURAL_COUNT) -> str | None:
    """ISO value of ``expr`` relative to ``published`` (None when it cannot be resolved).

    Args:
        expr: the parsed expression (parsing.TimeTransformer).
        published: the article's publication date, or None.
        vague_count: how many units a plural without a number means ("the coming weeks").
    """
    resolver = RESOLVERS.get(expr.rule)
    return resolver(expr, published, vague_count) if resolver is not None else None
