"""The projector page: the class link in large type and as a QR code phones can scan.

Not part of the core or the ui. The page shows the access key, so the server shows it only
to the machine itself or to a request with the key (`twitchlearn.app.gate`).
"""

from __future__ import annotations

import html

import segno

__all__ = ["projector_page", "qr_svg"]

QR_LABEL = "QR code of the class link"


def qr_svg(link: str) -> str:
    """The link as a QR code, an inline SVG (black on white, with the quiet zone scanners
    need), named for screen readers."""
    code = segno.make(link, error="m", micro=False)
    svg: str = code.svg_inline(scale=10, dark="#000", light="#fff", border=4)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{QR_LABEL}" ', 1)


def projector_page(link: str, key: str | None) -> str:
    """A page to show on the classroom's screen while learners join."""
    escaped = html.escape(link)
    key_line = f'<p class="key">Class key: <strong>{html.escape(key)}</strong></p>' if key else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Join the course</title>
<style>
body {{ font-family: system-ui, sans-serif; color: #111; background: #fff; margin: 0; }}
main {{ max-width: 60rem; margin: 2rem auto; padding: 0 1rem; text-align: center; }}
h1 {{ font-size: 3rem; margin: 0 0 1rem; }}
.link {{ font-size: 2.5rem; font-weight: bold; overflow-wrap: anywhere; margin: 1rem 0; }}
.key {{ font-size: 2rem; }}
.qr svg {{ width: min(28rem, 90vw); height: auto; }}
p {{ font-size: 1.5rem; }}
</style>
</head><body><main>
<h1>Join the course</h1>
<p>Scan the code with your phone, or type this link:</p>
<p class="link"><a href="{escaped}">{escaped}</a></p>
{key_line}
<div class="qr">{qr_svg(link)}</div>
<p>Use the same wifi as this computer.</p>
</main></body></html>
"""
