"""The cells of the statistics' tables: each count a link to the register listing its items,
each rate with its numerator and denominator, each of them a link too.

A table of a hundred agencies has thousands of cells, so its rows are written here in one
go (each row's address worked out once) rather than through a template tag per cell.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString

register = template.Library()


def percent(fraction: float | None) -> str:
    """A rate as the tables write it: ``85.7%``; a dash when there is nothing to divide by."""
    return "—" if fraction is None else f"{fraction * 100:.1f}%"


register.filter("percent", percent)


def _prefix(base: str, filters: dict) -> str:
    """The start of a row's links: the register with the row's filters, ``stat=`` to come."""
    query = urlencode(filters)
    return escape(f"{base}?{query}&stat=" if query else f"{base}?stat=")


def _plan(columns) -> list[tuple[str, tuple[str, ...], str]]:
    """Each column's keys: ``(count key, (), "")``, or for a rate ``("", numerator keys,
    denominator key)``, worked out once for all the rows."""
    return [
        (column.key, (), "")
        if column.rate is None
        else ("", tuple(column.rate.numerator.split("+")), column.rate.denominator)
        for column in columns
    ]


def _cell(prefix: str, counts: dict, key: str, parts: tuple[str, ...], whole_key: str) -> str:
    if key:
        value = counts.get(key, 0)
        return f'<a href="{prefix}{key}">{value}</a>' if value else "0"
    part = sum(counts.get(k, 0) for k in parts)
    whole = counts.get(whole_key, 0)
    numerator = (
        f'<a href="{prefix}{parts[0]}" aria-label="分子{part}件">{part}</a>'
        if part and len(parts) == 1
        else str(part)
    )
    denominator = (
        f'<a href="{prefix}{whole_key}" aria-label="分母{whole}件">{whole}</a>' if whole else "0"
    )
    return (
        f'<span class="rate">{percent(part / whole if whole else None)}</span>'
        f'<span class="ratio">{numerator}/{denominator}</span>'
    )


@register.simple_tag(takes_context=True)
def stat_cell(context, row, column) -> SafeString:
    """The cell of ``row`` under ``column``: a linked count, or a rate with its parts."""
    base = context.get("register_url") or reverse("proposals:register")
    [entry] = _plan([column])
    return SafeString(_cell(_prefix(base, row.filters), row.counts, *entry))


@register.simple_tag(takes_context=True)
def stat_rows(context, table) -> SafeString:
    """The body and the 合计 line of ``table``: one ``<tr>`` a row, a row's label its header."""
    base = context.get("register_url") or reverse("proposals:register")
    plan = _plan(table.columns)

    def line(row, label: str) -> str:
        prefix, counts = _prefix(base, row.filters), row.counts
        cells = "".join(f"<td>{_cell(prefix, counts, *entry)}</td>" for entry in plan)
        return f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>'

    body = "".join(line(row, row.label) for row in table.rows)
    return SafeString(f"<tbody>{body}</tbody><tfoot>{line(table.total, '合计')}</tfoot>")


@register.filter
def get_count(counts: dict, key: str) -> int:
    """A count of ``counts`` by a key only known at run time (a result class's)."""
    return counts.get(key, 0)
