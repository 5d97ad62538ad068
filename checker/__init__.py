"""fzzf-checker: checks annual rule-of-law government reports against the 2021–2025 outline.

The pipeline runs one way: read → normalize → segment → extract facts → evaluate rules → score → render.
`checker.api` is the entry point other code (CLI, tests, later the service) should use.
"""

__version__ = "0.2.0"
