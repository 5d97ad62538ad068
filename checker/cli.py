"""Command line: parse options, call the API, pick a renderer, set the exit status.

Exit statuses (README, "Exit status"):
  0  every file was checked (and, for `check`, passed the gate)
  1  `check`: a file failed the gate; `audit`: some files could not be checked
  2  usage error, invalid rules, or (for `check`) a file could not be read (the others are
     still reported); for `audit` also an output folder that may not be used or written
  130  interrupted (Ctrl-C); 143  `audit` terminated by SIGTERM (stopped the same way)
Expected failures print one line in the user's language; there is never a traceback for them.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import errno
import gc
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

import click

from checker import __version__
from checker.atomic import write_output
from checker.errors import CheckerError
from checker.i18n import default_lang, t
from checker.model import LEVELS, ReportError, ReportResult

EXIT_OK = 0
EXIT_GATE = 1
EXIT_USAGE = 2
EXIT_TERMINATED = 143  # 128 + SIGTERM, as a shell reports a process ended by it

LANG_OPTION = click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None,
    help="Language of the output (default zh, or $FZZF_LANG).",
)


RULES_OPTION = click.option(
    "--rules", "rule_dirs", multiple=True, type=click.Path(path_type=Path, file_okay=False),
    help="A rule pack folder: adds rules and overrides shipped ones by id (repeatable).",
)


LIMIT_OPTIONS = [
    click.option("--max-size-mb", type=click.FloatRange(0.001, 1024), default=20, show_default=True,
                 help="Files larger than this are refused (an error row, exit 2 for check)."),
    click.option("--time-limit", type=click.FloatRange(0.1, 3600), default=60, show_default=True,
                 help="Seconds one file may take to read and check before it is given up (an error row)."),
]


def limit_options(f):  # type: ignore[no-untyped-def]
    """Add the size and time limits to a command."""
    for option in reversed(LIMIT_OPTIONS):
        f = option(f)
    return f


def _fail(key: str, lang: str, **args: object) -> None:
    click.echo(f"{t('error.prefix', lang)}: {t(key, lang, **args)}", err=True)
    sys.exit(EXIT_USAGE)


def os_reason(exc: OSError, lang: str) -> str:
    """Why a write failed, in words: a full disk in the user's language, else the system's text."""
    if exc.errno == errno.ENOSPC:
        return t("output.disk_full", lang)
    return exc.strerror or str(exc)


def _same_file(a: Path, b: Path) -> bool:
    """Both paths name one existing file (through symlinks and hard links too)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


class Terminated(KeyboardInterrupt):
    """SIGTERM: stops an audit the way Ctrl-C does (exit 143 instead of 130)."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated()


def _checker(lang: str, rule_dirs: tuple[Path, ...] = ()):  # type: ignore[no-untyped-def]
    from checker.api import Checker  # imported late: keeps `fzzf --help` fast

    try:
        return Checker(rule_dirs)
    except CheckerError as exc:
        _fail(exc.key, lang, **exc.args_map)
        raise  # unreachable; keeps type checkers content


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fzzf")
def cli() -> None:
    """fzzf: check annual rule-of-law government reports (法治政府建设年度报告) against the 2021–2025 outline."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "html", "line", "junit"]),
              default="text", show_default=True,
              help="Output format: gap report (text, markdown, html), JSON contract, one finding per "
              "line (file:line:col: severity: rule-id: message), or JUnit XML (one test case per checkpoint).")
@click.option("-o", "--output", type=click.Path(path_type=Path, allow_dash=True),
              help="Write to this file instead of standard output ('-': standard output). A symlink's target is "
              "written and the link kept; a FIFO or character device is written in place, never replaced; "
              "a folder or block device is refused.")
@LANG_OPTION
@click.option("--agency", help="Reporting body's name (overrides what the report says).")
@click.option("--level", type=click.Choice(LEVELS), help="Level of the reporting body.")
@click.option("--year", type=click.IntRange(2000, 2100), help="Year reported on.")
@click.option("--published", help="Publication date, YYYY-MM-DD.")
@click.option("--profile", type=click.Choice(LEVELS),
              help="Judge as this kind of body (applicability and weights); default: the detected level.")
