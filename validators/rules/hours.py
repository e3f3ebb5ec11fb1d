"""Continuing-education hours: the requirement for a year under a policy (shared by rules, templates and cells)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HoursRequirement:
    total: float
    prof: float | None
    public: float | None
    prof_is_warning: bool
    clause: str


def required_hours(policy, year: int, level: str | None = None, grassroots: bool = False,
                   private: bool = False) -> HoursRequirement:
    """The hours a person must have for ``year`` under ``policy``."""
    total = float(policy.get("hours.annual_total", 90, (int, float)))
    num, den = policy.get("hours.prof_share", [2, 3], list)
    return HoursRequirement(total, total * num / den, None, bool(policy.get("hours.prof_share_is_warning", True)),
                            str(policy.get("hours.clause", "")))
