"""`fzzf serve`: an HTTP check service a portal CMS calls before a report goes live.

Built on Starlette (served by uvicorn). Endpoints:

- `POST /api/check` — a document as a multipart upload (field `file`) or as the raw request
  body with `?filename=draft.docx`; optional `agency`, `level`, `year`, `published`,
  `profile`, `fail_under`, `fail_on`, `lang` (form fields or query parameters). Answers with
  the JSON contract plus `"passed": true|false` and the gate's reasons.
- `POST /check` — the same from the upload page's form; answers with the HTML gap report.
- `GET /` — the upload page (Chinese by default, `?lang=en`).
- `GET /healthz` — liveness, tool and rules versions.

Limits (docs/security.md, "The check service"), each with its answer:

- a body larger than `--max-upload-mb`: 413, before reading when declared, else as soon as it
  passes the limit; a body not received within `--body-timeout` seconds: 408;
- more requests at once than `--max-requests`, more check requests (running or waiting) than
  `--max-checks`, or more upload bytes in flight than `--max-inflight-mb`: 503 with Retry-After;
  uvicorn refuses connections past `--max-connections`, closes idle keep-alive ones after 5 s,
  and (HeadTimeoutProtocol) those whose request head has not arrived within `--head-timeout`;
- a check past `--timeout`: 504, and its worker process is killed (servicepool.py), so the CPU
  and memory it held are free at once; a check needing more than `--max-memory-mb`: 422;
- a form field or parameter longer than its limit (FIELD_LIMITS): 400; fields are decoded as
  UTF-8, else GB18030, else refused (400), never guessed as Latin-1.

Every error is a JSON body `{"error": key, "message": text}` (404 and 405 too), except that
the upload page's own endpoint (`POST /check`) shows its form's and its check's errors as an
HTML page. Uploads are streamed into a spooled temporary file (in memory up to SPOOL_MEMORY,
then an unlinked file in a private folder created at start-up and removed at shutdown), never
held whole in the server's memory, and never written under a client-given name: the client's
file name only selects the reader by its suffix and is shown, cleaned, as the report's source.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from checker import __version__
from checker.api import Checker, Overrides
from checker.errors import CheckerError, InputError
from checker.gate import GateOptions, judge, view
from checker.i18n import t
from checker.limits import bounded
from checker.model import LEVELS, ReportResult, Severity
from checker.read import SUFFIXES, read_bytes

DEFAULT_MAX_UPLOAD = 20 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0
DEFAULT_BODY_TIMEOUT = 30.0
DEFAULT_MEMORY_MB = 2048  # per worker, address space: the interpreter and libraries map ~0.4 GB
SPOOL_MEMORY = 256 * 1024  # bytes of one upload kept in memory before it goes to a temp file
RETRY_AFTER = "5"  # seconds, for 503 answers
# Longest accepted value of each form field or query parameter (characters); others: OTHER_LIMIT.
FIELD_LIMITS = {"agency": 100, "level": 16, "profile": 16, "year": 8, "published": 32, "fail_under": 16,
                "fail_on": 16, "lang": 8, "filename": 255}
OTHER_LIMIT = 1024
MAX_FIELDS = 20


@dataclass(frozen=True)
class ServiceConfig:
    """Limits and rules of a running service."""

    max_upload: int = DEFAULT_MAX_UPLOAD
    timeout: float = DEFAULT_TIMEOUT
    packs: tuple[str, ...] = ()
    lang: str = "zh"
    workers: int = 0  # check processes; 0: one per CPU, at most 8
    max_checks: int = 0  # check requests running or waiting for a worker; 0: 4 per worker
    max_requests: int = 64  # requests being handled at once (health checks excepted)
    max_inflight: int = 0  # upload bytes being received or checked at once; 0: 4 x max_upload
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_memory_mb: int = DEFAULT_MEMORY_MB
    max_connections: int = 128  # uvicorn's limit_concurrency
    head_timeout: float = 10.0  # seconds to receive a request line and headers

    def __post_init__(self) -> None:
        workers = self.workers or max(1, min(8, os.cpu_count() or 1))
        object.__setattr__(self, "workers", workers)
        object.__setattr__(self, "max_checks", self.max_checks or 4 * workers)

    @property
    def inflight_limit(self) -> int:
        """Upload bytes allowed in flight."""
        return self.max_inflight or 4 * self.max_upload


def _error(status: int, key: str, lang: str = "zh", headers: dict[str, str] | None = None,
           **args: object) -> JSONResponse:
    return JSONResponse({"error": key, "message": t(key, lang, **args)}, status_code=status, headers=headers)


class BodyError(Exception):
    """Reading a request body stopped: too large, too slow, or over the bytes in flight."""

    def __init__(self, status: int, key: str) -> None:
        super().__init__(key)
        self.status = status
        self.key = key


class Guard:
    """ASGI middleware: the per-request limits that hold before and while a body is read.

    Requests past `max_requests` get 503 at once (health checks excepted, so a flood does not
    make the service look dead). A declared Content-Length over the upload limit gets 413 and
    one that would take the bytes in flight past their limit 503, before anything is read. The
    body is not buffered here: the application reads it through a `receive` that counts bytes
    (413 past the limit, 503 past the bytes in flight for an undeclared length) and gives up
    `body_timeout` seconds after the request arrived (408), by raising BodyError.
    """

    def __init__(self, app: ASGIApp, config: ServiceConfig) -> None:
        self.app = app
        self.config = config
        self.active = 0
        self.inflight = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply the limits, then hand the request on with a counting, time-bounded receive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope.get("path") == "/healthz":
            await self.app(scope, receive, send)
            return
        config = self.config
        declared: int | None = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _error(400, "service.bad_length", config.lang)(scope, receive, send)
                    return
        if declared is not None and declared > config.max_upload:
            await _error(413, "service.too_large", config.lang, headers={"connection": "close"})(scope, receive, send)
            return
        busy = {"retry-after": RETRY_AFTER, "connection": "close"}
        if self.active >= config.max_requests:
            await _error(503, "service.busy", config.lang, headers=busy)(scope, receive, send)
            return
        reserved = declared or 0
        if reserved and self.inflight + reserved > config.inflight_limit:
            await _error(503, "service.busy", config.lang, headers=busy)(scope, receive, send)
            return
        self.active += 1
        self.inflight += reserved
        loop = asyncio.get_running_loop()
        deadline = loop.time() + config.body_timeout
        seen = 0

        async def counted() -> Message:
            nonlocal seen, reserved
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise BodyError(408, "service.body_timeout")
            try:
                message = await asyncio.wait_for(receive(), remaining)
            except TimeoutError as exc:
                raise BodyError(408, "service.body_timeout") from exc
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > config.max_upload:
                    raise BodyError(413, "service.too_large")
                if seen > reserved:  # no or a wrong declared length: count as it comes
                    if self.inflight + seen - reserved > config.inflight_limit:
                        raise BodyError(503, "service.busy")
                    self.inflight += seen - reserved
                    reserved = seen
            return message

        try:
            await self.app(scope, counted, send)
        finally:
            self.active -= 1
            self.inflight -= reserved


def clean_name(name: str | None) -> str:
    """A display name from a client's file name: no directories, no control characters."""
    raw = (name or "").strip()
    base = PureWindowsPath(PurePosixPath(raw).name).name
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "<>\"'`")[:120]
    return base or "upload"


