"""The YAML reference of docs/rules.md, generated from the JSON Schema and the fact vocabulary.

`fzzf rules reference` prints it; `fzzf rules reference --write docs/rules.md` replaces the
block between the markers. A test keeps the committed document equal to this output, so the
reference can never drift from what the loader accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from checker.ruleset.compile import CHECKPOINT_FIELDS, FACT_FIELDS, OPERATORS
from checker.ruleset.load import schema

BEGIN = "<!-- BEGIN GENERATED REFERENCE (fzzf rules reference --write docs/rules.md) -->"
END = "<!-- END GENERATED REFERENCE -->"


def _type(spec: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return {"text": "{zh, en}", "patterns": "list of regex", "where": "field tests",
                "condition": "condition", "test": "test"}.get(name, name)
    if "enum" in spec:
        return " | ".join(f"`{v}`" for v in spec["enum"])
    if "oneOf" in spec:
        return " or ".join(
            "{" + ", ".join(s["properties"]) + "}" if "properties" in s else _type(s, defs) for s in spec["oneOf"]
        )
    if "allOf" in spec:
        return _type(spec["allOf"][0], defs)
    typ = spec.get("type", "object")
    if isinstance(typ, list):
        typ = "/".join(typ)
    if typ == "array" and "items" in spec:
        return f"list of {_type(spec['items'], defs)}"
    bounds = []
    if "minimum" in spec:
        bounds.append(f"≥ {spec['minimum']}")
    if "maximum" in spec:
        bounds.append(f"≤ {spec['maximum']}")
    if "pattern" in spec:
        bounds.append(f"matching `{spec['pattern']}`")
    return typ + (f" ({', '.join(bounds)})" if bounds else "")


def _table(props: dict[str, Any], required: list[str], defs: dict[str, Any]) -> list[str]:
    out = ["| field | required | type | meaning |", "|---|---|---|---|"]
    for name, spec in props.items():
        desc = spec.get("description", "").replace("|", "\\|")
        typ = _type(spec, defs).replace("|", "\\|")
        out.append(f"| `{name}` | {'yes' if name in required else ''} | {typ} | {desc} |")
    return out


def reference() -> str:
    """The generated Markdown reference."""
    sch = schema()
    defs = sch["$defs"]
    rule = defs["rule"]
    lines = [BEGIN, "", "### File", ""]
    lines += _table(sch["properties"], [], defs)
    lines += ["", "A file must have `rules`, `overrides`, `grades`, or several of them.", "", "### Rule", ""]
    lines += _table(rule["properties"], rule["required"], defs)
    ref = rule["properties"]["ref"]["oneOf"]
    lines += ["", "`ref` is one of:", ""]
    lines += [f"- `{{{', '.join(alt['properties'])}}}` — " +
              "; ".join(f"`{k}`: {_type(v, defs)}" for k, v in alt["properties"].items()) for alt in ref]
    lines += ["", "### Override (rule packs)", ""]
    lines += _table(defs["override"]["properties"], defs["override"]["required"], defs)
    grade = defs["grade"]
    lines += ["", "### Grade (`grades`)", ""]
    lines += _table(grade["properties"], grade["required"], defs)
    lines += ["", "### Conditions (`when`) and field tests (`where`)", "",
              "`when` is `{all: [leg, …]}` or `{any: [leg, …]}` (at most 15 legs). A leg is",
              "`{fact: KIND, where: {field: test, …}}` (such a fact exists) or `{absent: {fact: KIND, where: …}}`",
              "(no such fact exists; judged once all facts are in). A test is a plain value (equality) or a",
              "one-key mapping:", ""]
    lines += ["| operator | meaning |", "|---|---|"]
    meanings = {"eq": "equal", "ne": "not equal (a fact without the field never matches)", "lt": "less than",
                "lte": "at most", "gt": "greater than", "gte": "at least", "in": "equal to one of a list",
                "exists": "the field is present (true) or absent (false)"}
    lines += [f"| `{op}` | {meanings[op]} |" for op in OPERATORS]
    lines += ["", "Fact kinds and their fields:", "", "| fact | fields |", "|---|---|"]
    lines += [f"| `{kind}` | {', '.join(f'`{f}`' for f in sorted(fields))} |" for kind, fields in FACT_FIELDS.items()]
    lines += [f"| `cp` (grades only) | {', '.join(f'`{f}`' for f in sorted(CHECKPOINT_FIELDS))} |"]
    lines += ["", "A checkpoint's or signal's `where` tests the `hit` facts of its own terms; a grade's `when`",
              "tests the checkpoint's `cp` fact.", "", END]
    return "\n".join(lines)


def write(path: Path) -> None:
    """Replace the generated block of `path` (markers included) with the current reference."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    path.write_text(text[:start] + reference() + text[end:], encoding="utf-8")


def current(path: Path) -> str:
    """The generated block as it stands in `path`."""
    text = path.read_text(encoding="utf-8")
    return text[text.index(BEGIN): text.index(END) + len(END)]
