"""XML written the way ModernGov writes it: two-space indentation, an empty element as an
opening and closing tag on two lines, counts with a leading space, True/False flags, dates as
dd/mm/yyyy and times as "2.00 pm"; HTML text escaped as element text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'


@dataclass
class Node:
    tag: str
    text: str = ""
    children: list[Node] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)


def el(tag: str, content: str | bool | int | list | None = None, **attrs: str) -> Node:
    """An element: a list makes a container, True/False a flag, anything else its text."""
    if isinstance(content, list):
        return Node(tag, children=content, attrs=attrs)
    if isinstance(content, bool):
        return Node(tag, "True" if content else "False", attrs=attrs)
    return Node(tag, "" if content is None else str(content), attrs=attrs)


def count(tag: str, n: int) -> Node:
    return Node(tag, f" {n}")


def flag(value: bool) -> str:
    return "True" if value else "False"


def date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def time(value: dt.time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{hour}.{value.minute:02d} {'pm' if value.hour >= 12 else 'am'}"


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(
        f' {name}="{escape(value, {chr(34): "&quot;", chr(10): "&#10;"})}"'
        for name, value in attrs.items()
    )


def _write(node: Node, depth: int, out: list[str]) -> None:
    pad = "  " * depth
    head = f"{pad}<{node.tag}{_attrs(node.attrs)}>"
    if node.children:
        out.append(head + "\n")
        for child in node.children:
            _write(child, depth + 1, out)
        out.append(f"{pad}</{node.tag}>\n")
    elif node.text:
        out.append(f"{head}{escape(node.text)}</{node.tag}>\n")
    else:
        out.append(f"{head}\n{pad}</{node.tag}>\n")


def document(root: Node) -> str:
    out = [DECLARATION]
    _write(root, 0, out)
    return "".join(out)
