"""`fzzf serve`: an HTTP check service a portal CMS calls before a report goes live.

Built on Starlette (served by uvicorn). Endpoints:

- `POST /api/check` — a document as a multipart upload (field `file`) or as the raw request
  body with `?filename=draft.docx`; optional `agency`, `level`, `year`, `published`,
  `profile`, `fail_under`, `fail_on`, `lang` (form fields or query parameters). Answers with
  the JSON contract plus `"passed": true|false` and the gate's reasons.
- `POST /check` — the same from the upload page's form; answers with the HTML gap report.
- `GET /` — the upload page (Chinese by default, `?lang=en`).
- `GET /healthz` — liveness, tool and rules versions.

Safety: requests larger than the limit (default 20 MB) get 413 before or while their body is
read; every check has a time limit (504 after it); uploads are read into memory and never
written under a client-given name — the client's file name only selects the reader by its
suffix and is shown, cleaned, as the report's source. Multipart spooling goes to a private
temporary directory created at start-up and removed at shutdown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from checker import __version__
from checker.api import Checker, Overrides
from checker.errors import CheckerError
from checker.gate import GateOptions, judge, view
from checker.i18n import t
from checker.model import LEVELS, ReportResult, Severity
from checker.read import SUFFIXES, read_bytes
from checker.render import html as html_render
from checker.render.audit import _css, _template
from checker.render.context import RenderContext
from checker.render.jsonout import report_dict

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0


@dataclass(frozen=True)
class ServiceConfig:
    """Limits and rules of a running service."""

    max_upload: int = DEFAULT_MAX_UPLOAD
    timeout: float = DEFAULT_TIMEOUT
    packs: tuple[str, ...] = ()
    lang: str = "zh"


class LimitUploads:
    """ASGI middleware: 413 for a declared or actual body larger than the limit.

    The body is read here, up to the limit, before the application sees the request: a
    declared Content-Length over the limit is refused at once, a streamed body as soon as it
    passes the limit, and a client that goes away mid-upload simply ends the request.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Buffer and measure the body, then hand the request on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await JSONResponse({"error": "bad Content-Length"}, status_code=400)(scope, receive, send)
                    return
                if declared > self.limit:
                    await _too_large(send)
                    return
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the client left mid-upload: nobody to answer
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                await _too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"error": "input.too_large", "message": "上传内容超过大小限制 / upload too large"},
                      ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json; charset=utf-8"), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def clean_name(name: str | None) -> str:
    """A display name from a client's file name: no directories, no control characters."""
    raw = (name or "").strip()
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "<>\"'`")[:120]
    return base or "upload"