class Service:
    """The checker behind the HTTP endpoints (one per worker process)."""

    def __init__(self, config: ServiceConfig) -> None:
        self.config = config

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
        # Parameters first: a bad one costs no reading. What a reader may unpack follows the upload limit.
        doc = read_bytes(data, name, suffix=suffix, max_bytes=self.config.max_upload)
        result = self.checker.check_document(doc, overrides)
        verdict = judge(result, self.checker.ruleset, gate)
        lang = params.get("lang") if params.get("lang") in ("zh", "en") else self.config.lang
        return result, view(verdict, gate, lang)

    def respond(self, mode: str, data: bytes, filename: str, params: dict[str, str]) -> tuple[int, str, bytes]:
        """The whole answer to one check request: (status, content type, body).

        Runs in a worker process, rendering included, so the time limit covers all of it.
        """
        from checker.render import html as html_render
        from checker.render.context import RenderContext
        from checker.render.jsonout import report_dict

        lang = params.get("lang") if params.get("lang") in ("zh", "en") else self.config.lang
        try:
            result, gate = self.check(data, filename, params)
        except CheckerError as exc:
            status = 400 if isinstance(exc, BadParameter) else 504 if exc.key == "input.timeout" else 422
            key = "service.timeout" if exc.key == "input.timeout" else exc.key
            message = t(key, lang, **exc.args_map)
            if mode == "html":
                return status, _HTML, _message_page(message, lang).encode()
            return status, _JSON, json.dumps({"error": key, "message": message}, ensure_ascii=False).encode()
        ctx = RenderContext((result,), (), self.checker.ruleset, lang)
        if mode == "html":
            page = html_render.render(ctx, {result.source: gate}, upload_link=t("service.again", lang))
            return 200, _HTML, page.encode()
        body = {"tool": {"name": "fzzf-checker", "version": __version__,
                         "rules_version": self.checker.ruleset.version},
                "lang": lang, "passed": gate["passed"], "gate": gate["reasons"], "gate_checks": gate["checks"],
                "gate_standard": gate["standard"], "reports": [report_dict(result, ctx)], "errors": []}
        return 200, _JSON, json.dumps(body, ensure_ascii=False).encode()


