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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    work = tmp_path_factory.mktemp("cwd")
    proc = subprocess.Popen([sys.executable, "-m", "checker", "serve", "--port", str(port), "--max-upload-mb", "1"],
                            cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.2)
    else:
        proc.kill()
        pytest.fail("the service did not start: " + proc.stderr.read().decode(errors="replace"))
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
    base, _ = server
    body = (SAMPLES / "jiangzhou-market-regulation-2024.txt").read_bytes()

    def one(i: int) -> int:
        if i % 3 == 0:
            return httpx.get(f"{base}/healthz", timeout=60).status_code
        return httpx.post(f"{base}/api/check", params={"filename": f"d{i}.txt"}, content=body, timeout=120).status_code

    with cf.ThreadPoolExecutor(max_workers=16) as pool:
        codes = list(pool.map(one, range(48)))
    assert codes == [200] * 48


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
