"""Check a course figure (an SVG file) and clean it, so it can be put straight into a page.

A lesson's figures are drawn for the course and shown inline, inside the page's HTML, so a
figure must be a drawing and nothing else: nothing that runs, loads, links out or restyles
the page. `check_svg` reads the file with the standard library's XML parser (expat) and
refuses, each with the line it is on:

- a DOCTYPE or an entity declaration (the way to make a small file expand to gigabytes),
  and processing instructions such as <?xml-stylesheet?>;
- <script>, <foreignObject> (which holds HTML), <style> (CSS in an inline SVG styles the
  whole page), <a>, <image>, animation (<set> and <animate> can change a link), and any
  element not on `ALLOWED_ELEMENTS`, or not in the SVG namespace;
- event-handler attributes (onload=, onclick=, ...), an href or xlink:href that is not a
  #fragment in the same drawing, url(...) anywhere but url(#...), attributes from other
  vocabularies (an editor's own, such as inkscape:);
- a root that is not <svg>, or has no viewBox (then it cannot scale to the page).

The markup it returns is written out again from what the parser read, not copied: text is
escaped, and comments, CDATA sections and the XML declaration are gone, so the HTML parser
of the browser reads exactly the drawing that was checked. The root loses width, height,
class, role and aria-* (the page sets its size and its name from the lesson's alt text).
Pure Python (Pyodide): only the standard library.
"""

from __future__ import annotations

import re
from html import escape
from typing import Final
from xml.parsers import expat

import attrs

__all__ = [
    "ALLOWED_ELEMENTS",
    "MAX_SVG_BYTES",
    "SVG_NS",
    "CheckedSvg",
    "SvgProblem",
    "check_svg",
]

SVG_NS: Final = "http://www.w3.org/2000/svg"
XLINK_NS: Final = "http://www.w3.org/1999/xlink"
XML_NS: Final = "http://www.w3.org/XML/1998/namespace"
# A hand-drawn figure is a few kilobytes.
MAX_SVG_BYTES: Final = 200_000

ALLOWED_ELEMENTS: Final = frozenset(
    {
        "svg",
        "g",
        "defs",
        "title",
        "desc",
        "path",
        "rect",
        "circle",
        "ellipse",
        "line",
        "polyline",
        "polygon",
        "text",
        "tspan",
        "marker",
        "use",
        "symbol",
        "linearGradient",
        "radialGradient",
        "stop",
        "clipPath",
        "mask",
        "pattern",
    }
)
# Elements refused with their own reason (the rest: "not one a figure may use").
_REFUSED: Final = {
    "script": "a <script> element: a figure must not run code",
    "foreignObject": "a <foreignObject> element: it puts HTML inside the drawing",
    "style": "a <style> element: its CSS would restyle the whole page, not just the figure",
    "a": "a link (<a>): a figure must not link anywhere",
    "image": "an <image> element: it loads a picture from another file",
    "set": "a <set> element: animation can change a link or a colour after the check",
    "animate": "an <animate> element: animation can change a link or a colour after the check",
    "animateMotion": "an <animateMotion> element: a figure must not move",
    "animateTransform": "an <animateTransform> element: a figure must not move",
}
# Root attributes the page decides, not the file.
_ROOT_DROPPED: Final = frozenset({"width", "height", "class", "role"})
_URL: Final = re.compile(r"url\(\s*(['\"]?)\s*([^)'\"\s]*)", re.IGNORECASE)
_VIEWBOX: Final = re.compile(r"^\s*(-?[\d.]+)[\s,]+(-?[\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*$")


@attrs.frozen
class SvgProblem:
    """One reason a figure is refused: the line of the SVG file, what is wrong, the fix."""

    line: int | None
    message: str
    fix: str


@attrs.frozen
class CheckedSvg:
    """The cleaned markup (empty if there are problems) and every problem found."""

    markup: str
    problems: tuple[SvgProblem, ...]


def _split(name: str) -> tuple[str, str]:
    """'uri local' (expat's namespace form) -> (uri, local); 'local' -> ('', local)."""
    uri, _, local = name.rpartition(" ")
    return uri, local