_JSON = "application/json"
_HTML = "text/html; charset=utf-8"


def worker_setup(config: dict[str, Any]) -> Any:
    """In a worker process: load the rules once, return the job handler (servicepool.Handler)."""
    service = Service(ServiceConfig(**{**config, "packs": tuple(config["packs"])}))
    # A backstop for a worker whose server was killed mid-check: the server kills it at the
    # time limit, but an orphan stops itself (SIGALRM in this, the process's main thread).
    backstop = 2 * service.config.timeout + 5

    def handle(job: tuple[str, str, dict[str, str], int, bytes | None], fd: int | None) -> tuple[int, str, bytes]:
        mode, filename, params, size, data = job
        if fd is not None:
            chunks = []
            done = 0
            while done < size:
                chunk = os.pread(fd, min(1 << 20, size - done), done)
                if not chunk:
                    break
                chunks.append(chunk)
                done += len(chunk)
            data = b"".join(chunks)
        assert data is not None
        try:
            with bounded(backstop, filename):
                return service.respond(mode, data, filename, params)
        except InputError:  # the backstop fired while rendering, outside the check proper
            lang = params.get("lang") if params.get("lang") in ("zh", "en") else service.config.lang
            return 504, _JSON, json.dumps({"error": "service.timeout", "message": t("service.timeout", lang)},
                                          ensure_ascii=False).encode()

    return handle


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


def decode_field(raw: bytes) -> str:
    """A form field or parameter's bytes as text: UTF-8, else GB18030, else BadParameter.

    GB18030 is what older Chinese systems send; Latin-1 (every byte some character) would turn
    such a field into mojibake instead of an error.
    """
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    raise BadParameter("service.bad_encoding")


def _checked(name: str, value: str) -> str:
    limit = FIELD_LIMITS.get(name, OTHER_LIMIT)
    if len(value) > limit:
        raise BadParameter("service.param_too_long", name=name[:40], limit=limit)
    return value


def _query(scope: Scope) -> dict[str, str]:
    """Query parameters, percent-decoded to bytes and then decoded like form fields."""
    pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True,
                      encoding="latin-1", max_num_fields=MAX_FIELDS)
    out: dict[str, str] = {}
    for key, value in pairs:
        name = decode_field(key.encode("latin-1"))
        out[name] = _checked(name, decode_field(value.encode("latin-1")))
    return out


class Upload:
    """A request's file, spooled: in memory up to SPOOL_MEMORY bytes, then in an unlinked temp file."""

    def __init__(self, folder: str) -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY, dir=folder)
        self.size = 0
        self.name = ""

    def write(self, data: bytes) -> None:
        """Append a chunk of the upload."""
        self.file.write(data)
        self.size += len(data)

    def job_data(self) -> tuple[bytes | None, int | None]:
        """(bytes, None) for a small upload; (None, file descriptor) for one on disk."""
        self.file.flush()
        if self.size <= SPOOL_MEMORY:
            self.file.seek(0)
            return self.file.read(), None
        return None, self.file.fileno()

    def close(self) -> None:
        """Drop the upload (an on-disk spool was never linked into a folder)."""
        self.file.close()


