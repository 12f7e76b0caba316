"""Generate realistic cloudplan portfolios, and the same milestones as Taskwarrior tasks; stdlib only.

A portfolio of N milestones is about N/10 projects spread over several plan files, one
per ministry, written the way programme officers write them: section comments, inline
comments on deadlines, notes, every period form of docs/plan-format.md, slips, dependencies,
indicators with measures. Deadlines are placed relative to *today*, so that a share of
the milestones is overdue today, whenever the benchmark runs.

Outputs, under --out (default bench/out/):

    portfolio-N/NN-ministry.toml   the plan files (valid: `cloudplan status` exits 0)
    portfolio-N.tasks.json         the same milestones for `task import`
    portfolio-N.manifest.json      today, counts by status, the expected overdue count
    single-N.toml                  the same milestones in one file (with --single N)

The same seed and the same today give the same bytes.

    python bench/gen.py --sizes 1000,10000,100000 --single 10000
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

GENERATOR_VERSION = 1  # bump when the output changes, so that run.py regenerates
TIMEZONE = "Europe/Paris"  # the plans' time zone; the benchmark runs Taskwarrior with TZ set to it
DEFAULT_SEED = 2019
DEFAULT_FILES = 10
OUT = Path(__file__).resolve().parent / "out"

MINISTRIES = [
    ("interieur", "Ministère de l'Intérieur", ["DNUM", "DGEF", "DLPAJ", "SG"]),
    ("armees", "Ministère des Armées", ["DGNUM", "DIRISI", "SGA"]),
    ("economie", "Ministère de l'Économie et des Finances", ["DGFiP", "DGDDI", "SNUM", "Insee"]),
    ("education", "Ministère de l'Éducation nationale", ["DNE", "DGESCO", "DAF"]),
    ("justice", "Ministère de la Justice", ["SNUM", "DSJ", "DAP"]),
    ("sante", "Ministère des Solidarités et de la Santé", ["DNS", "DGOS", "ANS"]),
    ("ecologie", "Ministère de la Transition écologique", ["SNUM", "DGAC", "DGPR"]),
    ("agriculture", "Ministère de l'Agriculture et de l'Alimentation", ["SNUM", "DGAL", "FranceAgriMer"]),
    ("culture", "Ministère de la Culture", ["DNUM", "BnF", "DGPA"]),
    ("travail", "Ministère du Travail", ["DNUM", "DGEFP", "Pôle emploi"]),
]

THEMES = [
    ("cloud", "Migration des applications vers le cloud interne (cercle 1)", ["cloud", "infrastructure"]),
    ("messagerie", "Messagerie collaborative et agenda partagé", ["digital-workplace"]),
    ("si-rh", "Refonte du système d'information des ressources humaines", ["si-metier", "rh"]),
    ("portail", "Portail usagers « démarches en ligne »", ["usagers", "dematerialisation"]),
    ("archivage", "Archivage électronique à valeur probante", ["archives", "si-metier"]),
    ("identite", "Raccordement à FranceConnect et ProConnect", ["identite", "usagers"]),
    ("poste", "Poste de travail nomade des agents", ["digital-workplace", "mobilite"]),
    ("reseau", "Modernisation du réseau interministériel (RIE)", ["infrastructure", "reseau"]),
    ("data", "Plateforme de données et tableaux de bord", ["data"]),
    ("cyber", "Plan de cybersécurité et supervision (SOC)", ["securite"]),
    ("teletravail", "Équipement du télétravail", ["digital-workplace", "mobilite"]),
    ("demat", "Dématérialisation des procédures internes", ["dematerialisation"]),
    ("api", "Exposition d'API pour le « Dites-le-nous une fois »", ["api", "usagers"]),
    ("opendata", "Ouverture des données publiques", ["open-data", "data"]),
    ("ia", "Expérimentations d'intelligence artificielle", ["ia", "innovation"]),
]

# A project's life, in order: a project takes a run of these, so deadlines follow the order.
STEPS = [
    ("cadrage", "Cadrage et note d'opportunité"),
    ("etude", "Étude technico-économique"),
    ("avis-dinum", "Avis conforme de la DINUM (article 3 du décret 2019-1088)"),
    ("appel-offres", "Publication de l'appel d'offres"),
    ("notification", "Notification du marché au titulaire"),
    ("conception", "Conception détaillée et dossier d'architecture"),
    ("pilote", "Pilote sur un périmètre restreint"),
    ("recette", "Recette fonctionnelle et technique"),
    ("homologation", "Homologation de sécurité (RGS)"),
    ("mise-en-production", "Mise en production"),
    ("migration-donnees", "Migration des données historiques"),
    ("deploiement-vague-1", "Déploiement : vague 1 (administration centrale)"),
    ("deploiement-vague-2", "Déploiement : vague 2 (services déconcentrés)"),
    ("formation", "Formation des agents et conduite du changement"),
    ("generalisation", "Généralisation à l'ensemble des services"),
    ("decommissionnement", "Décommissionnement de l'ancien système"),
    ("bilan", "Bilan et retour d'expérience en comité"),
]

EXTERNAL_OWNERS = ["Titulaire du marché", "UGAP", "DINUM", "ANSSI", "OVHcloud", "Capgemini", "Sopra Steria", "AIFE"]

INLINE_COMMENTS = [
    "arbitrage du COPIL du {d}",
    "date contractuelle (CCAP, art. 12)",
    "cf. compte rendu du comité de pilotage du {d}",
    "à confirmer avec le titulaire",
    "engagement pris devant le CSN",
    "voir l'historique des reports ci-dessous",
    "jalon PLF : ne pas décaler sans accord de la direction du budget",
    "TODO vérifier avec la DAF",
]

LINE_COMMENTS = [
    "Décision du comité stratégique du numérique : priorité haute.",
    "Dépend de la livraison du socle d'hébergement ; point d'attention au prochain COPIL.",
    "Le titulaire a signalé un risque de glissement (courrier du {d}).",
    "Budget voté en LFI ; crédits de paiement à confirmer en gestion.",
    "Ne pas marquer terminé avant réception du PV de recette signé.",
]

NOTES = [
    "Périmètre : administration centrale et {n} services déconcentrés.",
    "Coût estimé : {n} k€ TTC, financé par le Fonds pour la transformation de l'action publique (FTAP).",
    "Référent métier : bureau des systèmes d'information ; référent technique : pôle « hébergement ».",
    "Le marché « Cloud Pi » est mobilisé ; bon de commande n° {n}.",
    "Suite à l'audit de l'ANSSI, {n} recommandations à lever avant l'ouverture.",
    'Décision reportée : attendre l\'arbitrage interministériel sur le "cloud au centre".',
]

MULTILINE_NOTES = [
    "Compte rendu du COPIL du {d} :\n- périmètre confirmé ;\n- risque sur les effectifs de la MOE ;\n"
    "- prochain point dans trois mois.\n",
    "Conditions de passage en production :\n1. homologation signée par l'autorité qualifiée ;\n"
    "2. plan de réversibilité validé ;\n3. supervision raccordée au SOC.\n",
]

SLIP_REASONS = [
    "Appel d'offres relancé (premier lot infructueux)",
    "Arbitrage budgétaire du COPIL",
    "Retard de livraison du titulaire",
    "Crise sanitaire : déploiements suspendus",
    "Homologation RGS à reprendre après audit",
    "Changement de périmètre demandé par le cabinet",
    "Dépendance non levée sur le socle d'hébergement",
    "Effectifs de la MOE insuffisants",
]

INDICATORS = [
    ("demarches-en-ligne", "Démarches phares accessibles en ligne", "%", (30, 60), (80, 100)),
    ("apps-cloud", "Applications hébergées en mode cloud", "applications", (10, 80), (100, 300)),
    ("agents-nomades", "Agents équipés d'un poste nomade", "% des agents", (3, 15), (25, 60)),
    ("delai-traitement", "Délai moyen de traitement d'une demande", "jours", (30, 90), (5, 20)),
    ("satisfaction", "Satisfaction des usagers (enquête annuelle)", "/10", (5, 7), (8, 9)),
    ("datacenters", "Centres de données ministériels encore ouverts", "sites", (10, 40), (1, 5)),
]

FORMS = [  # (form, weight): the mix of spellings a portfolio uses for due, start and slips
    ("date", 30), ("quarter", 18), ("quarter-t", 3), ("half", 9), ("half-s", 2), ("year", 8),
    ("year-int", 2), ("month", 16), ("week", 8), ("date-str", 4),
]  # fmt: skip
_FORM_NAMES = [f for f, _ in FORMS]
_FORM_WEIGHTS = [w for _, w in FORMS]


# -- periods, written as a plan file writes them ---------------------------------------------


@dataclass(frozen=True)
class Period:
    literal: str  # the TOML value, as written in the file
    first: date
    last: date


def _month_end(y: int, m: int) -> date:
    return (date(y + m // 12, m % 12 + 1, 1)) - timedelta(days=1)


def period(d: date, form: str) -> Period:
    """Return the period of spelling *form* that holds the day *d*."""
    y, m = d.year, d.month
    if form == "date":
        return Period(d.isoformat(), d, d)
    if form == "date-str":
        return Period(f'"{d.isoformat()}"', d, d)
    if form in ("quarter", "quarter-t"):
        q = (m - 1) // 3 + 1
        letter = "Q" if form == "quarter" else "T"
        return Period(f'"{y}-{letter}{q}"', date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if form in ("half", "half-s"):
        h = 1 if m <= 6 else 2
        letter = "H" if form == "half" else "S"
        return Period(f'"{y}-{letter}{h}"', date(y, 6 * h - 5, 1), _month_end(y, 6 * h))
    if form in ("year", "year-int"):
        return Period(f'"{y}"' if form == "year" else str(y), date(y, 1, 1), date(y, 12, 31))
    if form == "month":
        return Period(f'"{y}-{m:02d}"', date(y, m, 1), _month_end(y, m))
    if form == "week":
        iy, iw, _ = d.isocalendar()
        monday = date.fromisocalendar(iy, iw, 1)
        return Period(f'"{iy}-W{iw:02d}"', monday, monday + timedelta(days=6))
    raise ValueError(form)


def s(text: str) -> str:
    """Return *text* as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