class Service:
    """The checker behind the HTTP endpoints (one per process)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config
        from pathlib import Path

        self.checker = Checker([Path(p) for p in config.packs])

    def check(self, data: bytes, filename: str, params: dict[str, str]) -> tuple[ReportResult, dict[str, Any]]:
        """Read and check one upload; returns the result and the gate verdict."""
        name = clean_name(filename)
        suffix = os.path.splitext(name)[1].lower()
        if suffix not in SUFFIXES:
            raise CheckerError("input.unsupported", path=name, suffix=suffix or "(none)")
        overrides = Overrides(
            agency=params.get("agency") or None,
            level=_choice(params.get("level"), LEVELS),
            year=_year(params.get("year")),
            published=_date(params.get("published")),
            profile=_choice(params.get("profile"), LEVELS),
        )
        fail_on = _choice(params.get("fail_on"), ("required", "recommended"))
        gate = GateOptions(fail_under=_number(params.get("fail_under"), float, 0, 100),
                           fail_on=Severity(fail_on) if fail_on else None)
        doc = read_bytes(data, name, suffix=suffix)  # parameters first: a bad one costs no reading
        result = self.checker.check_document(doc, overrides)
        verdict = judge(result, self.checker.ruleset, gate)
        lang = params.get("lang") if params.get("lang") in ("zh", "en") else self.config.lang
        return result, view(verdict, gate, lang)


class BadParameter(CheckerError):
    """A request parameter with an invalid value."""


def _choice(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise BadParameter("service.bad_param", value=value)
    return value


def _number(value: str | None, kind: type[int] | type[float], low: float, high: float) -> float | None:
    """`value` as a number of `kind` within [low, high]; None when empty."""
    if not value:
        return None
    try:
        n = kind(value)
    except ValueError as exc:
        raise BadParameter("service.bad_param", value=value) from exc
    if not low <= n <= high:
        raise BadParameter("service.bad_param", value=value)
    return n


def _year(value: str | None) -> int | None:
    year = _number(value, int, 2000, 2100)
    return None if year is None else int(year)


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise BadParameter("usage.bad_date", value=value) from exc


async def _read_request(request: Request) -> tuple[bytes, str, dict[str, str]]:
    params = dict(request.query_params)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=20)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise BadParameter("service.no_file")
        for key, value in form.items():
            if isinstance(value, str) and key != "file":
                params[key] = value
        data = await upload.read()
        await form.close()
        return data, upload.filename or "", params
    filename = params.get("filename") or ""
    if not filename:
        raise BadParameter("service.no_filename")
    return await request.body(), filename, params


def create_app(config: ServiceConfig | None = None) -> ASGIApp:
    """The ASGI application (wrapped in the upload limit)."""
    config = config or ServiceConfig()
    service = Service(config)
    private_tmp = tempfile.mkdtemp(prefix="fzzf-serve-")

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        previous = tempfile.tempdir
        tempfile.tempdir = private_tmp  # multipart spooling stays in the private directory
        try:
            yield
        finally:
            tempfile.tempdir = previous
            shutil.rmtree(private_tmp, ignore_errors=True)

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang")
        return lang if lang in ("zh", "en") else config.lang

    async def run_check(request: Request) -> tuple[ReportResult, dict[str, Any], str]:
        data, filename, params = await _read_request(request)
        result, gate = await asyncio.wait_for(
            run_in_threadpool(service.check, data, filename, params), timeout=config.timeout
        )
        return result, gate, params.get("lang") if params.get("lang") in ("zh", "en") else lang_of(request)

    def error_status(exc: CheckerError) -> int:
        return 400 if isinstance(exc, BadParameter) else 422

    async def api_check(request: Request) -> Response:
        lang = lang_of(request)
        try:
            result, gate, lang = await run_check(request)
        except TimeoutError:
            return JSONResponse({"error": "service.timeout", "message": t("service.timeout", lang)}, status_code=504)
        except CheckerError as exc:
            return JSONResponse({"error": exc.key, "message": t(exc.key, lang, **exc.args_map)},
                                status_code=error_status(exc))
        ctx = RenderContext((result,), (), service.checker.ruleset, lang)
        body = {"tool": {"name": "fzzf-checker", "version": __version__,
                         "rules_version": service.checker.ruleset.version},
                "lang": lang, "passed": gate["passed"], "gate": gate["reasons"], "gate_checks": gate["checks"],
                "gate_standard": gate["standard"],
                "reports": [report_dict(result, ctx)], "errors": []}
        return JSONResponse(body)

    async def form_check(request: Request) -> Response:
        lang = lang_of(request)
        try:
            result, gate, lang = await run_check(request)
        except TimeoutError:
            return HTMLResponse(_message_page(t("service.timeout", lang), lang), status_code=504)
        except CheckerError as exc:
            return HTMLResponse(_message_page(t(exc.key, lang, **exc.args_map), lang), status_code=error_status(exc))
        ctx = RenderContext((result,), (), service.checker.ruleset, lang)
        page = html_render.render(ctx, {result.source: gate}, upload_link=t("service.again", lang))
        return HTMLResponse(page)

    async def index(request: Request) -> Response:
        lang = lang_of(request)
        labels = {k.removeprefix("service.page."): t(k, lang) for k in _PAGE_KEYS}
        labels["limit"] = t("service.page.limit", lang, mb=config.max_upload // (1024 * 1024))
        page = _template("upload.html.j2").render(
            lang=lang, css=_css(), t=labels,
            levels=[{"id": lv, "label": t(f"level.{lv}", lang)} for lv in LEVELS])
        return HTMLResponse(page)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__,
                             "rules_version": service.checker.ruleset.version})

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/check", api_check, methods=["POST"]),
            Route("/check", form_check, methods=["POST"]),
        ],
        lifespan=lifespan,
    )
    return LimitUploads(app, config.max_upload)


_PAGE_KEYS = ("service.page.title", "service.page.intro", "service.page.file", "service.page.agency",
              "service.page.level", "service.page.auto", "service.page.year", "service.page.published",
              "service.page.fail_under", "service.page.submit")


def _message_page(message: str, lang: str) -> str:
    from html import escape

    back = t("service.again", lang)
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>fzzf</title></head>"
            f"<body><p class=\"bad\">{escape(message)}</p><p><a href=\"/\">{escape(back)}</a></p></body></html>")


def serve(host: str, port: int, config: ServiceConfig) -> None:
    """Run the service with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", timeout_keep_alive=5)
