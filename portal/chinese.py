"""Chinese numerals and dates as official letters write them."""

from datetime import date

_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """Return ``n`` (1-999) in Chinese numerals: 4 -> 四, 11 -> 十一, 102 -> 一百零二."""
    if not 0 < n < 1000:
        raise ValueError(f"{n} is outside 1-999")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def chinese_date(day: date) -> str:
    """Return a date as letters are dated: 2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"
