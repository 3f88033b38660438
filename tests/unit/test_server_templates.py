"""The page templates are compiled once for the server's life, not once a page
(`twitchlearn.app.server._Exporter`): Voila makes a new exporter, and so a new Jinja
environment, for every page it renders."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jinja2
import pytest

from twitchlearn.app import server


def compiled_by(exporter: server._Exporter, name: str) -> tuple[str, int]:
    """The template `name` rendered by `exporter`'s environment, and how many times that
    environment compiled a template to get it."""
    environment: jinja2.Environment = exporter.environment
    compiles: list[str] = []
    compile_now = environment.compile

    def counted(*args: Any, **kwargs: Any) -> Any:
        compiles.append(name)
        return compile_now(*args, **kwargs)

    environment.compile = counted  # type: ignore[method-assign]
    # Voila's environments are async; render() would call asyncio.run, which fails in a
    # thread whose loop is running (as it is after other tests), so render in a thread.
    template = environment.get_template(name)
    with ThreadPoolExecutor(1) as pool:
        text = pool.submit(asyncio.run, template.render_async(learner="Jess")).result()
    return text, len(compiles)


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    (tmp_path / "page.html.j2").write_text(
        f"<p>Hello {{{{ learner }}}} ({tmp_path.name})</p>", encoding="utf-8"
    )
    return tmp_path


def test_a_second_page_uses_the_first_pages_compiled_template(template_dir: Path) -> None:
    first = server._Exporter(template_paths=[str(template_dir)])
    assert compiled_by(first, "page.html.j2")[1] == 1
    second = server._Exporter(template_paths=[str(template_dir)])  # the next page's
    text, compiles = compiled_by(second, "page.html.j2")
    assert compiles == 0
    assert text.startswith("<p>Hello Jess")


def test_an_edited_template_is_compiled_again(template_dir: Path) -> None:
    compiled_by(server._Exporter(template_paths=[str(template_dir)]), "page.html.j2")
    (template_dir / "page.html.j2").write_text("<p>Bye {{ learner }}</p>", encoding="utf-8")
    text, compiles = compiled_by(
        server._Exporter(template_paths=[str(template_dir)]), "page.html.j2"
    )
    assert (text, compiles) == ("<p>Bye Jess</p>", 1)