@RULES_OPTION
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Fail (exit 1) when the score is below this.")
@click.option("--fail-on", type=click.Choice(["required", "recommended"]),
              help="Fail when a checkpoint of this severity or higher is missing or only planned.")
@click.option("--no-fail", is_flag=True, help="Never fail the gate (exit 0 whenever every file was checked).")
@click.option("--all", "show_all", is_flag=True,
              help="With --format line: every finding, not only what fails the gate.")
@limit_options
def check(files: tuple[Path, ...], fmt: str, output: Path | None, lang: str | None,
          agency: str | None, level: str | None, year: int | None, published: str | None,
          profile: str | None, rule_dirs: tuple[Path, ...], fail_under: float | None, fail_on: str | None,
          no_fail: bool, show_all: bool, max_size_mb: float, time_limit: float) -> None:
    """Check report FILES (.txt .html .htm .docx .pdf .md) and print a gap report.

    Also a pre-publication gate: by default a draft fails when a required part is missing;
    --fail-on and --fail-under make it stricter, --no-fail turns it off. With --format json
    the verdict is in the output ("passed") and sets the exit status only when --fail-on or
    --fail-under is given.

    \b
    Exit status:
      0  every file was checked and passed the gate
      1  a file failed the gate (the reasons are printed on stderr, one line per file)
      2  usage error, invalid rules, or a file could not be read or is not a report
         (the other files are still checked and reported)
      130  interrupted (Ctrl-C)
    """
    from checker.api import Overrides
    from checker.gate import GateOptions, judge, view
    from checker.model import Severity
    from checker.render import FORMATS, RenderContext

    lang = lang or default_lang()
    if published:
        try:
            published = dt.date.fromisoformat(published).isoformat()
        except ValueError:
            _fail("usage.bad_date", lang, value=published)
    if output is not None and str(output) != "-" and any(_same_file(output, f) for f in files):
        _fail("output.is_input", lang, path=str(output))  # the report would replace what it reports on
    checker = _checker(lang, rule_dirs)
    checker.max_bytes = int(max_size_mb * 1024 * 1024)
    checker.time_limit = time_limit
    overrides = Overrides(agency=agency, level=level, year=year, published=published, profile=profile)
    results: list[ReportResult] = []
    errors: list[ReportError] = []
    for f in files:
        try:
            results.append(checker.check_path(f, overrides))
        except CheckerError as exc:
            errors.append(ReportError(str(f), exc.key, {k: str(v) for k, v in exc.args_map.items()}))
            click.echo(f"{t('error.prefix', lang)}: {t(exc.key, lang, **exc.args_map)}", err=True)
    gate = GateOptions(fail_under=fail_under, fail_on=Severity(fail_on) if fail_on else None, enabled=not no_fail)
    # JSON is read by tools: the verdict is in the document ("passed"), and the exit status
    # reflects it only when a gate option was given explicitly.
    gating = not no_fail and (fmt != "json" or fail_under is not None or fail_on is not None)
    failed = False
    gates: dict[str, dict[str, object]] = {}
    sep = "；" if lang == "zh" else "; "
    for res in results:
        verdict = judge(res, checker.ruleset, gate)
        gates[res.source] = view(verdict, gate, lang)
        if not verdict.passed and gating:
            failed = True
            reasons = gates[res.source]["reasons"]
            assert isinstance(reasons, list)
            click.echo(t("gate.failed", lang, path=res.source, reasons=sep.join(reasons)), err=True)
    ctx = RenderContext(tuple(results), tuple(errors), checker.ruleset, lang, gates, gate, show_all)
    text = FORMATS[fmt](ctx)
    if output is not None and str(output) != "-":
        try:
            write_output(output, text.encode("utf-8"))
        except CheckerError as exc:
            _fail(exc.key, lang, **exc.args_map)
        except OSError as exc:
            _fail("usage.bad_output", lang, path=str(output), reason=os_reason(exc, lang))
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_USAGE if errors else EXIT_GATE if failed else EXIT_OK)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Output folder (summary.csv/.xlsx/.html/.json, agencies/, and the cache .cache/).")
@click.option("-j", "--jobs", type=click.IntRange(0, 256), default=0, show_default=True,
              help="Worker processes; 0 uses every core.")
