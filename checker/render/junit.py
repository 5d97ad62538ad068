"""JUnit XML: one test suite per report, one test case per checkpoint and per report rule.

CI systems show a missing or only-planned checkpoint as a failed test (with the reason and the
quote), an inapplicable one as skipped, and a file that could not be read as an error.
"""

from __future__ import annotations

from lxml import etree

from checker.i18n import rule_message, t
from checker.model import Status
from checker.render.context import RenderContext


def render(ctx: RenderContext) -> str:
    """The JUnit XML document."""
    rules = ctx.ruleset.by_id()
    suites = etree.Element("testsuites", name="fzzf-checker")
    total = failures = errors = skipped = 0
    for r in ctx.results:
        suite = etree.SubElement(suites, "testsuite", name=r.source)
        s_tests = s_fail = s_skip = 0
        fired = {f.rule: f for f in r.findings}
        for rule in ctx.ruleset.rules:
            if rule.kind not in ("structure", "timeliness"):
                continue
            case = etree.SubElement(suite, "testcase", classname=f"{r.source}.{rule.kind}", name=f"{rule.id} "
                                    f"{rule.text('title', ctx.lang)}")
            s_tests += 1
            if rule.id in fired:
                s_fail += 1
                msg = rule_message(rule.text("message", ctx.lang), fired[rule.id].args, ctx.lang)
                etree.SubElement(case, "failure", message=msg, type=rule.severity.value).text = msg
        for item in r.items:
            for c in item.checkpoints:
                rule = rules[c.rule]
                case = etree.SubElement(suite, "testcase", classname=f"{r.source}.item{item.id:02d}",
                                        name=f"{rule.id} {rule.text('title', ctx.lang)}")
                s_tests += 1
                why = t(c.reason, ctx.lang)
                if c.status is Status.NOT_APPLICABLE:
                    s_skip += 1
                    etree.SubElement(case, "skipped", message=why)
                elif c.status in (Status.MISSING, Status.PLANNED):
                    s_fail += 1
                    fail = etree.SubElement(case, "failure", message=why, type=rule.severity.value)
                    quotes = "\n".join(e.quote for e in c.evidence)
                    fail.text = f"{rule.text('message', ctx.lang)}\n{quotes}".strip()
                else:
                    etree.SubElement(case, "system-out").text = "\n".join(e.quote for e in c.evidence)
        suite.set("tests", str(s_tests))
        suite.set("failures", str(s_fail))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skip))
        total, failures, skipped = total + s_tests, failures + s_fail, skipped + s_skip
    for e in ctx.errors:
        suite = etree.SubElement(suites, "testsuite", name=e.source, tests="1", failures="0", errors="1",
                                 skipped="0")
        case = etree.SubElement(suite, "testcase", classname=e.source, name="read")
        msg = t(e.key, ctx.lang, **e.args)
        etree.SubElement(case, "error", message=msg, type=e.key).text = msg
        total, errors = total + 1, errors + 1
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", str(errors))
    suites.set("skipped", str(skipped))
    return etree.tostring(suites, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")
