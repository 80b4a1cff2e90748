"""Template filters for the papers' date and time wording (see meetings.formats)."""

from django import template

from meetings import formats

register = template.Library()

register.filter("meeting_datetime", formats.long_meeting_datetime)
register.filter("minutes_datetime", formats.minutes_datetime)
register.filter("long_date", formats.long_date)
register.filter("ordinal_date", formats.ordinal_date)
register.filter("clock", formats.clock)


@register.filter
def narrative(text: str):
    """Paragraphs separated by blank lines; lines starting "- " become a bulleted list."""
    from django.utils.html import escape, format_html_join
    from django.utils.safestring import mark_safe

    blocks = []
    for block in (text or "").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = format_html_join("", "<li>{}</li>", ((line[2:],) for line in lines))
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{escape(' '.join(lines))}</p>")
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece is escaped above