@click.option("--level", "levels", multiple=True, type=click.Choice(LEVELS),
              help="Only reports of this level in the outputs (repeatable).")
@click.option("--year", "years", multiple=True, type=click.IntRange(2000, 2100),
              help="Only reports on this year in the outputs (repeatable).")
@click.option("--profile", type=click.Choice(LEVELS), help="Judge every report as this kind of body.")
@click.option("--no-cache", is_flag=True, help="Check every file again even if its cached result is current.")
@click.option("--manifest", "manifest_path", type=click.Path(path_type=Path, dir_okay=False),
              help="CSV of file (or glob), agency, level, year, published: wins over what the reports say.")
@RULES_OPTION
@LANG_OPTION
@limit_options
def audit(paths: tuple[str, ...], outdir: Path, jobs: int, levels: tuple[str, ...], years: tuple[int, ...],
          profile: str | None, no_cache: bool, manifest_path: Path | None, rule_dirs: tuple[Path, ...],
          lang: str | None, max_size_mb: float, time_limit: float) -> None:
    """Audit every report under PATHS (files or folders, recursively) and write the summaries.

    Writes to OUTDIR: summary.csv (UTF-8 with BOM), summary.xlsx, summary.html, summary.json,
    and agencies/NAME.{md,html,json} with each agency's reports across years. Unchanged files
    are taken from the cache on a re-run (.cache/ in OUTDIR); Ctrl-C stops cleanly and the next
    run resumes. With --manifest, each file's agency, level, year and publication date come from
    the supervisor's table where it gives them; rows naming no file are listed (stderr and
    summary.json).

    OUTDIR must not be, lie inside, or contain an input, and must be new, empty, or an earlier
    audit's output folder (marked by .fzzf-audit.json): the audit never overwrites a file it did
    not write. The four summaries are replaced together or not at all.

    \b
    Exit status:
      0  every file was checked
      1  some files could not be checked (they are error rows in the outputs)
      2  usage error, invalid rules, an unusable manifest, an output folder that may not be
         used, or one that cannot be written (a full disk: the summaries never disagree)
      130  interrupted (Ctrl-C)
      143  terminated (SIGTERM), stopped as cleanly as by Ctrl-C
    """
    from checker.api import Overrides
    from checker.batch.audit import AuditOptions, run_audit, show_progress
    from checker.batch.manifest import load as load_manifest
    from checker.compiled import compiled

    lang = lang or default_lang()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)  # stop as Ctrl-C does
    try:
        rules = compiled(list(rule_dirs))
        manifest = load_manifest(manifest_path) if manifest_path else None
    except CheckerError as exc:
        _fail(exc.key, lang, **exc.args_map)
    opts = AuditOptions(paths=list(paths), outdir=outdir, jobs=jobs, packs=list(rule_dirs), lang=lang,
                        overrides=Overrides(profile=profile), levels=levels, years=years, use_cache=not no_cache,
                        max_bytes=int(max_size_mb * 1024 * 1024), time_limit=time_limit, manifest=manifest)
    try:
        if show_progress():
            with contextlib.ExitStack() as stack:
                bars: list[Any] = []

                def start(total: int) -> None:  # the bar appears once the files are found
                    bars.append(stack.enter_context(
                        click.progressbar(length=total, file=sys.stderr, label="fzzf audit")))

                def page(source: str, n: int, total: int) -> None:  # a scan being read by OCR
                    if bars:
                        bars[0].label = t("audit.ocr_page", lang, file=Path(source).name, page=n, pages=total)
                        bars[0].render_progress()

                result = run_audit(opts, progress=lambda n: bars[0].update(n), on_start=start, rules=rules,
                                   on_page=page)
        else:
            result = run_audit(opts, rules=rules)
    except CheckerError as exc:
        _fail(exc.key, lang, **exc.args_map)
    except OSError as exc:
        _fail("outdir.write_failed", lang, out=str(outdir), reason=os_reason(exc, lang))
    if result.damaged:
        click.echo(t("cache.damaged", lang, n=result.damaged), err=True)
    for row in result.unmatched:
        click.echo(t("manifest.unmatched", lang, line=row.line, file=row.file), err=True)
    if result.filtered:
        click.echo(t("audit.filtered", lang, n=result.filtered), err=True)
    click.echo(t("audit.done", lang, files=result.files + result.filtered, checked=result.checked,
                 cached=result.cached, errors=result.errors, out=str(outdir)))
    # As the interpreter exits, the collector's last pass walks every object the run loaded
    # (modules, rules, compiled patterns): three quarters of the exit's time, a tenth of a
    # second or more. Objects frozen as the exit begins are skipped by it (and still freed as
    # the process ends); a caller that goes on (tests run the command in process) is not touched.
    atexit.unregister(gc.freeze)  # once, however many audits ran
    atexit.register(gc.freeze)
    sys.exit(1 if result.errors else EXIT_OK)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default).")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Port to listen on.")
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=20, show_default=True,
              help="Largest accepted request body; larger ones get 413.")
