"""The lessons' figures (issue 12): drawn for the course, checked by the loader, shown inline.

- The shipped figures: one in each of lessons 1, 2 and 4, in the section it explains; each
  file is package data; alt text and caption read at grade 6 or below (textstat, as the
  lessons are measured, and the loader's own `reading_grade`).
- Their colours pass WCAG 2 contrast (text 4.5:1 on what it sits on, lines and solid shapes
  3:1), and their labels are at least 14 px on a 320 px wide screen.
- A broken figure is refused by the one loader with file, line, field and fix: a file that
  is not there, a name that is a path, a link out of figures/, missing or hard alt text,
  an empty caption, and an SVG that is not safe to put in a page (<script>, on* handlers,
  outside links, <foreignObject>, and the rest of `twitchlearn.svg`).
- The markup the page gets is written out again by the checker, so what the browser parses
  is what was checked (a CDATA section cannot smuggle HTML past it).
- The lesson page shows a <figure>: the SVG with role="img" and the alt text as its name,
  then the caption.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import textstat
from ruamel.yaml import YAML

from tests.conftest import LESSON_01
from twitchlearn import load_content
from twitchlearn.errors import ContentError
from twitchlearn.loading import CONTENT_DIR, read_content
from twitchlearn.models import Figure, Lesson
from twitchlearn.rules import MAX_READING_GRADE, reading_grade
from twitchlearn.session import LearnerSession
from twitchlearn.svg import SVG_NS, check_svg
from twitchlearn.ui.pages import LessonPage, figure_html

FIGURES = CONTENT_DIR / "figures"
ROOT = CONTENT_DIR.parents[1]
# Where each figure belongs: (lesson id, section heading, file).
PLACES = [
    ("what-is-twitching", "Why a muscle twitches", "motor-unit.svg"),
    ("causes", "Most twitches have everyday triggers", "triggers.svg"),
    ("diagnosis", "Then, a check of your muscles and nerves", "exam-checks.svg"),
]
# The narrowest width a figure gets on a 320 px screen (tests/browser/test_figures.py
# measures the real page), and the smallest label it may show there.
NARROW_FIGURE_PX = 270  # 276 px measured in Voila
MIN_LABEL_PX = 14
SVG = f"{{{SVG_NS}}}"

GOOD_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">\n'
    '  <rect x="0" y="0" width="100" height="50" fill="#ffffff"/>\n'
    '  <text x="4" y="30" font-size="14" fill="#1a1a1a">A label</text>\n'
    "</svg>\n"
)


def shipped_figures() -> Iterator[tuple[Lesson, int, Figure]]:
    for lesson in load_content().course.lessons:
        for index, section in enumerate(lesson.sections):
            if section.figure is not None:
                yield lesson, index, section.figure


# --- the shipped figures ----------------------------------------------------------------------


def test_each_figure_sits_in_the_section_it_explains() -> None:
    found = [
        (lesson.id, lesson.sections[index].heading, figure.file)
        for lesson, index, figure in shipped_figures()
    ]
    assert found == PLACES


def test_every_shipped_figure_is_checked_clean_and_kept_once() -> None:
    content = load_content()
    assert sorted(content.figures) == sorted(file for *_, file in PLACES)
    for name, markup in content.figures.items():
        assert markup.startswith(f'<svg xmlns="{SVG_NS}" viewBox='), name
        assert check_svg(markup).markup == markup  # cleaning it again changes nothing
        assert "<!--" not in markup  # comments are for authors, not the page
    assert sorted(p.name for p in FIGURES.glob("*.svg")) == sorted(content.figures)


def test_every_figure_file_is_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["twitchlearn"]
    package = CONTENT_DIR.parent
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    figures = set(FIGURES.glob("*.svg"))
    assert figures
    assert figures <= shipped, f"not shipped: {sorted(map(str, figures - shipped))}"


@pytest.mark.parametrize("part", ["alt", "caption"])
def test_alt_text_and_captions_read_at_grade_six_or_below(part: str) -> None:
    for lesson, _index, figure in shipped_figures():
        text = getattr(figure, part)
        grade = float(textstat.flesch_kincaid_grade(text))
        assert grade <= MAX_READING_GRADE, f"{lesson.id} {figure.file} {part}: grade {grade}"
        assert reading_grade(text) <= MAX_READING_GRADE


def test_the_lesson_text_holds_alt_and_caption_for_the_readability_test() -> None:
    for lesson, _index, figure in shipped_figures():
        assert figure.alt in lesson.text()
        assert figure.caption in lesson.text()


def test_the_loaders_reading_grade_agrees_with_textstat() -> None:
    """The loader cannot use textstat (a test dependency only), so it counts for itself. It
    counts syllables by vowels, textstat by hyphenation, which finds fewer ('medicine': 1),
    so the loader is a little stricter, never much more lenient."""
    texts: list[str] = []
    for lesson in load_content().course.lessons:
        texts.extend(section.body for section in lesson.sections)
        texts.extend((lesson.overview, lesson.text(), lesson.question_text()))
    for text in texts:
        ours, theirs = reading_grade(text), float(textstat.flesch_kincaid_grade(text))
        assert -1 <= ours - theirs <= 2, f"{ours:.1f} vs textstat {theirs:.1f}: {text[:60]}"
    hard = (
        "Notwithstanding considerable interindividual heterogeneity, electrophysiological "
        "characterisation necessitates comprehensive neurophysiological evaluation."
    )
    assert reading_grade(hard) > MAX_READING_GRADE


# --- colours and sizes: WCAG 2 -----------------------------------------------------------------


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of #rgb or #rrggbb."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_formula_matches_wcag() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast("#fff", "#ffffff") == pytest.approx(1.0)


_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


class Painted:
    """One drawn element with the fill, stroke and font size it ends up with."""

    def __init__(self, element: ET.Element, inherited: dict[str, str]) -> None:
        self.element = element
        self.tag = element.tag.removeprefix(SVG)
        self.style = {**inherited, **{k: element.get(k, "") for k in PAINT if element.get(k)}}

    @property
    def fill(self) -> str:
        if self.tag == "line":
            return "none"  # a line has no inside to fill
        return self.style.get("fill", "#000000")  # SVG's default fill is black

    @property
    def stroke(self) -> str:
        return self.style.get("stroke", "none")

    def covers(self, x: float, y: float) -> bool:
        """Whether this rect or circle covers the point (labels sit on rects or circles)."""

        def get(name: str) -> float:
            return float(self.element.get(name, "0"))

        if self.tag == "rect":
            return get("x") <= x <= get("x") + get("width") and (
                get("y") <= y <= get("y") + get("height")
            )
        if self.tag == "circle":
            return math.hypot(x - get("cx"), y - get("cy")) <= get("r")
        return False


PAINT = ("fill", "stroke", "font-size")
SHAPES = {"rect", "circle", "ellipse", "line", "polyline", "polygon", "path"}


def painted(svg: ET.Element) -> list[Painted]:
    out: list[Painted] = []

    def walk(element: ET.Element, inherited: dict[str, str]) -> None:
        item = Painted(element, inherited)
        out.append(item)
        for child in element:
            walk(child, item.style)

    walk(svg, {})
    return out


def parsed(name: str) -> ET.Element:
    return ET.fromstring((FIGURES / name).read_text(encoding="utf-8"))  # noqa: S314 (ours)


@pytest.mark.parametrize("name", [file for *_, file in PLACES])
def test_figure_colours_have_enough_contrast(name: str) -> None:
    """Text 4.5:1 against the rect or circle it sits on (else the background); lines, and
    shapes filled without an outline, 3:1 against the background and every area (a shape
    with an outline is an area: its outline carries the edge, its fill may be pale)."""
    svg = parsed(name)
    _, _, width, height = (float(n) for n in svg.get("viewBox", "").split())
    items = painted(svg)
    for item in items:
        for colour in (item.fill, item.stroke):
            assert colour == "none" or _HEX.match(colour), f"{name}: use #rrggbb, not {colour!r}"
    background, *drawn = [i for i in items if i.tag in SHAPES | {"text"}]
    assert background.tag == "rect", "draw a background rect first"
    assert background.covers(0, 0), "the background must cover the whole figure"
    assert background.covers(width, height), "the background must cover the whole figure"
    areas = {background.fill} | {
        i.fill for i in drawn if i.tag in SHAPES and i.stroke != "none" and i.fill != "none"
    }
    for index, item in enumerate(drawn):
        what = f"{name}: <{item.tag}> {item.element.get('d') or item.element.attrib}"
        if item.tag == "text":
            x, y = float(item.element.get("x", 0)), float(item.element.get("y", 0))
            size = float(item.style["font-size"])
            under = [i for i in drawn[:index] if i.fill != "none" and i.covers(x, y - size / 2)]
            ground = under[-1].fill if under else background.fill
            ratio = contrast(item.fill, ground)
            assert ratio >= 4.5, f"{what} {item.element.text!r}: text {ratio:.2f}:1 on {ground}"
            continue
        lines = [item.stroke] if item.stroke != "none" else []
        if item.stroke == "none" and item.fill != "none":
            lines.append(item.fill)  # a solid shape: its fill is what you see
        for colour in lines:
            for area in areas:
                if colour != area:
                    ratio = contrast(colour, area)
                    assert ratio >= 3, f"{what}: {colour} is {ratio:.2f}:1 on {area}"


@pytest.mark.parametrize("name", [file for *_, file in PLACES])
def test_labels_are_large_and_few_enough_for_a_phone(name: str) -> None:
    svg = parsed(name)
    width = float(svg.get("viewBox", "").split()[2])
    texts = [item for item in painted(svg) if item.tag == "text"]
    assert 1 <= len(texts) <= 12, f"{name}: {len(texts)} labels; keep a figure to a few"
    for item in texts:
        shown = float(item.style["font-size"]) * NARROW_FIGURE_PX / width
        assert shown >= MIN_LABEL_PX, f"{name}: {item.element.text!r} is {shown:.1f} px at 320"
    assert not svg.get("width"), "let the page size it (viewBox only)"
    assert not svg.get("height"), "let the page size it (viewBox only)"


# --- broken figures are refused by the loader -----------------------------------------------


def edit_figure(folder: Path, change: Callable[[Any], None]) -> int:
    """Apply `change` to the figure of lesson 01 (a ruamel mapping); return its section."""
    yaml = YAML()
    path = folder / LESSON_01
    data = yaml.load(path)
    (index,) = [i for i, s in enumerate(data["sections"]) if "figure" in s]
    change(data["sections"][index]["figure"])
    yaml.dump(data, path)
    return index


def use_svg(folder: Path, text: str, name: str = "drawn.svg") -> None:
    """Write `text` as figures/`name` and make lesson 01's figure show it."""
    (folder / "figures" / name).write_text(text, encoding="utf-8")
    edit_figure(folder, lambda figure: figure.update(file=name))


