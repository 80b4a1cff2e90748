"""Active content taken out of an uploaded PDF, and the words that tell the clerk what went.

A council paper keeps its pages, text, images, internal links (to its own pages) and ordinary
web and e-mail links (http, https, mailto: the contact officer's address, a report on the
council's site). Everything that runs, launches, submits, imports, plays or reaches a file
outside the document goes, wherever it hangs: the catalog's open action and trigger actions,
the name trees (document scripts, attached files), pages' trigger actions, annotations' actions
(links, widgets), every ``/Next`` chain, bookmarks, form fields, XFA, attached and associated
files (``/AF``), portfolios, and media annotations (rich media, screen, movie, sound, 3D).

``neutralise`` rewrites the file with pikepdf (streams kept as they are encoded, so nothing is
inflated) and returns the counts of what it removed; ``active_content`` is the same search as
a predicate over every object of a file, used after neutralising (a belt to the braces) and by
the pack builder, which copies nothing active. Both run inside ``reports.pdf.run_limited``.
"""

from __future__ import annotations

import io
from collections import Counter

import pikepdf
from pikepdf import Name

# Actions that only move within the document or to an ordinary web address.
NAVIGATION_NAMED = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
SAFE_URI_SCHEMES = ("http://", "https://", "mailto:")

# What an action does, for the clerk.
SCRIPT, LAUNCH, OUTSIDE, FORM_DATA, MEDIA, COMMAND = (
    "script",
    "launch",
    "outside",
    "form_data",
    "media",
    "command",
)
ACTION_WHAT = {
    "/JavaScript": SCRIPT,
    "/Launch": LAUNCH,
    "/GoToR": OUTSIDE,
    "/GoToE": OUTSIDE,
    "/SubmitForm": FORM_DATA,
    "/ImportData": FORM_DATA,
    "/ResetForm": FORM_DATA,
    "/Rendition": MEDIA,
    "/Movie": MEDIA,
    "/Sound": MEDIA,
    "/RichMediaExecute": MEDIA,
    "/GoTo3DView": MEDIA,
    "/Hide": COMMAND,
    "/Named": COMMAND,
    "/SetOCGState": COMMAND,
    "/Trans": COMMAND,
}
MEDIA_ANNOTATIONS = {"/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}

# Where it hangs, singular and plural.
WHERE_WORDS = {
    "opening": ("action", "actions"),
    "link": ("link", "links"),
    "bookmark": ("bookmark", "bookmarks"),
    "field": ("form field action", "form field actions"),
    "annotation": ("annotation action", "annotation actions"),
    "document": ("other action", "other actions"),
}  # fmt: skip
WHAT_WORDS = {
    SCRIPT: "ran a script",
    LAUNCH: "opened another program",
    OUTSIDE: "opened a file outside this document",
    FORM_DATA: "sent or loaded form data",
    MEDIA: "played media",
    COMMAND: "ran a reader command",
}
OPENING = "when the file or a page was opened"
OBJECT_WORDS = {
    "attachment": ("attached file", "attached files"),
    "media": (
        "embedded media item (video, sound or 3D)",
        "embedded media items (video, sound or 3D)",
    ),
    "xfa": ("interactive form layer (XFA)", "interactive form layers (XFA)"),
    "portfolio": ("file portfolio", "file portfolios"),
}  # fmt: skip


def describe(removals: Counter) -> list[str]:
    """Sentences for the clerk, one per kind: "2 links that ran a script were removed."."""
    sentences = []
    for key, count in sorted(removals.items()):
        if count <= 0:
            continue
        if key in OBJECT_WORDS:
            noun = OBJECT_WORDS[key][count != 1]
        else:
            what, where = key.split(":")
            if where == "document" and what == SCRIPT:
                noun = ("document script", "document scripts")[count != 1]
            elif where == "opening" and what == SCRIPT:
                noun = f"{('script', 'scripts')[count != 1]} that ran {OPENING}"
            elif where == "opening":
                noun = f"{WHERE_WORDS[where][count != 1]} that {WHAT_WORDS[what]} {OPENING}"
            else:
                noun = f"{WHERE_WORDS[where][count != 1]} that {WHAT_WORDS[what]}"
        verb = "were" if count != 1 else "was"
        sentences.append(f"{count} {noun} {verb} removed.")
    return sentences


def _what(action: pikepdf.Object) -> str | None:
    """What an action does if it is not allowed, else None."""
    if not isinstance(action, pikepdf.Dictionary):
        return None
    if "/JS" in action:
        return SCRIPT
    kind = str(action.get("/S", ""))
    if kind == "/GoTo":
        return None
    if kind == "/URI":
        uri = _text(action.get("/URI")).strip().lower()
        if uri.startswith(SAFE_URI_SCHEMES):
            return None
        if uri.startswith(("javascript:", "vbscript:")):
            return SCRIPT
        return OUTSIDE  # file:, UNC paths, data:, relative paths to other files
    if kind == "/Named" and str(action.get("/N", "")) in NAVIGATION_NAMED:
        return None
    if kind == "/Thread" and "/F" not in action:
        return None
    return ACTION_WHAT.get(kind, COMMAND)


def _text(value) -> str:
    """A string as a reader sees it (PDFDocEncoding or UTF-16 decoded); "" if none."""
    return "" if value is None else str(value)


def _key(obj: pikepdf.Object):
    return obj.objgen if obj.is_indirect else None


def _chain(action: pikepdf.Object) -> list[pikepdf.Dictionary]:
    """An action and every action its ``/Next`` leads to, in order, each once (a cycle ends)."""
    found: list[pikepdf.Dictionary] = []
    seen: set = set()
    stack = [action]
    while stack:
        current = stack.pop()
        if not isinstance(current, pikepdf.Dictionary):
            continue
        marker = _key(current) or id(current)
        if marker in seen:
            continue
        seen.add(marker)
        found.append(current)
        following = current.get("/Next")
        if isinstance(following, pikepdf.Array):
            stack.extend(reversed(list(following)))
        elif following is not None:
            stack.append(following)
    return found


def _where(holder: pikepdf.Dictionary, key: str) -> str:
    if key == "/OpenAction" or holder.get("/Type") in (Name.Catalog, Name.Page):
        return "opening"
    subtype = holder.get("/Subtype")
    if subtype == Name.Link:
        return "link"
    if subtype == Name.Widget or "/FT" in holder or ("/Kids" in holder and "/T" in holder):
        return "field"
    if "/Title" in holder and ("/Parent" in holder or "/Dest" in holder or "/A" in holder):
        return "bookmark"
    return "annotation"


def _clean_action(holder: pikepdf.Dictionary, key: str, removals: Counter, *, fix: bool) -> None:
    """Keep the allowed actions of the chain under ``holder[key]``, count the others."""
    value = holder.get(key)
    if not isinstance(value, pikepdf.Dictionary):
        return  # a destination array (an open action that goes to a page) is kept
    if "/S" not in value and "/JS" not in value:
        return  # not an action: a structure element's attributes (/A) are kept
    where = _where(holder, key)
    kept = []
    for action in _chain(value):
        what = _what(action)
        if what is None:
            kept.append(action)
        else:
            removals[f"{what}:{where}"] += 1
    if not fix:
        return
    if not kept:
        del holder[key]
        return
    for action in kept:
        if "/Next" in action:
            del action["/Next"]
    first = kept[0]
    if len(kept) > 1:
        first.Next = pikepdf.Array(kept[1:])
    holder[key] = first


def _trigger_actions(holder: pikepdf.Dictionary, removals: Counter, *, fix: bool) -> None:
    """``/AA`` (actions on opening, closing, keystrokes, calculating...) goes whole."""
    triggers = holder.get("/AA")
    if triggers is None:
        return
    where = _where(holder, "/AA")
    counted = False
    if isinstance(triggers, pikepdf.Dictionary):
        for action in triggers.values():
            for step in _chain(action):
                what = _what(step) or COMMAND
                removals[f"{what}:{where}"] += 1
                counted = True
    if not counted:
        removals[f"{COMMAND}:{where}"] += 1
    if fix:
        del holder["/AA"]


def _file_key(spec) -> object:
    """One attached file however many places name it: its stream, else its specification."""
    if isinstance(spec, pikepdf.Dictionary):
        ef = spec.get("/EF")
        if isinstance(ef, pikepdf.Dictionary):
            for stream in ef.values():
                if isinstance(stream, pikepdf.Stream) and stream.is_indirect:
                    return stream.objgen
    if isinstance(spec, pikepdf.Object) and spec.is_indirect:
        return spec.objgen
    return object()  # a direct specification without a stream: counted on its own


def _name_tree_values(tree, limit: int = 100_000) -> list:
    values, seen, stack = [], set(), [tree]
    while stack and len(values) < limit:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        marker = _key(node) or id(node)
        if marker in seen:
            continue
        seen.add(marker)
        names = node.get("/Names")
        if isinstance(names, pikepdf.Array):
            values.extend(names[1::2])
        kids = node.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
    return values


def _clean_catalog(root: pikepdf.Dictionary, removals: Counter, files: set, *, fix: bool) -> None:
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        if "/JavaScript" in names:
            removals["script:document"] += max(1, len(_name_tree_values(names.JavaScript)))
            if fix:
                del names["/JavaScript"]
        if "/EmbeddedFiles" in names:
            specs = _name_tree_values(names.EmbeddedFiles) or [None]
            files.update(_file_key(spec) for spec in specs)
            if fix:
                del names["/EmbeddedFiles"]
        if "/AlternatePresentations" in names:
            removals["media"] += 1
            if fix:
                del names["/AlternatePresentations"]
    if "/Collection" in root:
        removals["portfolio"] += 1
        if fix:
            del root["/Collection"]
    if "/URI" in root and fix:
        del root["/URI"]  # a base for relative web addresses; nothing to tell the clerk
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary) and "/XFA" in form:
        removals["xfa"] += 1
        if fix:
            del form["/XFA"]