@click.option("--timeout", type=click.FloatRange(1, 600), default=30.0, show_default=True,
              help="Seconds one check may take; past it the request gets 504 and the check's process is killed.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Check processes (default: the number of CPUs, at most 8).")
@click.option("--max-checks", type=click.IntRange(1, 10000), default=None,
              help="Check requests running or waiting at once; more get 503 (default: 4 per worker).")
@click.option("--max-requests", type=click.IntRange(1, 10000), default=64, show_default=True,
              help="Requests handled at once; more get 503.")
@click.option("--max-inflight-mb", type=click.IntRange(1, 65536), default=None,
              help="Upload megabytes being received or checked at once; more get 503 (default: 4 x --max-upload-mb).")
@click.option("--body-timeout", type=click.FloatRange(1, 3600), default=30.0, show_default=True,
              help="Seconds to receive a request's body; slower senders get 408.")
@click.option("--max-memory-mb", type=click.IntRange(256, 1 << 20), default=2048, show_default=True,
              help="Address space of each check process; a check needing more gets 422.")
@click.option("--max-connections", type=click.IntRange(1, 100000), default=128, show_default=True,
              help="Open connections at once; uvicorn answers 503 past it.")
@click.option("--head-timeout", type=click.FloatRange(1, 600), default=10.0, show_default=True,
              help="Seconds to receive a request's line and headers; slower connections are closed.")
@RULES_OPTION
@LANG_OPTION
def serve(host: str, port: int, max_upload_mb: int, timeout: float, workers: int | None, max_checks: int | None,
          max_requests: int, max_inflight_mb: int | None, body_timeout: float, max_memory_mb: int,
          max_connections: int, head_timeout: float, rule_dirs: tuple[Path, ...], lang: str | None) -> None:
    """Run the HTTP check service (POST /api/check, GET / upload page, GET /healthz).

    \b
    Status codes: 200 checked (see "passed"), 400 bad parameter or form, 404/405,
    408 body too slow, 413 too large, 422 unreadable file or out of memory,
    503 busy (Retry-After), 504 check timed out. Errors are JSON {"error", "message"}.
    """
    from checker.service import ServiceConfig
    from checker.service import serve as run

    lang = lang or default_lang()
    config = ServiceConfig(max_upload=max_upload_mb * 1024 * 1024, timeout=timeout,
                           packs=tuple(str(p) for p in rule_dirs), lang=lang, workers=workers or 0,
                           max_checks=max_checks or 0, max_requests=max_requests,
                           max_inflight=(max_inflight_mb or 0) * 1024 * 1024, body_timeout=body_timeout,
                           max_memory_mb=max_memory_mb, max_connections=max_connections,
                           head_timeout=head_timeout)
    try:
        from checker.compiled import compiled

        compiled(list(rule_dirs))
    except CheckerError as exc:
        _fail(exc.key, lang, **exc.args_map)
    click.echo(t("serve.listening", lang, host=host, port=port), err=True)
    run(host, port, config)


@cli.group()
def rules() -> None:
    """Work with the rule files."""