# -- the portfolio in memory ----------------------------------------------------------------


@dataclass
class Slip:
    from_: Period
    to: Period
    on: date
    reason: str


@dataclass
class Milestone:
    id: str
    title: str
    due: Period | None
    start: Period | None = None
    done: date | None = None
    cancelled: date | None = None
    owners: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)  # as written: bare id or PROJECT/ID
    notes: str = ""
    multiline: bool = False
    due_comment: str = ""
    comment: str = ""
    slips: list[Slip] = field(default_factory=list)
    uuid: str = ""


@dataclass
class Project:
    id: str
    title: str
    description: str
    owners: list[str]
    tags: list[str]
    comment: str
    created: date
    milestones: list[Milestone] = field(default_factory=list)


@dataclass
class Indicator:
    id: str
    title: str
    unit: str
    project: str | None
    baseline: tuple[float, str]
    target: tuple[float, str]
    measures: list[tuple[date, float, str]]


@dataclass
class Ministry:
    slug: str
    name: str
    directions: list[str]
    warn_days: int | None
    projects: list[Project] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


class Generator:
    """Draws a portfolio from one seeded random stream."""

    def __init__(self, size: int, files: int, seed: int, today: date) -> None:
        self.size, self.today = size, today
        self.rng = random.Random(f"{seed}:{size}")
        sizes = self._project_sizes(size)
        files = max(1, min(files, len(sizes)))
        self.ministries = []
        for i in range(files):
            slug, name, directions = MINISTRIES[i % len(MINISTRIES)]
            if i >= len(MINISTRIES):
                slug, name = f"{slug}-{i // len(MINISTRIES) + 1}", f"{name} ({i // len(MINISTRIES) + 1})"
            self.ministries.append(Ministry(slug, name, directions, 30 if i % 3 == 0 else None))
        counters: dict[str, int] = {}
        for n, count in enumerate(sizes):
            ministry = self.ministries[n % files]  # round robin: every file gets its share
            self.ministry = ministry
            ministry.projects.append(self._project(ministry, count, counters))
        for ministry in self.ministries:
            for k in range(max(1, len(ministry.projects) // 20)):
                ministry.indicators.append(self._indicator(ministry, k + 1))

    def _project_sizes(self, total: int) -> list[int]:
        """Between 4 and 16 milestones a project (10 on average), adding up to *total*."""
        sizes: list[int] = []
        left = total
        while left > 0:
            n = min(left, self.rng.randint(4, 16))
            if 0 < left - n < 4:
                n = left
            sizes.append(n)
            left -= n
        return sizes

    def _project(self, ministry: Ministry, count: int, counters: dict[str, int]) -> Project:
        rng = self.rng
        theme, theme_title, tags = rng.choice(THEMES)
        counters[ministry.slug] = counters.get(ministry.slug, 0) + 1
        number = counters[ministry.slug]
        pid = f"{ministry.slug}-{theme}-{number}"
        direction = rng.choice(ministry.directions)
        owners = [direction] + (["DINUM"] if rng.random() < 0.2 else [])
        start = self.today + timedelta(days=rng.randint(-2600, 400))
        project = Project(
            id=pid,
            title=f"{theme_title} ({direction}, lot {number})",
            description=rng.choice(
                ["", "", f"Chantier inscrit au plan de transformation numérique de {ministry.name}."]
            ),
            owners=owners,
            tags=sorted(set(tags + (["prioritaire"] if rng.random() < 0.15 else []))),
            comment=f"Décision du comité du {self._past(start).strftime('%d/%m/%Y')}. Chef de projet : {direction}.",
            created=start - timedelta(days=120),
        )
        first = rng.randint(0, max(0, len(STEPS) - count))
        day = start
        for k in range(count):
            step = first + k
            mid, title = (
                STEPS[step] if step < len(STEPS) else (f"jalon-{step + 1}", f"Jalon complémentaire n° {step + 1}")
            )
            day += timedelta(days=rng.randint(20, 200))
            project.milestones.append(self._milestone(project, mid, title, day))
        return project

    def _past(self, d: date) -> date:
        return min(d, self.today - timedelta(days=1))

    def _form(self) -> str:
        return self.rng.choices(_FORM_NAMES, _FORM_WEIGHTS)[0]

    def _due(self, d: date) -> Period:
        """A deadline holding *d*, never ending today (Taskwarrior and cloudplan may differ on that day)."""
        due = period(d, self._form())
        if due.last == self.today:
            due = period(d if d != self.today else d + timedelta(days=1), "date")
        return due

    def _milestone(self, project: Project, mid: str, title: str, day: date) -> Milestone:
        rng, today = self.rng, self.today
        m = Milestone(id=mid, title=title, due=None if rng.random() < 0.08 else self._due(day))
        m.uuid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        # Closed or not: the older the deadline, the likelier it is done.
        r = rng.random()
        if m.due is None:
            if r < 0.15:
                m.done = today - timedelta(days=rng.randint(1, 900))
            elif r < 0.2:
                m.cancelled = today - timedelta(days=rng.randint(1, 900))
        elif m.due.last < today:
            age = (today - m.due.last).days
            p_done = 0.25 + 0.45 * min(1.0, age / 1500)
            if r < p_done:
                m.done = self._past(m.due.last + timedelta(days=rng.randint(-60, 150)))
            elif r < p_done + 0.05:
                m.cancelled = self._past(m.due.last - timedelta(days=rng.randint(0, 120)))
        elif r < 0.04:
            m.done = today - timedelta(days=rng.randint(1, 60))
        elif r < 0.07:
            m.cancelled = today - timedelta(days=rng.randint(1, 60))
        if m.due is not None and rng.random() < 0.25:
            m.start = period(
                m.due.last - timedelta(days=rng.randint(30, 300)), rng.choice(["year", "quarter", "month", "date"])
            )
        if rng.random() < 0.25:
            m.owners = [rng.choice(EXTERNAL_OWNERS)] + ([project.owners[0]] if rng.random() < 0.5 else [])
        self._dependencies(project, m)
        if rng.random() < 0.2:
            m.notes = rng.choice(NOTES).format(n=rng.randint(2, 400))
        elif rng.random() < 0.02:
            m.notes = rng.choice(MULTILINE_NOTES).format(d=self._past(day).strftime("%d/%m/%Y"))
            m.multiline = True
        if m.due is not None and rng.random() < 0.3:
            m.due_comment = rng.choice(INLINE_COMMENTS).format(d=self._past(day - timedelta(days=90)).isoformat())
        if rng.random() < 0.1:
            m.comment = rng.choice(LINE_COMMENTS).format(d=self._past(day - timedelta(days=30)).strftime("%d/%m/%Y"))
        if m.due is not None and rng.random() < 0.15:
            self._slips(m)
        return m

    def _dependencies(self, project: Project, m: Milestone) -> None:
        """On the step before, sometimes on an earlier one, rarely on another project of the file.

        A dependency never ends after the milestone (cloudplan warns of that), an open
        milestone never waits for a cancelled one (nor that), and a dependency always points
        backwards, so there is no cycle.
        """
        rng = self.rng
        before = project.milestones
        candidates: list[tuple[str, Milestone]] = []
        if before and rng.random() < 0.5:
            candidates.append((before[-1].id, before[-1]))
        if len(before) > 2 and rng.random() < 0.15:
            other = rng.choice(before[:-1])
            candidates.append((other.id, other))
        ministry = self.ministry  # the file being drawn: its earlier projects only
        if ministry.projects and rng.random() < 0.03:
            other_project = rng.choice(ministry.projects)
            if other_project.milestones:
                other = rng.choice(other_project.milestones)
                candidates.append((f"{other_project.id}/{other.id}", other))
        for ref, other in candidates:
            if ref in m.depends_on:
                continue
            if m.due is not None and other.due is not None and m.due.last < other.due.last:
                continue
            if other.cancelled is not None and m.done is None and m.cancelled is None:
                continue
            m.depends_on.append(ref)

    def _slips(self, m: Milestone) -> None:
        """One to three reports that chain to the current deadline."""
        assert m.due is not None
        rng = self.rng
        chain = [m.due]
        for _ in range(rng.choices([1, 2, 3], [70, 22, 8])[0]):
            earlier = period(chain[0].last - timedelta(days=rng.randint(45, 240)), self._form())
            if (earlier.first, earlier.last) == (chain[0].first, chain[0].last):
                break
            chain.insert(0, earlier)
        for old, new in itertools.pairwise(chain):
            on = self._past(old.last - timedelta(days=rng.randint(-20, 60)))
            m.slips.append(Slip(old, new, on, rng.choice(SLIP_REASONS)))

    def _indicator(self, ministry: Ministry, k: int) -> Indicator:
        rng, today = self.rng, self.today
        iid, title, unit, base_range, target_range = rng.choice(INDICATORS)
        base_year = today.year - rng.randint(5, 8)
        target_year = base_year + rng.randint(3, 10)
        base = float(rng.randint(*base_range))
        target = float(rng.randint(*target_range))
        target_when = f"{target_year}" if rng.random() < 0.7 else f"{target_year}-Q{rng.randint(1, 4)}"
        target_last = period(date(target_year, 12, 31), "year").last
        measures = []
        # The latest measure is recent while the target is ahead (cloudplan warns of stale indicators).
        latest = (
            today - timedelta(days=rng.randint(10, 300))
            if target_last >= today
            else today - timedelta(days=rng.randint(10, 900))
        )
        count = rng.randint(1, 6)
        for n in range(count):
            on = latest - timedelta(days=365 * (count - 1 - n) // 2)
            if on.year <= base_year:
                continue
            share = (on - date(base_year, 12, 31)).days / max(1, (target_last - date(base_year, 12, 31)).days)
            value = round(base + (target - base) * share * rng.uniform(0.6, 1.2), 1)
            note = rng.choice(["", "", "Source : enquête annuelle", "Chiffre provisoire, à consolider"])
            measures.append((on, value, note))
        project = rng.choice(ministry.projects).id if ministry.projects and rng.random() < 0.6 else None
        return Indicator(
            id=f"{ministry.slug}-{iid}-{k}",
            title=f"{title} ({ministry.name})",
            unit=unit,
            project=project,
            baseline=(base, f'"{base_year}"'),
            target=(target, f'"{target_when}"'),
            measures=measures,
        )

    # -- what the portfolio holds -----------------------------------------------------------

    def milestones(self) -> list[tuple[Project, Milestone]]:
        return [(p, m) for x in self.ministries for p in x.projects for m in p.milestones]

    def counts(self) -> dict[str, int]:
        counts = {"done": 0, "cancelled": 0, "overdue": 0, "open-scheduled": 0, "unscheduled": 0}
        for _, m in self.milestones():
            if m.done is not None:
                counts["done"] += 1
            elif m.cancelled is not None:
                counts["cancelled"] += 1
            elif m.due is None:
                counts["unscheduled"] += 1
            elif m.due.last < self.today:
                counts["overdue"] += 1
            else:
                counts["open-scheduled"] += 1
        return counts

    def done_ref(self) -> str:
        """An overdue milestone near the middle of the portfolio: what `done` marks in the benchmark."""
        items = self.milestones()
        for p, m in items[len(items) // 2 :] + items:
            if m.done is None and m.cancelled is None and m.due is not None and m.due.last < self.today:
                return f"{p.id}/{m.id}"
        raise ValueError("no overdue milestone")


# -- writing ------------------------------------------------------------------------------------


def _header(title: str, owner: str, warn_days: int | None, seed: int) -> list[str]:
    lines = [
        "#:schema ../cloudplan.schema.json",
        f"# {title}",
        f"# Portefeuille fictif généré par bench/gen.py (graine {seed}) pour mesurer cloudplan.",
        "# Tenu par la direction du numérique ; revue mensuelle en comité des projets numériques.",
        "",
        "version = 1",
        "",
        "[plan]",
        f"title = {s(title)}",
        f"owner = {s(owner)}",
        f'timezone = "{TIMEZONE}"    # "aujourd\'hui" est pris à Paris',
    ]
    if warn_days is not None:
        lines.append(f"warn_days = {warn_days}")
    return lines


def _project_lines(p: Project) -> list[str]:
    out = ["", f"# --- {p.id} : {p.title} ".ljust(90, "-"), f"# {p.comment}", "", "[[project]]"]
    out.append(f"id = {s(p.id)}")
    out.append(f"title = {s(p.title)}")
    if p.description:
        out.append(f"description = {s(p.description)}")
    out.append(f"owners = [{', '.join(s(o) for o in p.owners)}]")
    out.append(f"tags = [{', '.join(s(t) for t in p.tags)}]")
    for m in p.milestones:
        out += _milestone_lines(m)
    return out


def _milestone_lines(m: Milestone) -> list[str]:
    pad = "  "
    out = ["", f"{pad}[[project.milestone]]", f"{pad}id = {s(m.id)}", f"{pad}title = {s(m.title)}"]
    if m.comment:
        out.append(f"{pad}# {m.comment}")
    if m.start is not None:
        out.append(f"{pad}start = {m.start.literal}")
    if m.due is not None:
        line = f"{pad}due = {m.due.literal}"
        out.append(f"{line.ljust(30)}# {m.due_comment}" if m.due_comment else line)
    if m.done is not None:
        out.append(f"{pad}done = {m.done.isoformat()}")
    if m.cancelled is not None:
        out.append(f"{pad}cancelled = {m.cancelled.isoformat()}")
    if m.owners:
        out.append(f"{pad}owners = [{', '.join(s(o) for o in m.owners)}]")
    if m.depends_on:
        out.append(f"{pad}depends_on = [{', '.join(s(d) for d in m.depends_on)}]")
    if m.notes:
        out.append(f'{pad}notes = """\n{m.notes}"""' if m.multiline else f"{pad}notes = {s(m.notes)}")
    for slip in m.slips:
        out += [
            "",
            f"{pad}  [[project.milestone.slip]]",
            f"{pad}  from = {slip.from_.literal}",
            f"{pad}  to = {slip.to.literal}",
            f"{pad}  on = {slip.on.isoformat()}",
            f"{pad}  reason = {s(slip.reason)}",
        ]
    return out


def _indicator_lines(i: Indicator) -> list[str]:
    out = ["", "[[indicator]]", f"id = {s(i.id)}", f"title = {s(i.title)}", f"unit = {s(i.unit)}"]
    if i.project:
        out.append(f"project = {s(i.project)}")
    out.append(f"baseline = {{ value = {i.baseline[0]:g}, on = {i.baseline[1]} }}")
    out.append(f"target = {{ value = {i.target[0]:g}, by = {i.target[1]} }}")
    for on, value, note in i.measures:
        out += ["", "  [[indicator.measure]]", f"  on = {on.isoformat()}", f"  value = {value:g}"]
        if note:
            out.append(f"  note = {s(note)}")
    return out


def _indicators_block(indicators: list[Indicator]) -> list[str]:
    if not indicators:
        return []
    out = ["", "# --- Indicateurs ".ljust(90, "-"), "# Mesures reportées chaque semestre par les directions."]
    for i in indicators:
        out += _indicator_lines(i)
    return out


def plan_text(ministry: Ministry, seed: int) -> str:
    title = f"Feuille de route numérique : {ministry.name}"
    lines = _header(title, ministry.directions[0], ministry.warn_days, seed)
    for p in ministry.projects:
        lines += _project_lines(p)
    lines += _indicators_block(ministry.indicators)
    return "\n".join(lines) + "\n"


def single_text(gen: Generator, seed: int) -> str:
    lines = _header("Feuille de route numérique de l'État (tous ministères)", "DINUM", 30, seed)
    for ministry in gen.ministries:
        lines += ["", "", f"# ===== {ministry.name} ".ljust(90, "=")]
        for p in ministry.projects:
            lines += _project_lines(p)
    lines += _indicators_block([i for x in gen.ministries for i in x.indicators])
    return "\n".join(lines) + "\n"


def _stamp(d: date, tz: ZoneInfo) -> str:
    """Local midnight of *d* in the plans' time zone, as Taskwarrior's UTC timestamp."""
    return datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def tasks(gen: Generator) -> list[dict[str, object]]:
    """The milestones as Taskwarrior tasks: open ones pending (due = deadline), done completed, cancelled deleted."""
    tz = ZoneInfo(TIMEZONE)
    uuids = {f"{p.id}/{m.id}": m.uuid for p, m in gen.milestones()}
    out: list[dict[str, object]] = []
    for p, m in gen.milestones():
        task: dict[str, object] = {
            "uuid": m.uuid,
            "description": m.title,
            "project": p.id,
            "entry": _stamp(p.created, tz),
            "status": "pending",
            "tags": p.tags,
        }
        if m.due is not None:
            task["due"] = _stamp(m.due.last, tz)
        if m.start is not None:
            task["scheduled"] = _stamp(m.start.first, tz)
        if m.done is not None:
            task["status"], task["end"] = "completed", _stamp(m.done, tz)
        elif m.cancelled is not None:
            task["status"], task["end"] = "deleted", _stamp(m.cancelled, tz)
        deps = [uuids[d if "/" in d else f"{p.id}/{d}"] for d in m.depends_on]
        if deps:
            task["depends"] = ",".join(deps)
        if m.notes:
            task["annotations"] = [{"entry": _stamp(p.created, tz), "description": m.notes.replace("\n", " ").strip()}]
        out.append(task)
    return out


def today_in(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def generate(size: int, out: Path, *, files: int, seed: int, today: date, single: bool) -> dict[str, object]:
    """Write the portfolio of *size* milestones (and its single-file variant); return its manifest."""
    gen = Generator(size, files, seed, today)
    folder = out / f"portfolio-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.toml"):
        old.unlink()
    written = 0
    for n, ministry in enumerate(gen.ministries, start=1):
        path = folder / f"{n:02d}-{ministry.slug}.toml"
        written += _write(path, plan_text(ministry, seed))
    tasks_path = out / f"portfolio-{size}.tasks.json"
    _write(tasks_path, json.dumps(tasks(gen), ensure_ascii=False, indent=0) + "\n")
    counts = gen.counts()
    manifest: dict[str, object] = {
        "generator": GENERATOR_VERSION,
        "seed": seed,
        "today": today.isoformat(),
        "timezone": TIMEZONE,
        "milestones": size,
        "projects": sum(len(x.projects) for x in gen.ministries),
        "indicators": sum(len(x.indicators) for x in gen.ministries),
        "files": len(gen.ministries),
        "bytes": written,
        "counts": counts,
        "open": counts["overdue"] + counts["open-scheduled"] + counts["unscheduled"],
        "done_ref": gen.done_ref(),
        "folder": folder.name,
        "tasks": tasks_path.name,
    }
    if single:
        path = out / f"single-{size}.toml"
        manifest["single"] = path.name
        manifest["single_bytes"] = _write(path, single_text(gen, seed))
    _write(out / f"portfolio-{size}.manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="milestones per portfolio, comma-separated")
    parser.add_argument("--files", type=int, default=DEFAULT_FILES, help="plan files per portfolio (one per ministry)")
    parser.add_argument("--single", default="10000", help="sizes that also get a single-file variant ('' for none)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--today", type=date.fromisoformat, help=f"the day deadlines are placed around (default: today in {TIMEZONE})"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    today = args.today or today_in(TIMEZONE)
    singles = {int(x) for x in args.single.split(",") if x}
    args.out.mkdir(parents=True, exist_ok=True)
    for size in (int(x) for x in args.sizes.split(",") if x):
        manifest = generate(size, args.out, files=args.files, seed=args.seed, today=today, single=size in singles)
        c = manifest["counts"]
        assert isinstance(c, dict)
        print(
            f"portfolio-{size}: {manifest['files']} files, {manifest['projects']} projects, "
            f"{manifest['bytes']:,} bytes; "
            f"overdue {c['overdue']}, open {manifest['open']}, done {c['done']}, cancelled {c['cancelled']} "
            f"(as of {today})",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