class _Checker:
    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.problems: list[SvgProblem] = []
        self.out: list[str] = []
        self.depth = 0
        self.root_seen = False
        p = self.parser
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.StartDoctypeDeclHandler = self.doctype
        p.EntityDeclHandler = self.entity
        p.ProcessingInstructionHandler = self.instruction

    def problem(self, message: str, fix: str) -> None:
        self.problems.append(SvgProblem(self.parser.CurrentLineNumber, message, fix))

    # -- handlers -------------------------------------------------------------------------

    def doctype(self, *_args: object) -> None:
        self.problem(
            "a DOCTYPE: a figure needs none, and it can declare entities",
            "delete the <!DOCTYPE ...> line",
        )

    def entity(self, *_args: object) -> None:
        self.problem("an entity declaration (<!ENTITY ...>)", "delete it and write the text out")

    def instruction(self, target: str, _data: str) -> None:
        self.problem(
            f"a processing instruction <?{target} ...?>",
            "delete it: a figure is drawn with SVG elements only",
        )

    def start(self, name: str, attributes: dict[str, str]) -> None:
        uri, local = _split(name)
        first = not self.root_seen
        self.root_seen = True
        self.depth += 1
        if uri != SVG_NS:
            where = f"{{{uri}}}{local}" if uri else local
            fix = (
                'add xmlns="http://www.w3.org/2000/svg" to the <svg> element'
                if first
                else "draw with SVG elements only"
            )
            self.problem(f"element <{where}> is not an SVG element", fix)
            return
        if first and local != "svg":
            self.problem(
                f"the file starts with <{local}>, not <svg>", "make <svg> the outer element"
            )
            return
        if local in _REFUSED:
            self.problem(_REFUSED[local], f"remove the <{local}> element")
            return
        if local not in ALLOWED_ELEMENTS:
            self.problem(
                f"element <{local}> is not one a course figure may use",
                "draw with only these: " + ", ".join(sorted(ALLOWED_ELEMENTS)),
            )
            return
        if first and "viewBox" not in attributes:
            self.problem(
                "the <svg> element has no viewBox, so the figure cannot scale to the page",
                'add viewBox="0 0 WIDTH HEIGHT" with the size it is drawn at',
            )
        elif first and not _VIEWBOX.match(attributes["viewBox"]):
            self.problem(
                f"viewBox {attributes['viewBox']!r} is not four numbers",
                'write it as viewBox="0 0 WIDTH HEIGHT"',
            )
        kept = [
            (written_as, v)
            for k, v in attributes.items()
            if (written_as := self.attribute_name(k, v)) is not None
        ]
        if first:
            kept = [(k, v) for k, v in kept if k not in _ROOT_DROPPED and not k.startswith("aria-")]
        written = "".join(f' {k}="{escape(v, quote=True)}"' for k, v in kept)
        namespace = f' xmlns="{SVG_NS}"' if first else ""
        self.out.append(f"<{local}{namespace}{written}>")

    def attribute_name(self, name: str, value: str) -> str | None:
        """The name to write the attribute under if it is safe to keep (xlink:href becomes
        href, the XML namespace's space and lang xml:space and xml:lang); None, and a
        problem reported, if not."""
        uri, local = _split(name)
        if uri == XLINK_NS and local == "href":
            uri = ""
        if uri == XML_NS and local in {"space", "lang"}:
            return f"xml:{local}"
        if uri:
            self.problem(
                f"attribute {local!r} from another vocabulary ({uri})",
                "remove it (an editor's own attributes are not needed to draw)",
            )
            return None
        if local.lower().startswith("on"):
            self.problem(
                f"an event handler ({local}=): a figure must not run code",
                f"remove the {local} attribute",
            )
            return None
        if local == "href" and not value.strip().startswith("#"):
            self.problem(
                f"a link to {value!r}: a figure may only point inside itself",
                'use href="#id" of an element in the same file, or remove it',
            )
            return None
        for found in _URL.finditer(value):
            if not found.group(2).startswith("#"):
                self.problem(
                    f"url({found.group(2)}) in {local}=: a figure must not load anything",
                    "use url(#id) of an element in the same file, or a plain colour",
                )
                return None
        if "javascript:" in value.lower().replace(" ", ""):
            self.problem(f"'javascript:' in {local}=", f"remove the {local} attribute")
            return None
        return local

    def end(self, name: str) -> None:
        self.depth -= 1
        uri, local = _split(name)
        if uri == SVG_NS and local in ALLOWED_ELEMENTS:
            self.out.append(f"</{local}>")

    def text(self, data: str) -> None:
        if self.depth > 0:
            self.out.append(escape(data, quote=False))


def check_svg(text: str) -> CheckedSvg:
    """Check `text` (a whole SVG file) and write it out clean; see the module's docstring."""
    if len(text.encode("utf-8")) > MAX_SVG_BYTES:
        problem = SvgProblem(
            None,
            f"the file is more than {MAX_SVG_BYTES:,} bytes, more than a drawn figure needs",
            "simplify the drawing, or check that it is the right file",
        )
        return CheckedSvg("", (problem,))
    checker = _Checker()
    try:
        checker.parser.Parse(text, True)
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
        checker.problems.append(
            SvgProblem(
                exc.lineno,
                f"not valid SVG: {reason}",
                "fix the XML at that line (a tag not closed, or a stray '&' or '<')",
            )
        )
    if not checker.root_seen and not checker.problems:
        checker.problems.append(SvgProblem(None, "the file has no drawing", "draw the figure"))
    if checker.problems:
        return CheckedSvg("", tuple(checker.problems))
    return CheckedSvg("".join(checker.out), ())