@rules.command("test")
@click.argument("rule_ids", nargs=-1)
@RULES_OPTION
@LANG_OPTION
def rules_test(rule_ids: tuple[str, ...], rule_dirs: tuple[Path, ...], lang: str | None) -> None:
    """Run every rule's example sentences (or those of RULE_IDS); exit 1 if any fails."""
    from checker.ruletest import run_examples

    STATUS_WORDS = ("met", "partial", "planned", "missing", "not_applicable")

    lang = lang or default_lang()
    checker = _checker(lang, rule_dirs)
    known = {r.id for r in checker.ruleset.rules}
    for rid in rule_ids:
        if rid not in known:
            _fail("usage.unknown_rule", lang, rule=rid)
    results = run_examples(checker, set(rule_ids) or None)
    failed = [r for r in results if not r.ok]
    for r in failed:
        why = t("rules.test.expected_pass" if r.expected == "pass" else "rules.test.expected_fail", lang)
        if r.status is not None:  # the example states its status: say which it gave instead
            why = t("rules.test.expected_status", lang, expected=t(f"status.{r.status}", lang),
                    got=t(f"status.{r.got}", lang) if r.got in STATUS_WORDS else r.got)
        click.echo(f"{r.rule} [{r.expected}] {why}: {r.sentence}")
    if failed:
        click.echo(t("rules.test.fail", lang, failed=len(failed), examples=len(results)))
        sys.exit(1)
    n_rules = len({r.rule for r in results})
    click.echo(t("rules.test.ok", lang, rules=n_rules, examples=len(results)))


@rules.command("lint")
@RULES_OPTION
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@LANG_OPTION
def rules_lint(rule_dirs: tuple[Path, ...], strict: bool, lang: str | None) -> None:
    """Check rules for patterns that can never match or can hang, missing examples and more.

    \b
    Exit status: 0 no errors (warnings allowed unless --strict), 1 problems found,
    2 a rule file cannot be loaded (schema, duplicate id, unknown item …).
    """
    from checker.ruleset.lint import lint
    from checker.ruleset.load import load_rules

    lang = lang or default_lang()
    try:
        ruleset = load_rules(packs=list(rule_dirs), unsafe_ok=True)  # lint reports unsafe patterns itself
    except CheckerError as exc:
        _fail(exc.key, lang, **exc.args_map)
    problems = lint(ruleset)
    for p in problems:
        click.echo(p.line())
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(t("rules.lint.summary", lang, rules=len(ruleset.rules), errors=errors, warnings=warnings))
    sys.exit(1 if errors or (strict and warnings) else 0)


@rules.command("reference")
@click.option("--write", "target", type=click.Path(path_type=Path, dir_okay=False),
              help="Replace the generated block of this Markdown file (docs/rules.md) instead of printing.")
def rules_reference(target: Path | None) -> None:
    """Print the YAML reference generated from the rule schema."""
    from checker.ruleset.reference import reference, write

    if target:
        write(target)
    else:
        click.echo(reference())


@cli.command()
@click.argument("rule_id")
@RULES_OPTION
@LANG_OPTION
def explain(rule_id: str, rule_dirs: tuple[Path, ...], lang: str | None) -> None:
    """Explain a rule (C20.01) or an outline item (20): the outline's wording, what satisfies it."""
    from checker.ruleset.explain import explain as explain_rule
    from checker.ruleset.explain import explain_item

    lang = lang or default_lang()
    checker = _checker(lang, rule_dirs)
    item = rule_id.strip().removeprefix("第").removesuffix("项")
    if item.isdigit() and int(item) in checker.ruleset.outline.items:
        click.echo(explain_item(checker.ruleset, int(item), lang), nl=False)
        return
    rule = checker.ruleset.by_id().get(rule_id)
    if rule is None:
        _fail("usage.unknown_rule", lang, rule=rule_id)
    assert rule is not None
    click.echo(explain_rule(checker.ruleset, rule, lang), nl=False)


def main() -> None:
    """Console entry point: one-line errors for usage mistakes, never a traceback."""
    lang = default_lang()
    try:
        cli.main(standalone_mode=False, prog_name="fzzf")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt) as exc:
        if isinstance(exc, Terminated) or isinstance(exc.__cause__, Terminated):
            click.echo(t("terminated", lang), err=True)
            sys.exit(EXIT_TERMINATED)
        click.echo(t("interrupted", lang), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        click.echo(f"{t('error.prefix', lang)}: {exc.format_message()}", err=True)
        sys.exit(EXIT_USAGE)
    except CheckerError as exc:
        click.echo(f"{t('error.prefix', lang)}: {t(exc.key, lang, **exc.args_map)}", err=True)
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK)
