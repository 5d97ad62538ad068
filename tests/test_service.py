"""fzzf serve over real HTTP on a loopback port: checks, limits, concurrency, the upload page."""

from __future__ import annotations

import concurrent.futures as cf
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLES

httpx = pytest.importorskip("httpx", reason="httpx is not installed (pip install '.[test]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(work: Path, *options: str) -> tuple[str, subprocess.Popen[bytes]]:
    """Start `fzzf serve` on a free port in `work` and wait until /healthz answers."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--port", str(port), "--max-upload-mb", "1",
                             *options], cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return base, proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("the service did not start: " + proc.stderr.read().decode(errors="replace"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("cwd")
    base, proc = _serve(work)
    yield base, work
    proc.terminate()
    proc.wait(timeout=20)


def test_healthz(server) -> None:
    base, _ = server
    r = httpx.get(f"{base}/healthz")
    assert r.json()["status"] == "ok" and r.json()["rules_version"]


def test_multipart_check_with_gate(server) -> None:
    base, _ = server
    with open(SAMPLES / "meiling-town-2024.html", "rb") as fh:
        r = httpx.post(f"{base}/api/check", files={"file": ("meiling.html", fh, "text/html")}, timeout=60)
    assert r.status_code == 200
    data = r.json()
    assert data["passed"] is False and any("第一责任人" in g for g in data["gate"])
    (rep,) = data["reports"]
    assert rep["agency"]["name"] == "梅岭镇" and [i["id"] for i in rep["items"]] == list(range(1, 36))


def test_raw_body_and_client_paths_never_touch_disk(server) -> None:
    base, work = server
    body = (SAMPLES / "yunxi-county-2024.txt").read_bytes()
    r = httpx.post(f"{base}/api/check", params={"filename": "../../../tmp/evil/../x.txt", "fail_under": "99",
                                                "lang": "en"}, content=body, timeout=60)
    assert r.status_code == 200
    data = r.json()
    assert data["reports"][0]["source"] == "x.txt"
    assert data["passed"] is False and "below 99" in data["gate"][0]
    assert list(work.iterdir()) == []
    assert not Path("/tmp/evil").exists()


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"params": {"filename": "a.exe"}, "content": b"MZ\x90"}, 422),
        ({"content": b"hello"}, 400),
        ({"params": {"filename": "a.txt", "level": "village"}, "content": "某县2024年报告".encode()}, 400),
        ({"params": {"filename": "a.txt"}, "content": b"\x00\x01\x02" * 10}, 422),
        # Not a report: a notice issuing next year's 工作要点.
        ({"params": {"filename": "notice.txt"},
          "content": (Path(__file__).parent / "fixtures" / "lookalikes" / "workplan-notice-2024.txt").read_bytes()},
         422),
    ],
)
def test_bad_requests(server, kwargs: dict, status: int) -> None:
    base, _ = server
    r = httpx.post(f"{base}/api/check", timeout=30, **kwargs)
    assert r.status_code == status
    assert r.json()["message"]


def test_oversized_upload_gets_413_and_service_stays_up(server) -> None:
    base, _ = server
    big = b"x" * (2 * 1024 * 1024)
    r = httpx.post(f"{base}/api/check", params={"filename": "big.txt"}, content=big, timeout=30)
    assert r.status_code == 413
    r = httpx.post(f"{base}/api/check", files={"file": ("big.txt", big, "text/plain")}, timeout=30)
    assert r.status_code == 413

    def chunks():
        for _ in range(40):
            yield b"y" * 65536

    r = httpx.post(f"{base}/api/check", params={"filename": "stream.txt"}, content=chunks(), timeout=30)
    assert r.status_code == 413
    assert httpx.get(f"{base}/healthz").status_code == 200


def test_concurrent_clients_get_their_own_answers(server) -> None:
    base, _ = server
    files = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".html"))
    expected = {"yunxi": "云溪县", "meiling": "梅岭镇", "chengdong": "城东街道", "jiangzhou": "江州市市场监督管理局"}

    def one(path: Path) -> tuple[str, str]:
        r = httpx.post(f"{base}/api/check", files={"file": (path.name, path.read_bytes())}, timeout=120)
        assert r.status_code == 200
        return path.name, r.json()["reports"][0]["agency"]["name"]

    with cf.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(one, files * 3))
    assert len(results) == len(files) * 3
    for name, agency in results:
        assert agency == expected[name.split("-")[0]], name


def test_upload_page_in_chromium(server) -> None:
    base, _ = server
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Chromium is not installed (Debian package 'chromium'; .ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    flags = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=flags)
        page = browser.new_page()
        page.goto(f"{base}/")
        assert "发布前检查" in page.title()
        page.set_input_files("#file", str(SAMPLES / "meiling-town-2024.html"))
        page.click("#submit")
        page.wait_for_selector("#gate", timeout=60000)
        text = page.inner_text("body")
        assert "未通过" in text and "梅岭镇" in text and "得分" in text
        browser.close()


def test_env_is_not_polluted() -> None:
    assert "FZZF_LANG" not in os.environ or os.environ["FZZF_LANG"] in ("zh", "en")


def test_client_that_disconnects_mid_upload(server) -> None:
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    for _ in range(5):
        with socket.create_connection((host, int(port)), timeout=5) as s:
            s.sendall(b"POST /api/check?filename=a.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n"
                      b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * 1000)
        # closed half-way through the body
    with open(SAMPLES / "yunxi-county-2024.txt", "rb") as fh:
        r = httpx.post(f"{base}/api/check", files={"file": ("y.txt", fh)}, timeout=60)
    assert r.status_code == 200 and r.json()["reports"][0]["agency"]["name"] == "云溪县"


def test_burst_of_requests(server) -> None:
    """Past the cap on checks a client gets 503 with Retry-After, and a client that waits gets its answer."""
    base, _ = server
    body = (SAMPLES / "jiangzhou-market-regulation-2024.txt").read_bytes()

    def one(i: int) -> tuple[int, int]:
        if i % 3 == 0:
            return httpx.get(f"{base}/healthz", timeout=60).status_code, 0
        refused = 0
        for _ in range(100):
            r = httpx.post(f"{base}/api/check", params={"filename": f"d{i}.txt"}, content=body, timeout=120)
            if r.status_code != 503:
                return r.status_code, refused
            assert r.headers["retry-after"] and r.json()["error"] == "service.busy"
            refused += 1
            time.sleep(0.2)
        return 503, refused

    with cf.ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(48)))
    assert [code for code, _ in results] == [200] * 48


def test_report_markup_is_escaped_in_the_page(server) -> None:
    """The page the CMS's editors see quotes the report: its markup must stay text."""
    base, _ = server
    report = ("<script>alert(1)</script>镇2024年法治政府建设年度报告\n一、主要举措和成效\n"
              "<img src=x onerror=alert(2)>全年主动公开政府信息1265条，办理依申请公开43件。\n"
              "二、存在的不足\n基层执法力量不足。\n三、2025年工作安排\n下一步将加强执法培训。\n")
    r = httpx.post(f"{base}/check", files={"file": ("<b>x</b>.txt", report.encode(), "text/plain")},
                   data={"fail_under": "0"}, timeout=60)
    assert r.status_code in (200, 422), r.text
    assert "<script>alert(1)" not in r.text and "<img src=x" not in r.text and "<b>x</b>" not in r.text
    assert "&lt;script&gt;" in r.text or "&lt;img" in r.text


# --- limits under attack (issue 10, items 4 and 12) --------------------------------------------

SLOW_PACK = """
rules:
  - id: P.slow-enumeration
    name: test.slow-enumeration
    kind: signal
    ref: {requirement: report.concreteness}
    severity: optional
    weight: 0
    title: {zh: 列举, en: Enumeration}
    message: {zh: 列举, en: Enumeration}
    match: {terms: ["(?:[^，。；]{0,8}、){1,4}公开"]}
    examples: {pass: ["政务、公开"], fail: ["政务公开"]}
"""


def _children(pid: int) -> list[int]:
    """Worker processes of the server (multiprocessing's spawned children)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read()
        except OSError:
            continue
        if ppid == pid and b"spawn_main" in cmd:
            out.append(int(entry))
    return sorted(out)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory):
    """A service with small limits: 1 worker, 3 s per check, 2 checks, 2 s per body, 1 MB uploads."""
    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc to watch the worker processes")
    pack = tmp_path_factory.mktemp("slowpack")
    (pack / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    work = tmp_path_factory.mktemp("cwd")
    base, proc = _serve(work, "--timeout", "3", "--workers", "1", "--max-checks", "2", "--body-timeout", "2",
                        "--max-inflight-mb", "2", "--head-timeout", "2", "--rules", str(pack))
    yield base, proc
    proc.terminate()
    proc.wait(timeout=20)
    assert not [p for p in _children(proc.pid) if _alive(p)]  # no worker outlives the server


def _check_when_free(base: str, **kwargs) -> httpx.Response:
    """POST a check, waiting while the service says it is busy (a replacement worker is starting)."""
    for _ in range(150):
        r = httpx.post(f"{base}/api/check", timeout=60, **kwargs)
        if r.status_code != 503:
            return r
        time.sleep(0.2)
    return r


def test_a_runaway_check_gets_504_and_its_worker_is_killed(tight) -> None:
    base, proc = tight
    _check_when_free(base, params={"filename": "warm.txt"}, content="某县2024年报告。".encode())
    [worker] = _children(proc.pid)
    runaway = ("梅林县2024年法治政府建设年度报告\n" + ("公开" + "、" * 150 + "。\n") * 400).encode()
    start = time.monotonic()
    r = httpx.post(f"{base}/api/check", params={"filename": "runaway.txt"}, content=runaway, timeout=60)
    assert r.status_code == 504 and r.json()["error"] == "service.timeout"
    assert time.monotonic() - start < 20  # answered at the limit, not when the check would end (~30 s)
    for _ in range(50):  # killed and reaped: its CPU and memory are free
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker)
    report = "青山县人民政府2024年法治政府建设年度报告\n一、主要举措和成效\n全年主动公开政府信息1265条。\n"
    ok = _check_when_free(base, files={"file": ("q.txt", report.encode())})
    assert ok.status_code == 200 and ok.json()["reports"][0]["agency"]["name"] == "青山县"
    assert worker not in _children(proc.pid) and len(_children(proc.pid)) == 1  # replaced


def _partial(base: str, path: str, length: int, sent: bytes = b"x" * 10) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {length}\r\n"
              "Content-Type: application/octet-stream\r\n\r\n".encode() + sent)
    return s


def _answer(s: socket.socket) -> tuple[int, bytes]:
    """Status and raw bytes of the answer, read until the server closes the connection."""
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    return int(data.split()[1]), data


def test_a_slow_sender_gets_408(tight) -> None:
    base, _ = tight
    with _partial(base, "/api/check?filename=a.txt", 1000) as s:
        start = time.monotonic()
        status, raw = _answer(s)
    assert status == 408 and b"service.body_timeout" in raw
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("head", [b"", b"POST /api/check HTTP/1.1\r\nHost: x\r\n"])
def test_a_connection_without_a_complete_head_is_closed(tight, head: bytes) -> None:
    base, _ = tight
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=15) as s:
        s.sendall(head)
        start = time.monotonic()
        assert s.recv(65536) == b""  # closed by the server, nothing answered
    assert time.monotonic() - start < 12


def test_caps_on_checks_and_on_bytes_in_flight(tight) -> None:
    base, _ = tight
    # Two checks receiving their bodies fill the cap of 2 checks (and 2 MB of uploads in flight).
    held = [_partial(base, "/api/check?filename=a.txt", 1024 * 1024) for _ in range(2)]
    try:
        time.sleep(0.3)
        r = httpx.post(f"{base}/api/check", params={"filename": "b.txt"}, content=b"x", timeout=10)
        assert r.status_code == 503 and r.headers["retry-after"] and r.json()["error"] == "service.busy"
        # Bytes in flight are counted for every path, before the route is even looked up.
        r = httpx.post(f"{base}/", content=b"y" * 600_000, timeout=10)
        assert r.status_code == 503 and r.headers["retry-after"]
        r = httpx.get(f"{base}/nope", timeout=10)  # a request without a body still gets through
        assert r.status_code == 404 and r.json()["error"] == "service.not_found"
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200  # never refused
    finally:
        for s in held:
            s.close()


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_form_fields_in_utf8_or_gb18030(server, encoding: str) -> None:
    base, _ = server
    boundary = "fzzfboundary"
    report = (SAMPLES / "yunxi-county-2024.txt").read_bytes()
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"agency\"\r\n\r\n".encode()
            + "青山县人民政府".encode(encoding)
            + f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"".encode()
            + "报告.txt".encode(encoding) + b"\"\r\nContent-Type: text/plain\r\n\r\n"
            + report + f"\r\n--{boundary}--\r\n".encode())
    r = httpx.post(f"{base}/api/check", content=body, timeout=60,
                   headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 200, r.text
    rep = r.json()["reports"][0]
    assert rep["agency"]["name"] == "青山县人民政府" and rep["source"] == "报告.txt"


def test_query_parameters_in_gb18030(server) -> None:
    from urllib.parse import quote_from_bytes

    base, _ = server
    body = (SAMPLES / "yunxi-county-2024.txt").read_bytes()
    agency = quote_from_bytes("青山县".encode("gb18030"))
    r = httpx.post(f"{base}/api/check?filename=a.txt&agency={agency}", content=body, timeout=60)
    assert r.status_code == 200 and r.json()["reports"][0]["agency"]["name"] == "青山县"


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"data": {"agency": "县" * 101}}, "service.param_too_long"),
        ({"data": {"agency": "县" * 100, "year": "2" * 50}}, "service.param_too_long"),
        ({"params": {"agency": "x" * 5000}}, "service.param_too_long"),
    ],
)
def test_every_field_has_a_length_limit(server, kwargs: dict, key: str) -> None:
    base, _ = server
    r = httpx.post(f"{base}/api/check", files={"file": ("a.txt", "某县2024年报告。".encode())}, timeout=30, **kwargs)
    assert r.status_code == 400 and r.json()["error"] == key and r.json()["message"]


def test_a_field_in_neither_utf8_nor_gb18030_is_refused(server) -> None:
    base, _ = server
    boundary = "b0"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"agency\"\r\n\r\n".encode() + b"\xff\xfe\xff"
            + f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n".encode()
            + "某县报告。".encode() + f"\r\n--{boundary}--\r\n".encode())
    r = httpx.post(f"{base}/api/check", content=body, timeout=30,
                   headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 400 and r.json()["error"] == "service.bad_encoding"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/nope", {}, 404),
        ("GET", "/api/check", {}, 405),
        ("POST", "/api/check", {"headers": {"content-type": "multipart/form-data"}, "content": b"x"}, 400),
        ("POST", "/api/check", {"headers": {"content-type": "multipart/form-data; boundary=zz"},
                                "content": b"--zz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--zz--\r\n"}, 400),
        ("POST", "/api/check", {"headers": {"content-type": "multipart/form-data; boundary=zz"},
                                "content": b"garbage without any boundary"}, 400),
        ("POST", "/api/check", {"files": [("file", ("a.txt", b"x")), ("file", ("b.txt", b"y"))]}, 400),
        ("POST", "/api/check?filename=a.txt", {"content": b"x" * (2 * 1024 * 1024)}, 413),
    ],
)
def test_errors_are_json(server, method: str, path: str, kwargs: dict, status: int) -> None:
    base, _ = server
    r = httpx.request(method, f"{base}{path}", timeout=30, **kwargs)
    assert r.status_code == status
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"] and r.json()["message"]


def test_the_upload_pages_form_errors_are_pages(server) -> None:
    """The browser's endpoint answers a broken form with a page to go back from, never text/plain."""
    base, _ = server
    r = httpx.post(f"{base}/check", content=b"--zz\r\nbroken", timeout=30,
                   headers={"content-type": "multipart/form-data; boundary=zz"})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    assert 'class="bad"' in r.text and 'href="/"' in r.text


def test_workers_die_with_a_killed_server(tmp_path: Path) -> None:
    """kill -9 of the server, even mid-check, leaves no worker behind."""
    if not os.path.isdir("/proc"):
        pytest.skip("needs /proc to watch the worker processes")
    import signal

    pack = tmp_path / "slowpack"
    pack.mkdir()
    (pack / "slow.yaml").write_text(SLOW_PACK, encoding="utf-8")
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--port", str(port), "--workers", "2",
                             "--timeout", "60", "--rules", str(pack)],
                            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).json()["workers"] == 2:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        workers = _children(proc.pid)
        assert len(workers) == 2
        runaway = ("梅林县2024年法治政府建设年度报告\n" + ("公开" + "、" * 150 + "。\n") * 1000).encode()
        busy = cf.ThreadPoolExecutor(1).submit(httpx.post, f"{base}/api/check", params={"filename": "r.txt"},
                                               content=runaway, timeout=60)
        time.sleep(1.5)  # one worker is now deep in the runaway check
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=20)
    with pytest.raises(httpx.TransportError):
        busy.result()
    for _ in range(30):  # at once: the busy worker's check alone would run for a minute
        if not any(_alive(p) for p in workers):
            break
        time.sleep(0.1)
    assert not [p for p in workers if _alive(p)]
