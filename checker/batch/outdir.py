"""The audit's output folder: never an input, and never anyone else's files.

`fzzf audit DIR -o DIR` used to replace an input report named `summary.html`, and an output
folder inside an input folder was audited again on every re-run. So before anything is
written, `OutputFolder.claim`:

- refuses an output folder that is an input folder, lies inside one, or contains an input
  (compared after resolving symlinks): the audit never reads its own outputs;
- refuses a folder that is not empty unless an earlier audit marked it as its own (the marker
  file `.fzzf-audit.json` lists every file the audit has written there);
- refuses to write a summary over a file the marker does not list, and gives an agency page
  another name rather than overwrite an unlisted file;
- removes what runs that died (kill -9, a power cut) left behind: scratch row databases,
  temporary files and folders whose process is gone; only in a marked folder, only names the
  audit makes.

Names are entered in the marker before their files are written, so a run that dies between
the two never leaves an audit-made file the next run would refuse.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
from collections.abc import Iterable
from pathlib import Path

from checker.atomic import STRAY_SWAP, STRAY_TMP, write_text
from checker.batch.rows import STRAY_ROWS
from checker.errors import CheckerError

MARKER = ".fzzf-audit.json"
SUMMARIES = ("summary.csv", "summary.xlsx", "summary.html", "summary.json")
AGENCIES = "agencies"
CACHE = ".cache"
MAX_MARKER = 64 << 20  # bytes: three names per agency, tens of thousands of agencies fit easily


def _within(path: str, folder: str) -> bool:
    """`path` is `folder` or lies inside it (both resolved)."""
    return os.path.commonpath([path, folder]) == folder


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (one of another user counts as alive)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


class OutputFolder:
    """The output folder of one audit, with the names the audit owns in it."""

    def __init__(self, root: Path, owned: set[str]) -> None:
        self.root = root
        self.owned = owned

    @classmethod
    def claim(cls, root: Path, inputs: Iterable[str]) -> OutputFolder:
        """Check that the audit may write to `root`, create it if need be, tidy and mark it.

        Raises CheckerError (`outdir.overlaps`, `outdir.foreign`, `outdir.not_ours`) when it
        may not; OSError when the folder cannot be created or the marker written.
        """
        refuse_overlap(root, inputs)
        marker = root / MARKER
        owned: set[str] = set()
        marked = os.path.lexists(marker)
        if root.is_dir():
            if marked:
                owned = _read_marker(marker, root)
            elif any(root.iterdir()):
                raise CheckerError("outdir.foreign", out=str(root), marker=MARKER)
        else:
            root.mkdir(parents=True, exist_ok=True)
        folder = cls(root, owned)
        if marked:
            folder.sweep()
        for name in SUMMARIES:
            folder.require(name)
        folder.subdir(AGENCIES)
        folder.subdir(CACHE)
        folder.record(SUMMARIES)
        return folder

    def free(self, rel: str) -> bool:
        """The audit may write `rel` (a path relative to the folder, `/`-separated)."""
        return rel in self.owned or not os.path.lexists(self.root / rel)

    def require(self, rel: str) -> None:
        """Raise `outdir.not_ours` unless the audit may write `rel`."""
        if not self.free(rel):
            raise CheckerError("outdir.not_ours", path=str(self.root / rel))

    def subdir(self, rel: str) -> Path:
        """A folder of the audit's own inside the output folder, created if missing.

        A symlink or a file in its place is refused: pages must not land outside the folder.
        """
        path = self.root / rel
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            path.mkdir()
            return path
        if not stat.S_ISDIR(st.st_mode):
            raise CheckerError("outdir.not_ours", path=str(path))
        return path

    def record(self, rels: Iterable[str]) -> None:
        """Enter names in the marker (before their files are written)."""
        new = set(rels) - self.owned
        if not new and os.path.lexists(self.root / MARKER):
            return
        self.owned |= new
        body = {"written_by": "fzzf audit", "files": sorted(self.owned)}
        write_text(self.root / MARKER, json.dumps(body, ensure_ascii=False, indent=0) + "\n")

    def sweep(self) -> None:
        """Remove scratch databases, temporary files and folders of audits that died."""
        for folder, pattern in ((self.root / CACHE, STRAY_ROWS), (self.root, STRAY_TMP),
                                (self.root / AGENCIES, STRAY_TMP), (self.root, STRAY_SWAP)):
            try:
                names = os.listdir(folder)
            except OSError:
                continue
            for name in names:
                m = pattern.match(name)
                if m is None or _alive(int(m.group(1))):
                    continue
                path = folder / name
                try:
                    if stat.S_ISDIR(os.lstat(path).st_mode):
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                except OSError:
                    pass


def refuse_overlap(root: Path, inputs: Iterable[str]) -> None:
    """Raise `outdir.overlaps` when the output folder is, is inside, or contains an input."""
    out = os.path.realpath(root)
    for given in inputs:
        if not os.path.lexists(given):
            continue  # reported as a missing file
        source = os.path.realpath(given)
        if _within(source, out) or (os.path.isdir(source) and _within(out, source)):
            raise CheckerError("outdir.overlaps", out=str(root), input=given)


_NAME = re.compile(r"^[^/\x00]+(/[^/\x00]+)*$")


def _read_marker(marker: Path, root: Path) -> set[str]:
    """The names the marker lists; a marker that is not a small regular JSON file lists none."""
    try:
        fd = os.open(marker, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise CheckerError("outdir.foreign", out=str(root), marker=MARKER) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_MARKER:
            raise CheckerError("outdir.foreign", out=str(root), marker=MARKER)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = json.loads(fh.read())
    except (OSError, ValueError):
        return set()
    finally:
        os.close(fd)
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return set()
    return {f for f in files if isinstance(f, str) and _NAME.match(f) and ".." not in f.split("/")}
