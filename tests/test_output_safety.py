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


def test_an_input_is_never_the_output(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_bytes(SAMPLE.read_bytes())
    (tmp_path / "link.txt").symlink_to(report)
    for target in (report, tmp_path / "link.txt"):
        assert "不能作为输出文件" in one_line(fzzf("check", str(report), "--no-fail", "-o", str(target)), 2)
    assert report.read_bytes() == SAMPLE.read_bytes()


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


def test_swapped_files_move_together_or_not_at_all(tmp_path: Path) -> None:
    from checker.atomic import swapping

    names = ("a.csv", "b.json")
    for n in names:
        (tmp_path / n).write_text("old")
    with pytest.raises(OSError), swapping(tmp_path, names) as tmp:
        (tmp / "a.csv").write_text("new")
        raise OSError(errno.ENOSPC, "full")  # before b.json is written
    (tmp_path / "b.json").unlink()
    (tmp_path / "b.json").mkdir()  # something the second rename would fail on
    with pytest.raises(IsADirectoryError), swapping(tmp_path, names) as tmp:
        for n in names:
            (tmp / n).write_text("new")
    assert (tmp_path / "a.csv").read_text() == "old"
    (tmp_path / "b.json").rmdir()
    with swapping(tmp_path, names) as tmp:
        for n in names:
            (tmp / n).write_text("new")
    assert [(tmp_path / n).read_text() for n in names] == ["new", "new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)


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


def test_a_bad_entry_of_this_run_is_left_out_of_its_agency_page_not_a_crash(tmp_path: Path) -> None:
    """Entries the run's workers wrote are read back unchecked; one the pages cannot use is then
    checked after all and left out, as an entry from an older run would be."""
    import json

    from checker.api import Checker, Overrides
    from checker.batch import worker
    from checker.batch.record import entry_for
    from checker.compiled import compiled

    rules = compiled()
    worker.init(rules, "zh", Overrides(), str(tmp_path / "cache"), "s")
    good = entry_for(Checker(rules=rules).check_path(SAMPLE), rules.ruleset, "d1")
    cache = worker._STATE["cache"]
    assert cache.put("d1", "txt", good)
    assert cache.put("d2", "txt", {**good, "report": {**good["report"], "score": "high"}})
    (tmp_path / "pages").mkdir()
    assert worker.write_agency("云溪县", "county", [("d1", "a.txt"), ("d2", "b.txt")], str(tmp_path / "pages"),
                               "x") == ("云溪县", "county", True)
    page = json.loads((tmp_path / "pages" / "x.json").read_text(encoding="utf-8"))
    assert [r["source"] for r in page["reports"]] == ["a.txt"]
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["x.html", "x.json", "x.md"]


# --- the audit's output folder -------------------------------------------------------------


def _inputs(folder: Path, copies: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in SAMPLES.glob("*"):
        if p.suffix in (".txt", ".html"):
            for k in range(copies):
                (folder / (p.name if k == 0 else f"{p.stem}-{k}{p.suffix}")).write_bytes(p.read_bytes())
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_output_folder_that_is_an_input_is_refused_and_nothing_is_touched(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    (src / "summary.html").write_text("<p>一份名为 summary.html 的输入报告</p>", encoding="utf-8")
    before = _tree(src)
    assert "重叠" in one_line(fzzf("audit", str(src), "-o", str(src), "-j", "1"), 2)
    assert "重叠" in one_line(fzzf("audit", str(src), "-o", str(src / "out"), "-j", "1"), 2)
    assert _tree(src) == before and not (src / "out").exists()
    out = tmp_path / "out"
    out.mkdir()
    (out / "x.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "link").symlink_to(src)  # the same folder by another name
    assert "重叠" in one_line(fzzf("audit", str(tmp_path / "link"), "-o", str(src / "sub"), "-j", "1"), 2)
    assert "重叠" in one_line(fzzf("audit", str(out / "x.txt"), "-o", str(out), "-j", "1"), 2)


def test_a_folder_holding_other_files_is_refused(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    line = one_line(fzzf("audit", str(src), "-o", str(out), "-j", "1"), 2)
    assert "不是空文件夹" in line and ".fzzf-audit.json" in line
    assert _tree(out) == {"notes.txt": b"mine"}


def test_a_file_the_audit_did_not_write_is_never_overwritten(tmp_path: Path) -> None:
    import json

    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    (out / "agencies").mkdir(parents=True)
    (out / ".fzzf-audit.json").write_text('{"files": []}')  # a marker that claims nothing
    (out / "agencies" / "云溪县.html").write_text("someone else's page")
    result = _audit_in_process(src, out)
    assert (out / "agencies" / "云溪县.html").read_text() == "someone else's page"
    assert (out / "agencies" / "云溪县_2.html").is_file()
    assert "agencies/云溪县_2.html" in (out / "summary.html").read_text(encoding="utf-8")
    owned = set(json.loads((out / ".fzzf-audit.json").read_text())["files"])
    assert "agencies/云溪县_2.html" in owned and "agencies/云溪县.html" not in owned
    assert result.agencies == 4
    (out / "summary.csv").unlink()
    (out / "summary.csv").write_text("my own table")  # listed, but replaced by the user: …
    (out / ".fzzf-audit.json").write_text('{"files": ["agencies/云溪县_2.html"]}')  # … and no longer listed
    line = one_line(fzzf("audit", str(src), "-o", str(out), "-j", "1"), 2)
    assert "summary.csv" in line and "不会覆盖" in line
    assert (out / "summary.csv").read_text() == "my own table"


def test_rerunning_into_the_same_folder_gives_the_same_rows(tmp_path: Path) -> None:
    import json

    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    counts = []
    for _ in range(3):
        _audit_in_process(src, out)
        counts.append(len(json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"]))
    assert counts == [6, 6, 6]


# --- leftovers, full disks, signals -------------------------------------------------------


def _dead_pid() -> int:
    p = subprocess.Popen(["true"])
    p.wait()
    return p.pid


def test_leftovers_of_dead_runs_are_swept_and_only_those(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    _audit_in_process(src, out)
    dead, alive = _dead_pid(), os.getpid()
    stale = [out / ".cache" / f".rows-{dead}-abcd_123.sqlite", out / f".summary.csv.{dead}.k2j4h5g6.tmp",
             out / "agencies" / f".云溪县.html.{dead}.zz9_aa0b.tmp", out / f".swap.{dead}.q1w2e3r4" / "summary.csv"]
    kept = [out / ".cache" / f".rows-{alive}-abcd_123.sqlite", out / ".cache" / ".rows-notes.sqlite",
            out / "agencies" / "notes.tmp"]
    for p in stale + kept:
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"x")
    _audit_in_process(src, out)
    assert [p for p in stale if p.exists()] == [] and not (out / f".swap.{dead}.q1w2e3r4").exists()
    assert all(p.exists() for p in kept)


def _run_cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    import signal

    from checker import cli

    monkeypatch.setattr(sys, "argv", ["fzzf", *args])
    monkeypatch.setenv("CI", "1")
    monkeypatch.delenv("FZZF_LANG", raising=False)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        with pytest.raises(SystemExit) as exc:
            cli.main()
    finally:
        signal.signal(signal.SIGTERM, previous)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return int(exc.value.code or 0), err.strip()


def _summaries_agree(out: Path) -> int:
    import csv
    import io
    import json

    n_json = len(json.loads((out / "summary.json").read_text(encoding="utf-8"))["rows"])
    n_csv = len(list(csv.reader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))) - 1
    n_html = (out / "summary.html").read_text(encoding="utf-8").count("<tr data-level=")  # checked reports
    assert n_json == n_csv == n_html, (n_json, n_csv, n_html)  # (every input here can be checked)
    return n_json


def test_a_full_disk_while_writing_the_summaries_leaves_the_old_ones_all_alike(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from checker.render import audit as render

    src = _inputs(tmp_path / "in")
    out = tmp_path / "out"
    _audit_in_process(src, out)
    before = {n: (out / n).read_bytes() for n in ("summary.csv", "summary.xlsx", "summary.html", "summary.json")}
    assert _summaries_agree(out) == 6
    (src / "extra.txt").write_bytes((SAMPLES / "yunxi-county-2023.txt").read_bytes() + "\n补充。\n".encode())

    def html_then_full(rows: object, ruleset: object, lang: str, fh: object) -> None:
        fh.write("<html>")  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(render, "summary_html", html_then_full)  # the CSV is already written by then
    status, err = _run_cli(monkeypatch, capsys, "audit", str(src), "-o", str(out), "-j", "1")
    assert status == 2 and len(err.splitlines()) == 1
    assert "磁盘空间已满" in err and "全部保持原样" in err
    assert {n: (out / n).read_bytes() for n in before} == before
    assert not list(out.glob(".swap.*")) and not list(out.rglob("*.tmp"))
    monkeypatch.undo()
    _audit_in_process(src, out)
    assert _summaries_agree(out) == 7


def test_a_full_disk_under_the_scratch_database_is_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from checker.batch import audit as audit_mod
    from checker.batch.rows import RowStore

    class TinyRowStore(RowStore):
        """A scratch database that fills up as it would on a full disk (SQLITE_FULL)."""

        def __init__(self, folder: Path) -> None:
            super().__init__(folder)
            pages = self._db.execute("PRAGMA page_count").fetchone()[0]
            self._db.execute(f"PRAGMA max_page_count = {pages}")

    src = _inputs(tmp_path / "in", copies=4)
    out = tmp_path / "out"
    monkeypatch.setattr(audit_mod, "RowStore", TinyRowStore)
    status, err = _run_cli(monkeypatch, capsys, "audit", str(src), "-o", str(out), "-j", "1")
    assert status == 2 and len(err.splitlines()) == 1, err
    assert "磁盘空间已满" in err
    assert not list((out / ".cache").glob(".rows-*"))


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                kids.append(int(entry.name))
    return kids


def _running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _start_long_audit(tmp_path: Path) -> tuple[subprocess.Popen[str], Path]:
    import time

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from synth import make

    make(tmp_path / "in", 200)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "checker", "audit", str(tmp_path / "in"), "-o", str(out),
                             "-j", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CI": "1"})
    deadline = time.time() + 60
    while time.time() < deadline and not list((out / ".cache").glob(".rows-*.sqlite")):
        time.sleep(0.05)
    while time.time() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.05)
    time.sleep(0.5)  # some files under way
    return proc, out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with their parent via prctl (Linux)")
def test_kill_9_takes_the_workers_along_and_the_next_run_sweeps_the_scratch_file(tmp_path: Path) -> None:
    import signal
    import time

    proc, out = _start_long_audit(tmp_path)
    workers = _children(proc.pid)
    assert len(workers) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    deadline = time.time() + 20
    while time.time() < deadline and any(_running(w) for w in workers):
        time.sleep(0.05)
    assert not any(_running(w) for w in workers), "workers outlived their parent"
    assert list((out / ".cache").glob(".rows-*.sqlite"))  # left behind by the killed run …
    r = fzzf("audit", str(tmp_path / "in"), "-o", str(out), "-j", "2", timeout=600)
    assert r.returncode == 0, r.stderr
    assert not list((out / ".cache").glob(".rows-*.sqlite"))  # … and swept by the next


def test_sigterm_stops_an_audit_like_ctrl_c(tmp_path: Path) -> None:
    import signal

    proc, out = _start_long_audit(tmp_path)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert "Traceback" not in err and err.strip().splitlines() == [err.strip().splitlines()[-1]]
    assert "已终止" in err
    assert not (out / "summary.csv").exists() and not list(out.rglob("*.tmp"))
    assert not list((out / ".cache").glob(".rows-*.sqlite"))
    assert not any(_running(w) for w in workers)


def test_write_files_replaces_atomically_with_the_mode_open_gives(tmp_path: Path) -> None:
    from checker.atomic import write_files

    (tmp_path / "a.html").write_text("old")
    write_files(tmp_path, [("a.html", b"new"), ("b.json", b"{}\n")])
    assert (tmp_path / "a.html").read_bytes() == b"new" and (tmp_path / "b.json").read_bytes() == b"{}\n"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o666 & ~mask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.json"]  # no temporary file left


def test_write_files_leaves_no_temporary_file_when_a_write_fails(tmp_path: Path) -> None:
    from checker.atomic import write_files

    (tmp_path / "c.md").mkdir()  # a folder in the way: the rename fails
    with pytest.raises(OSError):
        write_files(tmp_path, [("c.md", b"x")])
    assert [p.name for p in tmp_path.iterdir()] == ["c.md"] and (tmp_path / "c.md").is_dir()