def _clean_annotations(
    holder: pikepdf.Dictionary, removals: Counter, files: set, *, fix: bool
) -> None:
    annots = holder.get("/Annots")
    if not isinstance(annots, pikepdf.Array):
        return
    keep = []
    changed = False
    for annot in annots:
        subtype = str(annot.get("/Subtype", "")) if isinstance(annot, pikepdf.Dictionary) else ""
        if subtype == "/FileAttachment":
            files.add(_file_key(annot.get("/FS")))
            changed = True
        elif subtype in MEDIA_ANNOTATIONS:
            removals["media"] += 1
            changed = True
        else:
            keep.append(annot)
    if fix and changed:
        holder.Annots = pikepdf.Array(keep)


def _associated_files(holder: pikepdf.Dictionary, files: set, *, fix: bool) -> None:
    found = holder.get("/AF")
    if found is None:
        return
    files.update(
        _file_key(spec) for spec in (found if isinstance(found, pikepdf.Array) else [found])
    )
    if fix:
        del holder["/AF"]


def _walk(pdf: pikepdf.Pdf, removals: Counter, *, fix: bool) -> None:
    """Every object reachable from the trailer, once; each dictionary cleaned where it hangs."""
    files: set = set()
    _clean_catalog(pdf.Root, removals, files, fix=fix)
    seen: set = set()
    stack: list = [pdf.trailer]
    while stack:
        obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, pikepdf.Array):
            stack.extend(
                item
                for item in obj
                if isinstance(item, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream)
            )
            continue
        if isinstance(obj, pikepdf.Stream):
            holder = obj.stream_dict
        elif isinstance(obj, pikepdf.Dictionary):
            holder = obj
        else:
            continue
        _clean_annotations(holder, removals, files, fix=fix)
        _trigger_actions(holder, removals, fix=fix)
        _clean_action(holder, "/A", removals, fix=fix)
        _clean_action(holder, "/OpenAction", removals, fix=fix)
        _associated_files(holder, files, fix=fix)
        _clean_stray(obj, holder, removals, files, fix=fix)
        for value in holder.values():
            if isinstance(value, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream):
                stack.append(value)
    if files:
        removals["attachment"] += len(files)


