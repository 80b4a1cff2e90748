"""ModernGov's agenda and minutes text is HTML saved from Word: kept as sanitised HTML (nh3, an
allow-list of structural tags, no classes, styles or scripts) and as plain text for search."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

TAGS = {
    "p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "u", "sup", "sub",
    "h4", "h5", "h6", "blockquote",  # a minute is an <h3>: no heading above its own
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "a",
}  # fmt: skip
ATTRIBUTES = {"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan", "scope"}}
_BLOCKS = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")


def clean_html(raw: str) -> str:
    """Word's HTML reduced to what a minutes page may show: structure and emphasis, links with
    safe schemes, nothing that runs or styles. Empty paragraphs go."""
    cleaned = nh3.clean(
        raw or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.bullet = False

    def _end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.blocks.append(f"- {text}" if self.bullet else text)
        self.current = []
        self.bullet = False

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _BLOCKS:
            self._end_block()
            self.bullet = tag == "li"
        elif tag in ("br", "td", "th"):
            self.current.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data) -> None:
        self.current.append(data)


def html_to_text(raw: str) -> str:
    """The text of an HTML fragment as the portal's narratives write it: paragraphs separated by
    a blank line, list items as lines starting "- " (consecutive ones kept together)."""
    parser = _Text()
    parser.feed(raw or "")
    parser.close()
    parser._end_block()
    out: list[str] = []
    for block in parser.blocks:
        block = html.unescape(block).replace("\xa0", " ").strip()
        if not block:
            continue
        if out and block.startswith("- ") and out[-1].split("\n")[-1].startswith("- "):
            out[-1] += "\n" + block
        else:
            out.append(block)
    return "\n\n".join(out)
