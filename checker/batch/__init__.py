"""Batch audits: many reports in, per-agency gap reports and a supervisors' summary out."""