def problems(folder: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        read_content(folder)
    return [str(problem) for problem in info.value.problems]


def the_problem(folder: Path) -> str:
    (found,) = problems(folder)
    return found


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_the_small_course_with_its_figure_loads(content_dir: Path) -> None:
    content = read_content(content_dir)
    assert list(content.figures) == ["motor-unit.svg"]


def test_a_figure_file_that_is_not_there(content_dir: Path) -> None:
    (content_dir / "figures" / "motor-unit.svg").unlink()
    index = edit_figure(content_dir, lambda figure: None)
    line = line_of(content_dir / LESSON_01, "file: motor-unit.svg")
    assert the_problem(content_dir) == (
        f"{LESSON_01}:{line}, lesson what-is-twitching, field 'sections[{index}].figure.file': "
        "the figure 'motor-unit.svg' is not in figures/ of the content folder. Fix: put the "
        "SVG file in figures/ (copy it with the lesson), or fix the name"
    )


@pytest.mark.parametrize(
    "name", ["../course.yaml", "../figures/motor-unit.svg", "/etc/hosts.svg", "sub/x.svg", ".x.svg"]
)
def test_a_figure_named_by_a_path_is_refused(content_dir: Path, name: str) -> None:
    index = edit_figure(content_dir, lambda figure: figure.update(file=name))
    found = the_problem(content_dir)
    assert f"field 'sections[{index}].figure.file': {name!r} is not the name of a file" in found
    assert "Fix: give just the file's name, such as motor-unit.svg" in found


def test_a_figure_that_links_out_of_the_folder_is_refused(
    content_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.svg"
    outside.write_text(GOOD_SVG, encoding="utf-8")
    os.symlink(outside, content_dir / "figures" / "linked.svg")
    edit_figure(content_dir, lambda figure: figure.update(file="linked.svg"))
    found = the_problem(content_dir)
    assert "the figure 'linked.svg' is a link to a file outside figures/" in found
    assert "Fix: put the SVG file itself in figures/, not a link to it" in found


def test_a_figure_without_alt_text_is_refused(content_dir: Path) -> None:
    index = edit_figure(content_dir, lambda figure: figure.pop("alt"))
    found = the_problem(content_dir)
    assert f"field 'sections[{index}].figure.alt': this required field is missing" in found


@pytest.mark.parametrize("part", ["alt", "caption"])
def test_an_empty_alt_text_or_caption_is_refused(content_dir: Path, part: str) -> None:
    index = edit_figure(content_dir, lambda figure: figure.update({part: "  "}))
    found = the_problem(content_dir)
    assert f"field 'sections[{index}].figure.{part}': the {part} text is empty. Fix: " in found


def test_alt_text_in_hard_words_is_refused(content_dir: Path) -> None:
    hard = (
        "Schematic representation of neuromuscular innervation demonstrating "
        "asynchronous depolarisation of individual motor unit territories."
    )
    index = edit_figure(content_dir, lambda figure: figure.update(alt=hard))
    line = line_of(content_dir / LESSON_01, "alt:")
    found = the_problem(content_dir)
    assert found.startswith(f"{LESSON_01}:{line}, lesson what-is-twitching, ")
    assert re.search(
        rf"field 'sections\[{index}\]\.figure\.alt': the alt text reads at grade \d+\.\d, "
        r"above the course's 6\. Fix: use shorter sentences and plainer words",
        found,
    )


def test_forbidden_wording_in_a_caption_is_refused(content_dir: Path) -> None:
    edit_figure(content_dir, lambda figure: figure.update(caption="About 70% of people twitch."))
    assert "forbidden wording '%'" in the_problem(content_dir)


UNSAFE = {
    "script": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        "<script>alert(1)</script>\n</svg>",
        2,
        "a <script> element: a figure must not run code. Fix: remove the <script> element",
    ),
    "event-handler": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n\n'
        '<rect width="5" height="5" onmouseover="alert(1)"/>\n</svg>',
        3,
        "an event handler (onmouseover=): a figure must not run code. Fix: remove the "
        "onmouseover attribute",
    ),
    "onload-on-the-root": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" OnLoad="alert(1)"/>',
        1,
        "an event handler (OnLoad=)",
    ),
    "outside-href": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        '<use href="https://example.org/a.svg#x"/>\n</svg>',
        2,
        "a link to 'https://example.org/a.svg#x': a figure may only point inside itself. "
        'Fix: use href="#id" of an element in the same file, or remove it',
    ),
    "outside-xlink-href": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' viewBox="0 0 10 10">\n<use xlink:href="javascript:alert(1)"/>\n</svg>',
        2,
        "a link to 'javascript:alert(1)': a figure may only point inside itself",
    ),
    "foreign-object": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>\n'
        "</svg>",
        2,
        "a <foreignObject> element: it puts HTML inside the drawing. Fix: remove the "
        "<foreignObject> element",
    ),
    "style-element": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        "<style>body { display: none }</style>\n</svg>",
        2,
        "a <style> element: its CSS would restyle the whole page",
    ),
    "url-that-loads": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        '<rect width="5" height="5" fill="url(https://example.org/x)"/>\n</svg>',
        2,
        "url(https://example.org/x) in fill=: a figure must not load anything",
    ),
    "animation-that-sets-a-link": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        '<set attributeName="href" to="javascript:alert(1)"/>\n</svg>',
        2,
        "a <set> element: animation can change a link",
    ),
    "an-html-element": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n'
        '<img src="x" onerror="alert(1)"/>\n</svg>',
        2,
        "element <img> is not one a course figure may use",
    ),
    "doctype-with-entities": (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n]>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>&a;</text></svg>',
        2,
        "a DOCTYPE: a figure needs none",
    ),
    "no-namespace": ('<svg viewBox="0 0 10 10"/>', 1, "element <svg> is not an SVG element"),
    "no-viewbox": (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
        1,
        "the <svg> element has no viewBox, so the figure cannot scale to the page",
    ),
    "not-xml": (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">\n<rect>\n</svg>',
        3,
        "not valid SVG: mismatched tag. Fix: fix the XML at that line",
    ),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_an_unsafe_or_broken_svg_is_refused_at_its_line(content_dir: Path, case: str) -> None:
    text, line, message = UNSAFE[case]
    use_svg(content_dir, text)
    found = problems(content_dir)
    assert found[0].startswith(f"figures/drawn.svg:{line}, figure drawn.svg: {message}"), found


