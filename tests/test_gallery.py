"""The gallery: every output of cloudplan, drawn from one portfolio that holds every case, checked by
the tools that users' software applies to it (an XML parser, jsonschema, LibreOffice, axe-core, Nu)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Cli = Callable[..., Result]

GALLERY = Path(__file__).resolve().parent / "plans" / "gallery"
AS_OF = "2026-12-06"  # the steering committee's day: every status appears on it

MILESTONE_STATUSES = {"overdue", "due-soon", "upcoming", "unscheduled", "done", "done-late", "cancelled"}
INDICATOR_STATUSES = {"no-data", "achieved", "missed", "on-track", "behind"}


def test_the_gallery_holds_every_case(cli: Cli) -> None:
    result = cli("status", GALLERY, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    milestones = [m for p in doc["projects"] for m in p["milestones"]]
    assert {m["status"] for m in milestones} == MILESTONE_STATUSES
    assert {i["status"] for i in doc["indicators"]} == INDICATOR_STATUSES
    at_risk = {m["ref"]: m["blocked_by"] for m in milestones if m["at_risk"]}
    # A chain through an overdue milestone (two deep), a cancelled dependency, and a dependency due after.
    assert at_risk["cloud-interne/decommissionnement"] == ["cloud-interne/vague-1"]
    assert "achats-numeriques/marche-postes" in at_risk["poste-de-travail/deploiement"]
    assert at_risk["poste-de-travail/formation"]
    assert sum(m["slipped_days"] > 0 for m in milestones) >= 4
    assert any(m["done"] and m["done"] < m["deadline"][:7] + "-01" for m in milestones), "a milestone done early"
    values = [v["value"] for i in doc["indicators"] for v in i["measures"]]
    assert any(v != int(v) and v > 1000 for v in values), "a decimal measure in the thousands"
    assert len({m["plan"] for m in milestones}) == 2, "a portfolio of two files"
    contacts = (GALLERY / "feuille-de-route.toml").read_text(encoding="utf-8")
    assert 'owner = "*"' in contacts
    assert max(len(m["title"]) for m in milestones) > 120
