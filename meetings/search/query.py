"""What the search box understands, read the same way for both databases.

    dementia care          passages with both words (stemmed: "cares", "caring" match too)
    "any other business"   the exact phrase (stemmed, stop words kept)
    dementia OR alzheimer  either word
    care -children         care, but no passage that mentions children

Everything else is text: brackets, stars, NEAR, AND, colons and other punctuation have no
meaning, so no input can make the query fail. Common words ("the", "of") are left out unless
they are inside quotes or are all there is. A query is cut to a sensible size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_ATOMS = 12
MAX_EXCLUDED = 6
MAX_PHRASE_WORDS = 12
MAX_TOKEN_CHARS = 60

# PostgreSQL's English stop words; left out of unquoted queries on both databases.
_STOP_WORDS = """i me my myself we our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves what which who whom
this that these those am is are was were be been being have has had having do does did doing a an
the and but if or because as until while of at by for with about against between into through
during before after above below to from up down in out on off over under again further then once
here there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_UNWANTED = re.compile(r"[\x00-\x1f\x7f\ue000\ue001\u200b-\u200f\u2028-\u202e\ufeff]")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_LEXEME = re.compile(r"[^\W_]+")
_PIECE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Atom:
    """A word or a phrase: raw tokens as typed, each holding at least one letter or digit; each
    database splits and stems them as it does the text it indexed."""

    tokens: tuple[str, ...]
    quoted: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.tokens)

    @property
    def words(self) -> list[str]:
        return [w.lower() for t in self.tokens for w in _LEXEME.findall(t)]

    def __str__(self) -> str:
        return f'"{self.text}"' if self.quoted or len(self.tokens) > 1 else self.text


@dataclass(frozen=True)
class ParsedQuery:
    """All ``groups`` must match (each group is a choice of atoms joined by OR); no ``excluded``
    atom may."""

    groups: tuple[tuple[Atom, ...], ...] = ()
    excluded: tuple[Atom, ...] = ()
    left_out: tuple[str, ...] = field(default=(), compare=False)
    # Several plain words typed together ("missing children", "Deprivation of Liberty"):
    # passages that have them side by side, as a phrase, rank higher.
    phrase: Atom | None = field(default=None, compare=False)

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def atoms(self) -> list[Atom]:
        """Every atom the results must or may match, each once."""
        seen: list[Atom] = []
        for group in self.groups:
            for atom in group:
                if atom not in seen:
                    seen.append(atom)
        return seen

    def any_of(self) -> ParsedQuery:
        """The same words, any one of them enough: what is shown when no passage has them all."""
        return ParsedQuery(groups=(tuple(self.atoms),), excluded=self.excluded, phrase=self.phrase)

    def __str__(self) -> str:
        parts = [" OR ".join(str(a) for a in g) for g in self.groups]
        parts += [f"-{a}" for a in self.excluded]
        return " ".join(parts)


def _token(raw: str) -> str | None:
    raw = raw[:MAX_TOKEN_CHARS]
    return raw if _LEXEME.search(raw) else None


def _is_stop_word(atom: Atom) -> bool:
    return (
        not atom.quoted
        and len(atom.tokens) == 1
        and atom.words
        and all(w in STOP_WORDS for w in atom.words)
    )


def parse(text: str | None) -> ParsedQuery:
    """Read what someone typed. Never raises; what cannot be used is ignored."""
    text = _UNWANTED.sub(" ", (text or "")[: MAX_QUERY_CHARS * 2]).translate(_QUOTES)
    text = text[:MAX_QUERY_CHARS]
    items: list[tuple[str, Atom | None]] = []  # ("or", None), ("+", atom) or ("-", atom)
    for match in _PIECE.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if phrase is not None:
            tokens = tuple(t for t in (_token(p) for p in phrase.split()) if t)
            atom = Atom(tokens[:MAX_PHRASE_WORDS], quoted=True) if tokens else None
            sign = "-" if negated else "+"
        elif bare.upper() == "OR":
            items.append(("or", None))
            continue
        else:
            sign = "-" if bare.startswith("-") and len(bare) > 1 else "+"
            token = _token(bare[1:] if sign == "-" else bare)
            atom = Atom((token,)) if token else None
        if atom is not None:
            items.append((sign, atom))

    positives = [a for s, a in items if s == "+"]
    dropped = {a for a in positives if _is_stop_word(a)}
    if len(dropped) == len(positives):
        dropped = set()  # only common words: look for them after all
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    joining = False
    for sign, atom in items:
        if sign == "or":
            joining = bool(groups)
            continue
        if sign == "-":
            if not _is_stop_word(atom) and atom not in excluded:
                excluded.append(atom)
            joining = False
            continue
        if atom in dropped:
            continue
        if joining and groups:
            if atom not in groups[-1]:
                groups[-1].append(atom)
        else:
            groups.append([atom])
        joining = False

    phrase = None
    plain = [a for s, a in items if s == "+"]
    if all(s != "or" for s, _ in items) and not any(a.quoted for a in plain):
        tokens = [a.tokens[0] for a in plain]
        while tokens and _is_stop_word(Atom((tokens[0],))):
            tokens.pop(0)
        while tokens and _is_stop_word(Atom((tokens[-1],))):
            tokens.pop()
        if 1 < len(tokens) <= MAX_PHRASE_WORDS:
            phrase = Atom(tuple(tokens), quoted=True)

    kept, count = [], 0
    for group in groups:
        if count + len(group) > MAX_ATOMS:
            break
        kept.append(tuple(group))
        count += len(group)
    return ParsedQuery(
        groups=tuple(kept),
        excluded=tuple(excluded[:MAX_EXCLUDED]),
        left_out=tuple(sorted({a.text.lower() for a in dropped})),
        phrase=phrase,
    )
