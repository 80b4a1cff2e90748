"""Template helpers for GOV.UK Frontend components."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def page_numbers(page) -> list[int | None]:
    """The page numbers GOV.UK pagination shows: the first, the last, the current one and its
    neighbours, with None where numbers are left out (shown as an ellipsis)."""
    last = page.paginator.num_pages
    around = {1, last, page.number - 1, page.number, page.number + 1}
    wanted = sorted(n for n in around if 1 <= n <= last)
    numbers: list[int | None] = []
    for number in wanted:
        if numbers and number - (numbers[-1] or 0) > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers
