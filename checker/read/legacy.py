"""Legacy Word (.doc) and WPS (.wps) files, read through a converter found on the machine.

No kept Python library reads the binary Word format, so these files are converted by a
program the office already has: LibreOffice in headless mode turns them into .docx, which the
.docx reader then reads as Word shows it (numbering, tracked changes, tables). Without
LibreOffice, a .doc is read by antiword when that is installed (text only). Kingsoft WPS
Writer's .wps files are the Word binary format under another name, so LibreOffice reads them
too. LibreOffice is held to its Word 97 import filter: left to guess, it would import any
damaged file as plain text. With no converter the error is one line naming what to install.

The converter runs on a copy in a private temporary folder (never on the user's file or
name), with its own LibreOffice profile (so parallel audit workers do not collide), in its
own process group that is killed on timeout or interruption, and its output is size-checked
before it is read.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from checker.errors import InputError
from checker.model import Document
from checker.read import docx
from checker.read.archive import DEFAULT_BUDGET
from checker.read.clean import Fields, clean_text, is_title

CONVERT_TIMEOUT = 60.0  # seconds for one conversion; LibreOffice starts in 2-5 s
MAX_OUTPUT = DEFAULT_BUDGET  # bytes of converted output read back
INSTALL_HINT = "apt-get install libreoffice-writer-nogui"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # compound-file signature of .doc/.wps


def soffice() -> str | None:
    """LibreOffice's command, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def antiword() -> str | None:
    """The antiword command, if installed (reads .doc only)."""
    return shutil.which("antiword")


def _run(cmd: list[str], cwd: str, source: str, env: dict[str, str] | None = None) -> bytes:
    """Run a converter in its own process group; kill the whole group on timeout or error."""
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    except OSError as exc:
        raise InputError("input.unreadable", path=source, reason=exc.strerror or str(exc)) from exc
    try:
        out, _ = proc.communicate(timeout=CONVERT_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise InputError("input.timeout", path=source, seconds=f"{CONVERT_TIMEOUT:g}") from exc
    finally:
        if proc.returncode is None:  # timed out or interrupted (SIGALRM, Ctrl-C): leave nothing running
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass
            proc.wait()
    if proc.returncode != 0:
        raise InputError("input.bad_doc", path=source)
    if len(out) > MAX_OUTPUT:
        raise InputError("input.zip_bomb", path=source)
    return out


def _with_libreoffice(exe: str, data: bytes, suffix: str, source: str) -> tuple[list[str], str]:
    with tempfile.TemporaryDirectory(prefix="fzzf-convert-") as tmp:
        src = Path(tmp) / f"input{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LANG": "C.UTF-8"}
        _run([exe, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless", "--norestore",
              "--nologo", "--nolockcheck", "--infilter=MS Word 97", "--convert-to", "docx", "--outdir", str(out),
              str(src)], tmp, source, env)
        result = out / "input.docx"
        if not result.is_file():
            raise InputError("input.bad_doc", path=source)  # LibreOffice did not recognise the file
        if result.stat().st_size > MAX_OUTPUT:
            raise InputError("input.zip_bomb", path=source)
        try:
            return docx.read_lines(result.read_bytes(), source)
        except InputError as exc:
            if exc.key == "input.bad_docx":
                raise InputError("input.bad_doc", path=source) from exc
            raise


def _with_antiword(exe: str, data: bytes, source: str) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="fzzf-convert-") as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        out = _run([exe, "-m", "UTF-8.txt", "-w", "0", str(src)], tmp, source,
                   {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp})
    return out.decode("utf-8", "replace").splitlines()


def read_legacy(data: bytes, source: str, suffix: str) -> Document:
    """Read a .doc or .wps file through the converter the machine has."""
    if not data.startswith(_OLE):
        raise InputError("input.bad_doc", path=source)
    office, words = soffice(), antiword()
    title = ""
    if office:
        lines, title = _with_libreoffice(office, data, suffix, source)
    elif suffix == ".doc" and words:
        lines = _with_antiword(words, data, source)
    else:
        raise InputError("input.needs_converter", path=source, suffix=suffix, install=INSTALL_HINT)
    fields = Fields()
    if title and is_title(title):
        fields.offer("title", title, "doc:title")
    text = clean_text("\n".join(lines), fields)
    return Document(source=source, text=text, format=suffix.lstrip("."), encoding=suffix.lstrip("."),
                    fields=fields.values, field_sources=fields.sources)


def read_doc(data: bytes, source: str) -> Document:
    """Read a legacy Word .doc file."""
    return read_legacy(data, source, ".doc")


def read_wps(data: bytes, source: str) -> Document:
    """Read a Kingsoft WPS Writer .wps file."""
    return read_legacy(data, source, ".wps")