async def _read_request(request: Request, upload: Upload) -> dict[str, str]:
    """Stream the request's file into `upload`; return the parameters (query, then form fields)."""
    params = _query(request.scope)
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("multipart/form-data"):
        fields = await _read_multipart(request, ctype, upload)
        params.update(fields)
        return params
    upload.name = params.get("filename") or ""
    if not upload.name:
        raise BadParameter("service.no_filename")
    async for chunk in request.stream():
        upload.write(chunk)
    return params


async def _read_multipart(request: Request, ctype: str, upload: Upload) -> dict[str, str]:
    """Parse a multipart body as it streams in: the one file to `upload`, the fields bounded."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, options = parse_options_header(ctype)
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadParameter("service.bad_multipart")
    fields: dict[str, str] = {}
    state: dict[str, Any] = {"headers": [], "name": b"", "value": b"", "kind": None, "data": bytearray(),
                             "files": 0}

    def on_part_begin() -> None:
        state.update(headers=[], kind=None, data=bytearray(), disposition=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        if state["name"].lower() == b"content-disposition":
            state["disposition"] = state["value"]
        state["name"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, opts = parse_options_header(state["disposition"])
        if b"name" not in opts:
            raise BadParameter("service.bad_multipart")
        state["field"] = _checked("field name", decode_field(opts[b"name"]))
        if b"filename" in opts:
            state["files"] += 1
            if state["files"] > 1 or state["field"] != "file":
                raise BadParameter("service.bad_multipart")
            upload.name = _checked("filename", decode_field(opts[b"filename"]))
            state["kind"] = "file"
        else:
            if len(fields) >= MAX_FIELDS:
                raise BadParameter("service.bad_multipart")
            state["kind"] = "field"

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["kind"] == "file":
            upload.write(data[start:end])
            return
        state["data"] += data[start:end]
        # 4 bytes per character at most: refuse early, before decoding, what cannot fit.
        if len(state["data"]) > 4 * FIELD_LIMITS.get(state["field"], OTHER_LIMIT):
            raise BadParameter("service.param_too_long", name=state["field"][:40],
                               limit=FIELD_LIMITS.get(state["field"], OTHER_LIMIT))

    def on_part_end() -> None:
        if state["kind"] == "field":
            fields[state["field"]] = _checked(state["field"], decode_field(bytes(state["data"])))

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_part_data": on_part_data, "on_part_end": on_part_end,
        "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
    })
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise BadParameter("service.bad_multipart") from exc
    if state["files"] != 1:
        raise BadParameter("service.no_file")
    return fields


def create_app(config: ServiceConfig | None = None) -> ASGIApp:
    """The ASGI application, wrapped in the request limits (Guard).

    The check workers start with the application (lifespan) and stop with it.
    """
    from checker.compiled import compiled
    from checker.servicepool import Busy, OutOfMemory, WorkerFailed, WorkerPool

    config = config or ServiceConfig()
    rules = compiled([Path(p) for p in config.packs])  # fails early on bad rules
    rules_version = rules.ruleset.version
    private_tmp = tempfile.mkdtemp(prefix="fzzf-serve-")
    pool = WorkerPool(config.workers, worker_setup, (asdict(config),), config.max_memory_mb)
    checks = {"active": 0}

    @asynccontextmanager
    async def lifespan(app: Starlette):  # type: ignore[no-untyped-def]
        try:
            await pool.start()
            yield {"pool": pool}
        finally:
            await pool.close()
            shutil.rmtree(private_tmp, ignore_errors=True)

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang")
        return lang if lang in ("zh", "en") else config.lang

    async def run_check(request: Request, mode: str) -> Response:
        lang = lang_of(request)
        busy = {"retry-after": RETRY_AFTER}
        if checks["active"] >= config.max_checks:
            return _error(503, "service.busy", lang, headers=busy)
        checks["active"] += 1
        upload = Upload(private_tmp)
        try:
            try:
                params = await _read_request(request, upload)
            except BodyError as exc:
                return _error(exc.status, exc.key, lang, headers={**busy, "connection": "close"}
                              if exc.status == 503 else {"connection": "close"})
            except ClientDisconnect:
                return Response(status_code=400)  # nobody is left to read it
            except CheckerError as exc:
                if mode == "html":  # the upload page's form: a page the user can go back from
                    return HTMLResponse(_message_page(t(exc.key, lang, **exc.args_map), lang), status_code=400)
                return _error(400, exc.key, lang, **exc.args_map)
            lang = params.get("lang") if params.get("lang") in ("zh", "en") else lang
            data, fd = upload.job_data()
            try:
                status, ctype, body = await pool.run((mode, upload.name, params, upload.size, data), fd,
                                                     config.timeout)
            except Busy:
                return _error(503, "service.busy", lang, headers=busy)
            except TimeoutError:
                if mode == "html":
                    return HTMLResponse(_message_page(t("service.timeout", lang), lang), status_code=504)
                return _error(504, "service.timeout", lang)
            except OutOfMemory:
                return _error(422, "service.memory", lang)
            except WorkerFailed:
                return _error(500, "service.worker_failed", lang)
            return Response(body, status_code=status, media_type=ctype)
        finally:
            upload.close()
            checks["active"] -= 1

    async def api_check(request: Request) -> Response:
        return await run_check(request, "json")

    async def form_check(request: Request) -> Response:
        return await run_check(request, "html")

    async def index(request: Request) -> Response:
        from checker.render.templates import css, template

        lang = lang_of(request)
        labels = {k.removeprefix("service.page."): t(k, lang) for k in _PAGE_KEYS}
        labels["limit"] = t("service.page.limit", lang, mb=config.max_upload // (1024 * 1024))
        page = template("upload.html.j2").render(
            lang=lang, css=css(), t=labels,
            levels=[{"id": lv, "label": t(f"level.{lv}", lang)} for lv in LEVELS])
        return HTMLResponse(page)

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "rules_version": rules_version,
                             "workers": len(pool.pids())})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = {404: "service.not_found", 405: "service.method_not_allowed"}.get(status, "service.bad_request")
        return _error(status, key, lang_of(request), headers=getattr(exc, "headers", None))

    async def internal_error(request: Request, exc: Exception) -> Response:
        return _error(500, "service.internal", lang_of(request))

    app = Starlette(
        routes=[
            Route("/", index, methods=["GET"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/api/check", api_check, methods=["POST"]),
            Route("/check", form_check, methods=["POST"]),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error, Exception: internal_error},
    )
    return Guard(app, config)


_PAGE_KEYS = ("service.page.title", "service.page.intro", "service.page.file", "service.page.agency",
              "service.page.level", "service.page.auto", "service.page.year", "service.page.published",
              "service.page.fail_under", "service.page.submit")


def _message_page(message: str, lang: str) -> str:
    from html import escape

    back = t("service.again", lang)
    return (f"<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>fzzf</title></head>"
            f"<body><p class=\"bad\">{escape(message)}</p><p><a href=\"/\">{escape(back)}</a></p></body></html>")


def _protocol(head_timeout: float) -> type:
    """The h11 protocol of uvicorn, plus a time limit on receiving each request's head.

    uvicorn closes idle keep-alive connections (timeout_keep_alive) but waits forever for the
    rest of a request line and headers once one byte came, or for the first byte of a new
    connection: enough slow clients would hold every connection. Here a connection whose
    request head is not complete `head_timeout` seconds after the connection was made (or
    after the first byte of a next request) is closed.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeadTimeoutProtocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def _between_requests(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            self._head_timer = self.loop.call_later(head_timeout, self._head_expired)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_expired(self) -> None:
            self._head_timer = None
            if self._between_requests() and not self.transport.is_closing():
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._head_timer is None and self._between_requests():
                self._arm()  # the first byte of a next request on a kept-alive connection
            super().data_received(data)
            if not self._between_requests():
                self._disarm()  # the head is complete: the body has its own limit (Guard)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeadTimeoutProtocol


def serve(host: str, port: int, config: ServiceConfig) -> None:
    """Run the service with uvicorn until interrupted.

    uvicorn bounds what reaches the application: at most `max_connections` connections and
    requests at once (limit_concurrency; past it uvicorn itself answers a plain-text 503),
    idle keep-alive connections closed after 5 s, request heads of at most 16 KB that must
    arrive within `head_timeout` seconds.
    """
    import uvicorn

    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", timeout_keep_alive=5,
                limit_concurrency=config.max_connections, h11_max_incomplete_event_size=16 * 1024,
                timeout_graceful_shutdown=5, http=_protocol(config.head_timeout))  # type: ignore[arg-type]
