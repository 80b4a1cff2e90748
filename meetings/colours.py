"""The council's colours: checked for contrast when they are saved, and the tints the pages
derive from them (GOV.UK Frontend reads them as CSS custom properties)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
WHITE = (255, 255, 255)
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text


def rgb(value: str) -> tuple[int, int, int]:
    if not HEX.match(value or ""):
        raise ValueError(value)
    return tuple(int(value[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _luminance(colour: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_on_white(value: str) -> None:
    """A validator: the colour is #rrggbb and text in it (or white text on it) can be read."""
    try:
        colour = rgb(value)
    except ValueError:
        raise ValidationError(
            "Enter the colour as # and six hexadecimal digits, for example #1d4f91.",
            code="colour_format",
        ) from None
    ratio = contrast(colour, WHITE)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            f"This colour is too light: its contrast with white is {ratio:.1f} to 1, and at "
            f"least {MIN_CONTRAST} to 1 is needed for people to read it. Choose a darker colour.",
            code="colour_contrast",
        )


def mix(colour: str, other: tuple[int, int, int], weight: float) -> str:
    """`weight` of `other` mixed into `colour`, as #rrggbb."""
    base = rgb(colour)
    mixed = (round(c * (1 - weight) + o * weight) for c, o in zip(base, other, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def theme(brand: str, link: str) -> dict[str, str]:
    """GOV.UK Frontend's functional colours that follow the council's two colours."""
    return {
        "brand": brand,
        "link": link,
        "link-hover": mix(link, (0, 0, 0), 0.5),
        "template-background": mix(brand, WHITE, 0.95),
        "surface-background": mix(brand, WHITE, 0.95),
        "surface-border": mix(brand, WHITE, 0.5),
    }