def test_a_good_svg_of_a_teachers_own_is_accepted(content_dir: Path) -> None:
    use_svg(content_dir, GOOD_SVG)
    content = read_content(content_dir)
    assert list(content.figures) == ["drawn.svg"]


def test_a_figure_used_twice_is_checked_once(content_dir: Path) -> None:
    use_svg(content_dir, UNSAFE["script"][0])
    yaml = YAML()
    path = content_dir / LESSON_01
    data = yaml.load(path)
    data["sections"][0]["figure"] = {"file": "drawn.svg", "alt": "A cat.", "caption": "A cat."}
    yaml.dump(data, path)
    assert len([p for p in problems(content_dir) if "<script>" in p]) == 1


def test_a_changed_figure_is_read_again_not_taken_from_the_cache(
    content_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from twitchlearn import loading

    monkeypatch.setenv("TWITCHLEARN_CACHE", str(tmp_path / "cache"))
    use_svg(content_dir, GOOD_SVG)
    before = loading._cache_file(content_dir.resolve())
    (content_dir / "figures" / "drawn.svg").write_text(UNSAFE["script"][0], encoding="utf-8")
    assert loading._cache_file(content_dir.resolve()) != before


# --- what the page gets -----------------------------------------------------------------------


def test_the_markup_is_written_out_again_so_html_cannot_hide_in_it() -> None:
    # In an HTML page, a CDATA section inside <title> is not CDATA: copied as it stands, the
    # <img> below would run. Written out again, it is text.
    sneaky = (
        '<?xml version="1.0"?>\n<!-- a comment -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="300" height="9"'
        ' class="x" role="presentation" aria-hidden="true">'
        "<title><![CDATA[><img src=x onerror=alert(1)>]]></title>"
        '<text x="1" y="5">a &amp; b &lt; c</text></svg>'
    )
    checked = check_svg(sneaky)
    assert checked.problems == ()
    assert checked.markup == (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10">'
        "<title>&gt;&lt;img src=x onerror=alert(1)&gt;</title>"
        '<text x="1" y="5">a &amp; b &lt; c</text></svg>'
    )


def test_xlink_href_to_a_fragment_is_kept_as_href() -> None:
    checked = check_svg(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10"><defs><circle id="dot" r="1"/></defs>'
        '<use xlink:href="#dot" fill="url(#dot)"/></svg>'
    )
    assert checked.problems == ()
    assert '<use href="#dot" fill="url(#dot)"></use>' in checked.markup


def test_the_lesson_page_shows_the_figure_with_its_name_and_caption() -> None:
    content = load_content()
    html = LessonPage("what-is-twitching", LearnerSession(content)).body().html
    (figure,) = [s.figure for s in content.course.lesson("what-is-twitching").sections if s.figure]
    assert html.count('<figure class="tl-figure">') == 1
    start = html.index('<figure class="tl-figure">')
    shown = html[start : html.index("</figure>", start)]
    label = figure.alt.replace("'", "&#x27;")
    assert shown.startswith(
        f'<figure class="tl-figure"><svg class="tl-figure-art" role="img" aria-label="{label}" '
        f'focusable="false" xmlns="{SVG_NS}" viewBox="0 0 400 410"'
    )
    assert shown.endswith(f"<figcaption>{figure.caption}</figcaption>")
    # The figure comes after the text it explains, before that section's sources.
    section = html[html.index("<h3>Why a muscle twitches</h3>") :]
    assert section.index("<p>") < section.index("<figure") < section.index('class="tl-cite"')


def test_alt_text_and_caption_are_escaped() -> None:
    figure = Figure(file="x.svg", alt='A "quote" <b>', caption="<script>x</script>")
    html = figure_html(figure, check_svg(GOOD_SVG).markup)
    assert 'aria-label="A &quot;quote&quot; &lt;b&gt;"' in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
