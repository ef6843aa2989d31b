"""Russian words that depend on a number, for sentences built from the profile's figures."""

from __future__ import annotations


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for a count: 1 час, 2 часа, 5 часов, 21 час, 11 часов."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def hours_text(hours: int) -> str:
    """«1 час», «24 часа», «5 часов»."""
    return f"{hours} {plural(hours, 'час', 'часа', 'часов')}"


def minutes_text(minutes: int) -> str:
    """«30 минут», «1 минута»; whole hours as hours: 60 → «1 час»."""
    if minutes >= 60 and minutes % 60 == 0:
        return hours_text(minutes // 60)
    return f"{minutes} {plural(minutes, 'минута', 'минуты', 'минут')}"


def days_text(days: int) -> str:
    """A term in days as a person says it: «1 год», «2 года» for whole years, else «180 дней»."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} {plural(years, 'год', 'года', 'лет')}"
    return f"{days} {plural(days, 'день', 'дня', 'дней')}"


def quoted(text: str) -> str:
    """A name in «ёлочках»; quotes inside it become „лапки“, as Russian writes quotes within
    quotes: «ФГИС „Моя школа“», never «ФГИС «Моя школа»»."""
    return "«" + text.replace("«", "„").replace("»", "“") + "»"