def _clean_stray(
    obj, holder: pikepdf.Dictionary, removals: Counter, files: set, *, fix: bool
) -> None:
    """What no rule above removes, found wherever it hangs: an action that is not allowed in a
    place no reader should look for one, an attached file's specification or stream, XFA."""
    kind = str(holder.get("/S", ""))
    if "/JS" in holder or ((kind in ACTION_WHAT or kind == "/URI") and _what(holder)):
        removals[f"{_what(holder)}:document"] += 1
        if fix:
            for key in list(holder.keys()):
                if key != "/Type":
                    del holder[key]
            return
    if "/EF" in holder:
        files.add(_file_key(holder))
        if fix:
            del holder["/EF"]
    if holder.get("/Type") == Name.EmbeddedFile and isinstance(obj, pikepdf.Stream):
        files.add(obj.objgen if obj.is_indirect else object())
        if fix:
            obj.write(b"")
            del holder["/Type"]
    if "/XFA" in holder:
        removals["xfa"] += 1
        if fix:
            del holder["/XFA"]


def active_content(pdf: pikepdf.Pdf) -> Counter:
    """What is active in a file, by kind; empty when it holds nothing active. Reads only."""
    removals: Counter = Counter()
    _walk(pdf, removals, fix=False)
    return +removals


def neutralise_pdf(pdf: pikepdf.Pdf) -> Counter:
    """Remove everything active from an open file in place; what was removed, by kind."""
    removals: Counter = Counter()
    _walk(pdf, removals, fix=True)
    return +removals


def neutralise(data: bytes) -> tuple[bytes, Counter]:
    """The file without its active content, and what was removed. A file with nothing active
    comes back byte for byte as it was uploaded; one with something removed is written again
    (streams as they were encoded, never inflated) and checked once more."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        removals = neutralise_pdf(pdf)
        if not removals:
            return data, removals
        out = io.BytesIO()
        pdf.save(
            out,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=False,
            deterministic_id=True,
        )
    clean = out.getvalue()
    with pikepdf.open(io.BytesIO(clean)) as pdf:
        left = active_content(pdf)
    if left:
        raise RuntimeError(f"Active content left after neutralising: {dict(left)}")
    return clean, removals
