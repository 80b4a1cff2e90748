"""What every accessibility test of a page checks: axe-core's WCAG 2.2 AA rules, and that the
page does not scroll sideways (WCAG 1.4.10 reflow at 320 CSS pixels)."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}


def sideways(page) -> int:
    """How many pixels the page scrolls sideways (0 or less: none)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def page_problems(page, label: str, axe: Axe | None = None) -> dict:
    """What axe-core finds on the page as it is now, and how far it scrolls sideways, keyed by
    ``label``: empty when there is nothing to mend."""
    found = {}
    results = (axe or Axe()).run(page, options=AXE_OPTIONS)
    if results.violations_count:
        found[label] = results.generate_report()
    overflow = sideways(page)
    if overflow > 0:
        found[f"{label} (sideways scrolling)"] = overflow
    return found
