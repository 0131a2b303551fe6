"""China's statutory public holidays (法定节假日) and the State Council's yearly arrangement.

Two different things, kept apart because wages depend on the difference:
- The statutory holidays are named by law (全国年节及纪念日放假办法, as revised from 2025): New
  Year's Day; the Spring Festival (lunar New Year's Eve and the 1st–3rd of the first lunar month;
  1st–3rd before 2025); Qingming (the solar term); Labour Day (1 May, and 2 May from 2025); the
  Dragon Boat Festival (5th of the 5th lunar month); Mid-Autumn (15th of the 8th lunar month);
  National Day (1–3 October). Work on one of these days earns the holiday premium. They are
  computed for any year, so they are known before the yearly arrangement is published.
- The yearly arrangement (from the `chinese-calendar` package) joins them with weekends into
  holiday blocks: the other days of a block are rest days (days off in lieu, 调休), and some
  weekends become working days. It is published each autumn for the next year; a year the package
  does not know yet has no arrangement, only the statutory days.
"""

from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext_lazy as _
from lunardate import LunarDate

from factories.models import CalendarDay

DayKind = CalendarDay.Kind

NEW_YEAR = _("New Year's Day")
SPRING_FESTIVAL = _("Spring Festival")
QINGMING = _("Qingming Festival")
LABOUR_DAY = _("Labour Day")
DRAGON_BOAT = _("Dragon Boat Festival")
MID_AUTUMN = _("Mid-Autumn Festival")
NATIONAL_DAY = _("National Day")

# chinese-calendar's names of the holiday blocks, in the same words.
BLOCK_NAMES = {
    "New Year's Day": NEW_YEAR,
    "Spring Festival": SPRING_FESTIVAL,
    "Tomb-sweeping Day": QINGMING,
    "Labour Day": LABOUR_DAY,
    "Dragon Boat Festival": DRAGON_BOAT,
    "Mid-autumn Festival": MID_AUTUMN,
    "National Day": NATIONAL_DAY,
    "Anti-Fascist 70th Day": _("Victory Day"),
}


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[date, object]:
    """The statutory public holidays of a year, each with its festival's name."""
    new_year = _lunar(year, 1, 1)
    spring = [new_year + timedelta(days=n) for n in range(3)]
    if year >= 2025:
        spring.insert(0, new_year - timedelta(days=1))
    qingming = [
        day
        for day, name in chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        if name == "清明"
    ]
    labour = [date(year, 5, 1)] + ([date(year, 5, 2)] if year >= 2025 else [])
    days = {date(year, 1, 1): NEW_YEAR}
    days.update(dict.fromkeys(spring, SPRING_FESTIVAL))
    days.update(dict.fromkeys(qingming, QINGMING))
    days.update(dict.fromkeys(labour, LABOUR_DAY))
    days[_lunar(year, 5, 5)] = DRAGON_BOAT
    days[_lunar(year, 8, 15)] = MID_AUTUMN
    days.update(dict.fromkeys([date(year, 10, n) for n in (1, 2, 3)], NATIONAL_DAY))
    return days


def statutory_name(day: date):
    """The festival's name when `day` is a statutory public holiday, else None."""
    return statutory_holidays(day.year).get(day)


@lru_cache(maxsize=4096)
def arranged_kind(day: date) -> tuple[str, object] | None:
    """(kind, festival) from the yearly arrangement: a statutory holiday, a rest day of a holiday
    block, or a weekend made a working day (调休). None for an ordinary day, whose kind the
    factory's working week decides."""
    name = statutory_name(day)
    if name is not None:
        return DayKind.HOLIDAY, name
    try:
        on_holiday, block = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return None  # this year's arrangement is not published (or not packaged) yet
    if block is None:
        return None
    festival = BLOCK_NAMES.get(block, block)
    return (DayKind.REST if on_holiday else DayKind.WORKDAY), festival
