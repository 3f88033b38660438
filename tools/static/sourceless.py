"""Compile the Python files of a zip (a wheel, Pyodide's python_stdlib.zip) to bytecode.

Run by tools/static/pycompile.mjs inside Pyodide itself at build time (so the bytecode is
exactly the browser's CPython's), on every wheel the kernel loads and on the standard library.
Pyodide's npm package and PyPI's wheels hold only sources: without this the browser compiles
every module it imports, on every page load (about 2/3 of the CPU of starting the kernel
and importing IPython and the course; docs/performance.md). Each `x.py` becomes `x.pyc` in its
place (the sourceless layout both the path importer and zipimport load), an unchecked
hash-based pyc (PEP 552: no timestamps, so the same input gives the same bytes), and the
wheel's RECORD names the .pyc instead. A file that does not compile is kept as it is.
Pure standard library, any CPython 3: the tests run it on the host's Python.
"""

from __future__ import annotations

import importlib.util
import io
import marshal
import warnings
import zipfile

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, do not check the source


def pyc_bytes(source: bytes, filename: str) -> bytes:
    """The .pyc of `source` for this interpreter, as `filename` (what tracebacks name)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SyntaxWarnings of third-party code
        code = compile(source, filename, "exec", dont_inherit=True)
    return (
        importlib.util.MAGIC_NUMBER
        + UNCHECKED_HASH.to_bytes(4, "little")
        + importlib.util.source_hash(source)
        + marshal.dumps(code)
    )


def sourceless(data: bytes, prefix: str) -> bytes:
    """The zip `data` with each .py replaced by its .pyc; `prefix` is where the zip's files
    are at run time ("/lib/python3.13/site-packages/"), for the code's file names."""
    src = zipfile.ZipFile(io.BytesIO(data))
    compiled: set[str] = set()
    entries: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info in src.infolist():
        body = src.read(info)
        if info.filename.endswith(".py"):
            try:
                body = pyc_bytes(body, prefix + info.filename)
            except (SyntaxError, ValueError):
                pass
            else:
                compiled.add(info.filename)
                info = _renamed(info, info.filename + "c")
        entries.append((info, body))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, body in entries:
            if info.filename.endswith(".dist-info/RECORD"):
                body = _record(body, compiled)
            archive.writestr(info, body)
    return out.getvalue()


def _renamed(info: zipfile.ZipInfo, name: str) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(name, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new.external_attr = info.external_attr
    return new


def _record(body: bytes, compiled: set[str]) -> bytes:
    """RECORD with each compiled `x.py,sha256=...,size` row as `x.pyc,,`."""
    rows = []
    for row in body.decode("utf-8").splitlines():
        path = row.rsplit(",", 2)[0]
        rows.append(f"{path}c,," if path in compiled else row)
    return ("\n".join(rows) + "\n").encode("utf-8")
