"""Outputs never destroy what the tool did not make (issue 10, items 1, 2, 8, 10, 11).

`fzzf check -o`: devices, FIFOs and symlinks are written through, never replaced. `fzzf audit`:
the output folder never overlaps an input, files the audit did not write are never
overwritten, the cache key is the bytes actually checked, damaged cache entries are dropped,
the summaries are swapped in together, leftovers of dead runs are swept, and workers die with
their parent. docs/security.md ("Outputs and the batch audit") lists what each test proves.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import SAMPLES

from checker.atomic import write_output
from checker.errors import CheckerError

SAMPLE = SAMPLES / "yunxi-county-2024.txt"


def fzzf(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "1"}
    env.pop("FZZF_LANG", None)
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def one_line(r: subprocess.CompletedProcess[str], status: int) -> str:
    assert r.returncode == status, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]


def _device(path: Path, major: int, minor: int, kind: int = stat.S_IFCHR) -> Path:
    """A device node in a temporary folder, standing in for /dev/null (1,3) or /dev/full (1,7)."""
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot create device nodes here ({exc})")
    if kind == stat.S_IFCHR:
        try:
            os.close(os.open(path, os.O_WRONLY))
        except OSError as exc:  # a file system mounted nodev
            pytest.skip(f"device nodes cannot be opened here ({exc})")
    return path


# --- fzzf check -o -----------------------------------------------------------------------


def test_a_fifo_is_written_in_place(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = fzzf("check", str(SAMPLE), "--format", "json", "--no-fail", "-o", str(fifo))
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO, not a file named like it
    assert b'"reports"' in got[0]


def test_a_character_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    null = _device(tmp_path / "null", 1, 3)
    write_output(null, b"report")
    assert stat.S_ISCHR(os.lstat(null).st_mode)
    full = _device(tmp_path / "full", 1, 7)
    line = one_line(fzzf("check", str(SAMPLE), "--no-fail", "-o", str(full)), 2)
    assert "磁盘空间已满" in line
    assert stat.S_ISCHR(os.lstat(full).st_mode)
    # Proven on the stand-ins above; now the real one, which must stay the system's device.
    before = os.lstat("/dev/null")
    r = fzzf("check", str(SAMPLE), "--no-fail", "-o", "/dev/null")
    after = os.lstat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert r.returncode == 0 and r.stdout == "", r.stderr


def test_a_symlink_keeps_its_link_and_its_target_is_written(tmp_path: Path) -> None:
    target = tmp_path / "real" / "report.txt"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(Path("real") / "report.txt")  # relative, as users make them
    write_output(link, b"new")
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "report.txt")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file's permissions are kept
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.txt"]  # no temp file left
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "new.txt")
    write_output(dangling, b"made")
    assert dangling.is_symlink() and (tmp_path / "new.txt").read_bytes() == b"made"


def test_a_symlink_loop_is_an_error_not_a_replacement(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(OSError) as exc:
        write_output(a, b"x")
    assert exc.value.errno == errno.ELOOP
    assert a.is_symlink() and b.is_symlink()


def test_folders_and_block_devices_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CheckerError) as exc:
        write_output(tmp_path, b"x")
    assert exc.value.key == "output.not_a_file"
    disk = _device(tmp_path / "disk", 7, 0, stat.S_IFBLK)  # a loop device's node: never opened
    with pytest.raises(CheckerError):
        write_output(disk, b"x")
    assert stat.S_ISBLK(os.lstat(disk).st_mode)
    line = one_line(fzzf("check", str(SAMPLE), "--no-fail", "-o", str(tmp_path)), 2)
    assert "不能作为输出文件" in line


def test_dash_is_standard_output(tmp_path: Path) -> None:
    r = fzzf("check", str(SAMPLE), "--format", "json", "--no-fail", "-o", "-")
    assert r.returncode == 0 and r.stdout.lstrip().startswith("{"), r.stderr
    assert not Path("-").exists()


def test_a_new_path_and_a_regular_file_are_replaced_atomically(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "r.json"
    write_output(out, b"one")
    assert out.read_bytes() == b"one"
    write_output(out, b"two")
    assert out.read_bytes() == b"two" and sorted(p.name for p in out.parent.iterdir()) == ["r.json"]


# --- the audit's cache -------------------------------------------------------------------


def _audit_in_process(src: Path, out: Path, **kw: object):  # type: ignore[no-untyped-def]
    from checker.batch.audit import AuditOptions, run_audit

    return run_audit(AuditOptions(paths=[str(src)], outdir=out, jobs=1, **kw))  # type: ignore[arg-type]


def _keys(out: Path) -> list[str]:
    import sqlite3

    db = sqlite3.connect(out / ".cache" / "entries.sqlite")
    try:
        return [k for (k,) in db.execute("SELECT key FROM entries")]
    finally:
        db.close()


def test_a_file_changed_between_lookup_and_check_is_cached_as_what_was_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from checker.batch import audit as audit_mod

    src = tmp_path / "in"
    src.mkdir()
    report = src / "r.txt"
    first, second = SAMPLE.read_bytes(), (SAMPLES / "yunxi-county-2023.txt").read_bytes()
    report.write_bytes(first)
    real = audit_mod.file_digest

    def hash_then_change(path: str) -> str | None:
        digest = real(path)
        Path(path).write_bytes(second)  # replaced after the lookup, before the check
        return digest

    monkeypatch.setattr(audit_mod, "file_digest", hash_then_change)
    out = tmp_path / "out"
    _audit_in_process(src, out)
    keys = _keys(out)
    assert len(keys) == 1 and keys[0].startswith(hashlib.sha256(second).hexdigest())
    monkeypatch.setattr(audit_mod, "file_digest", real)
    report.write_bytes(first)  # the first content was never checked: it must not come from the cache
    result = _audit_in_process(src, out)
    assert (result.checked, result.cached) == (1, 0)


def test_the_same_bytes_as_another_file_type_are_checked_again(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "r.txt").write_bytes(SAMPLE.read_bytes())
    (src / "r.html").write_bytes(SAMPLE.read_bytes())
    out = tmp_path / "out"
    result = _audit_in_process(src, out)
    assert (result.checked, result.cached) == (2, 0)
    assert len(_keys(out)) == 2
    result = _audit_in_process(src, out)
    assert (result.checked, result.cached) == (0, 2)


def test_damaged_cache_entries_are_dropped_with_one_warning_and_checked_again(tmp_path: Path) -> None:
    import json
    import sqlite3
    import zlib

    src = tmp_path / "in"
    src.mkdir()
    for p in SAMPLES.glob("*"):
        if p.suffix in (".txt", ".html"):
            (src / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    assert fzzf("audit", str(src), "-o", str(out), "-j", "1").returncode == 0
    good = json.loads(zlib.decompress(sqlite3.connect(out / ".cache" / "entries.sqlite").execute(
        "SELECT entry FROM entries").fetchone()[0]))
    no_report = {k: v for k, v in good.items() if k != "report"}
    bad_score = {**good, "report": {**good["report"], "score": "high"}}
    no_detail = {**good, "report": {k: v for k, v in good["report"].items() if k != "score_detail"}}
    damages = [b"not zlib at all", zlib.compress(b"[1, 2, 3]"),
               zlib.compress(json.dumps(no_report).encode()), zlib.compress(json.dumps(bad_score).encode()),
               zlib.compress(json.dumps(no_detail).encode()),
               zlib.compress(b" " * (80 << 20))]  # 80 MB of padding in 80 KB: never unpacked whole
    db = sqlite3.connect(out / ".cache" / "entries.sqlite")
    keys = [k for (k,) in db.execute("SELECT key FROM entries ORDER BY key")]
    assert len(keys) == 6
    for key, blob in zip(keys, damages, strict=True):
        db.execute("UPDATE entries SET entry = ? WHERE key = ?", (blob, key))
    db.commit()
    db.close()
    r = fzzf("audit", str(src), "-o", str(out), "-j", "1")
    assert "6 条记录已损坏" in one_line(r, 0)
    assert "新检查 6，沿用缓存 0" in r.stdout
    r = fzzf("audit", str(src), "-o", str(out), "-j", "1")
    assert r.returncode == 0 and r.stderr == "" and "新检查 0，沿用缓存 6" in r.stdout
