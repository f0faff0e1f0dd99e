"""A synthetic pactgraph corpus: reports with claims, text anchors, memberships, events and relay chains.

Deterministic for a seed. Everything is in the project's own vocabulary (pg:,
pgv:, pgr:, with schema.org, PROV-O, Web Annotation, W3C org, SEM and OWL-Time),
and the corpus conforms to the shipped shapes except for the violations it
injects on purpose, one result each; it prints how many.

    python benchmarks/generate.py OUT --triples 100k [--seed 7] [--violations 20]

OUT/entities.ttl holds the world: states and capitals, alliances, outlets,
anonymous sources, experts, background sources and wire reports relaying each
other. OUT/reports/<slug>/report.ttl holds one report: the report, its stored
text (also written to article.txt) with sentences, claims anchored in it with
oa:TextQuoteSelector and oa:TextPositionSelector, propositions, and the
memberships, events and relations it attests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pactgraph.rdf.namespaces import PREFIXES as PROJECT_PREFIXES

PREFIXES = "".join(
    f"PREFIX {p}: <{PROJECT_PREFIXES[p]}>\n"
    for p in ("oa", "org", "pg", "pgr", "pgv", "prov", "rdf", "rdfs", "schema", "sem", "time", "xsd")
) + "\n"

#: Injected defects: each raises exactly one SHACL result (constraint, focus node kind).
VIOLATION_KINDS = (
    "membership-start-after-end",  # pgsh:Membership-startNotAfterEnd
    "event-begin-after-end",  # pgsh:Event-beginNotAfterEnd
    "certainty-outside-scheme",  # pgsh:Claim-certainty
    "checksum-mismatch",  # pgsh:SourceText-checksumMatches
    "attribution-other-agent",  # pgsh:Claim-attributionNamesClaimant
    "relays-later-report",  # pgsh:Report-relaysEarlierReport
)
VIOLATION_CONSTRAINTS = {
    "membership-start-after-end": "pgsh:Membership-startNotAfterEnd",
    "event-begin-after-end": "pgsh:Event-beginNotAfterEnd",
    "certainty-outside-scheme": "pgsh:Claim-certainty",
    "checksum-mismatch": "pgsh:SourceText-checksumMatches",
    "attribution-other-agent": "pgsh:Claim-attributionNamesClaimant",
    "relays-later-report": "pgsh:Report-relaysEarlierReport",
}

_SYLLABLES = "ar bel cor dan el fen gar hol ist jun kel lor mar nev or pal quin ros sal tor ul var wen xan yor zel".split()
_ENDINGS = ["ia", "land", "stan", "mark", "ovia", "ea", "ania", "eth"]
_PACT_WORDS = ["Northern", "Southern", "Eastern", "Western", "Coastal", "Mountain", "River", "Desert", "Island", "Steppe"]
_PACT_NOUNS = ["Pact", "Alliance", "Compact", "Treaty Organisation", "Defence Union", "Accord"]
_OUTLET_NOUNS = ["Courier", "Herald", "Wire", "Gazette", "Observer", "Tribune", "Post", "Chronicle"]
_CAPABILITIES = [
    "financial-resources",
    "nuclear-weapons",
    "ballistic-missiles",
    "manpower",
    "combat-experienced-forces",
    "defence-industry",
]
_CAPABILITY_WORDS = {
    "financial-resources": "financial resources",
    "nuclear-weapons": "nuclear weapons",
    "ballistic-missiles": "ballistic missiles",
    "manpower": "manpower",
    "combat-experienced-forces": "combat-experienced forces",
    "defence-industry": "a defence industry",
}
_STAGES = ["consultation", "advanced", "concluded"]
_EVENT_TYPES = ["negotiation", "signing", "meeting"]
_RELATION_TYPES = ["rivalry", "tension", "interest-alignment", "consensus"]
_STATUSES = ["member", "prospective-member", "former-member"]
_CERTAINTIES = ["certain", "probable", "possible", "underspecified"]
BASE_DATE = dt.date(2020, 1, 1)


def q(text: str) -> str:
    """A Turtle string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def en(text: str) -> str:
    return q(text) + "@en"


def date(day: dt.date) -> str:
    return f'"{day.isoformat()}"^^xsd:date'


def nni(n: int) -> str:
    return f'"{n}"^^xsd:nonNegativeInteger'


class Turtle:
    """Subject blocks written as Turtle, counting the triples."""

    def __init__(self) -> None:
        self.parts: list[str] = [PREFIXES]
        self.triples = 0

    def _objects(self, value: object, indent: str) -> str:
        if isinstance(value, list):
            return " ,\n".join(indent + "    " + self._objects(v, indent + "    ").lstrip() for v in value).lstrip()
        if isinstance(value, dict):
            inner = self._body(value, indent + "    ")
            return "[\n" + inner + "\n" + indent + "]"
        return str(value)

    def _body(self, props: dict[str, object], indent: str) -> str:
        lines = []
        for predicate, value in props.items():
            # One triple per value; a nested blank node's own triples are counted as it is rendered.
            self.triples += len(value) if isinstance(value, list) else 1
            lines.append(f"{indent}    {predicate} {self._objects(value, indent + '    ')}")
        return " ;\n".join(lines)

    def block(self, subject: str, props: dict[str, object]) -> None:
        self.parts.append(subject + "\n" + self._body(props, "") + " .\n\n")

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class World:
    states: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, capital id)
    alliances: list[tuple[str, str]] = field(default_factory=list)
    outlets: list[tuple[str, str]] = field(default_factory=list)
    officials: list[tuple[str, str]] = field(default_factory=list)
    experts: list[tuple[str, str]] = field(default_factory=list)
    wires: list[tuple[str, dt.date, str | None]] = field(default_factory=list)  # (id, date, relays)


def _names(rng: random.Random, n: int) -> list[str]:
    seen: set[str] = set()
    names = []
    while len(names) < n:
        name = (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES) + rng.choice(_ENDINGS)).capitalize()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def build_entities(rng: random.Random, scale: int) -> tuple[World, Turtle]:
    world = World()
    out = Turtle()
    n_states = 24 + scale * 4
    names = _names(rng, n_states * 2)
    for i in range(n_states):
        state, capital = names[2 * i], names[2 * i + 1] + " City"
        sid, cid = f"synthetic-state-{i:03d}", f"synthetic-city-{i:03d}"
        world.states.append((sid, state, cid))
        out.block(f"pgr:{cid}", {"a": "schema:City", "rdfs:label": en(capital)})
        out.block(f"pgr:{sid}", {"a": "pg:SovereignState", "rdfs:label": en(state), "pg:capital": f"pgr:{cid}"})
    for i in range(6 + scale):
        name = f"{_PACT_WORDS[i % len(_PACT_WORDS)]} {_PACT_NOUNS[(i // len(_PACT_WORDS)) % len(_PACT_NOUNS)]}"
        if i >= len(_PACT_WORDS) * len(_PACT_NOUNS):
            name += f" {i}"
        aid = f"synthetic-alliance-{i:03d}"
        world.alliances.append((aid, name))
        out.block(f"pgr:{aid}", {"a": "pg:Alliance", "rdfs:label": en(name)})
    outlet_names = _names(rng, 12 + scale * 2)
    for i, base in enumerate(outlet_names):
        name = f"{base} {_OUTLET_NOUNS[i % len(_OUTLET_NOUNS)]}"
        oid = f"synthetic-outlet-{i:03d}"
        world.outlets.append((oid, name))
        out.block(f"pgr:{oid}", {"a": "pg:NewsOutlet", "rdfs:label": en(name), "schema:name": en(name)})
    for i, (_sid, state, _) in enumerate(world.states[: 8 + scale]):
        oid = f"synthetic-officials-{i:03d}"
        label = f"officials of {state} who asked not to be named"
        world.officials.append((oid, label))
        out.block(f"pgr:{oid}", {"a": "pg:AnonymousSource", "rdfs:label": en(label)})
    for i, name in enumerate(_names(rng, 8 + scale)):
        pid = f"synthetic-expert-{i:03d}"
        label = f"Dr {name}"
        world.experts.append((pid, label))
        out.block(f"pgr:{pid}", {"a": ["prov:Person", "schema:Person"], "rdfs:label": en(label)})
    # Wire reports, one a day, some relaying the one before: relay chains of one to several steps.
    for i in range(40 + scale * 8):
        wid = f"synthetic-wire-{i:04d}"
        day = BASE_DATE + dt.timedelta(days=i)
        relays = world.wires[-1][0] if world.wires and rng.random() < 0.6 else None
        outlet = rng.choice(world.outlets)
        props: dict[str, object] = {
            "a": "pg:Report",
            "rdfs:label": en(f"{outlet[1]} report of {day.isoformat()}"),
            "schema:publisher": f"pgr:{outlet[0]}",
            "schema:datePublished": date(day),
            "schema:inLanguage": q("en"),
            "pg:citesAgent": f"pgr:{rng.choice(world.officials)[0]}",
        }
        if relays:
            props["pg:relays"] = f"pgr:{relays}"
        out.block(f"pgr:{wid}", props)
        world.wires.append((wid, day, relays))
    return world, out


def _chain(world: World, start: str) -> list[str]:
    by_id = {w[0]: w for w in world.wires}
    chain = [start]
    while by_id[chain[-1]][2]:
        chain.append(by_id[chain[-1]][2])  # type: ignore[arg-type]
    return chain


def build_report(rng: random.Random, world: World, k: int, violation: str | None) -> tuple[str, Turtle, str]:
    """(slug, the report's Turtle, its article text)."""
    slug = f"synthetic-{k:06d}"
    rid = f"report-{slug}"
    tid = f"text-{slug}"
    first_day = BASE_DATE + dt.timedelta(days=len(world.wires) + 1)
    day = first_day + dt.timedelta(days=k // 4)
    outlet = rng.choice(world.outlets)
    relayed = rng.choice(world.wires)
    chain = _chain(world, relayed[0])
    out = Turtle()

    # Claims: claimant, proposition, the clause that states it.
    n_claims = rng.randint(14, 22)
    claims = []
    for c in range(n_claims):
        state = rng.choice(world.states)
        other = rng.choice([s for s in world.states[:12] if s != state])
        alliance = rng.choice(world.alliances)
        kind = rng.randrange(4)
        if kind == 0:
            clause = f"{state[1]} seeks to join the {alliance[1]}"
            prop = {"rdf:subject": f"pgr:{state[0]}", "rdf:predicate": "pg:seeksMembershipIn",
                    "rdf:object": f"pgr:{alliance[0]}", "pg:about": [f"pgr:{state[0]}", f"pgr:{alliance[0]}"]}
        elif kind == 1:
            cap = rng.choice(_CAPABILITIES)
            clause = f"{state[1]} would bring {_CAPABILITY_WORDS[cap]} to the {alliance[1]}"
            prop = {"rdf:subject": f"pgr:{state[0]}", "rdf:predicate": "pg:contributesCapability",
                    "rdf:object": f"pgv:capability-{cap}", "pg:about": [f"pgr:{state[0]}", f"pgr:{alliance[0]}"]}
        elif kind == 2:
            clause = f"talks between {state[1]} and {other[1]} have moved on"
            prop = {"rdf:subject": f"pgr:{state[0]}", "rdf:predicate": "pg:seeksCooperationWith",
                    "rdf:object": f"pgr:{other[0]}", "pg:about": [f"pgr:{state[0]}", f"pgr:{other[0]}"]}
        else:
            clause = f"the interests of {state[1]} and {other[1]} align in the region"
            prop = {"rdf:subject": f"pgr:{state[0]}", "rdf:predicate": "pg:servesInterestsOf",
                    "rdf:object": f"pgr:{other[0]}", "pg:about": [f"pgr:{state[0]}", f"pgr:{other[0]}"]}
        who = rng.randrange(3)
        if who == 0:
            claimant, role, name = outlet, "reporting-outlet", outlet[1]
        elif who == 1:
            claimant, role, name = rng.choice(world.officials), "anonymous-official", None
            name = claimant[1]
        else:
            claimant, role, name = rng.choice(world.experts), "expert", None
            name = claimant[1]
        claims.append((c + 1, clause, prop, claimant, role, name))

    # The text: one sentence per claim, paragraphs of three sentences.
    sentences: list[tuple[int, int, str]] = []
    anchors: list[tuple[int, int]] = []
    text = f"{outlet[1]}, {day.strftime('%d %B %Y')}."
    sentences.append((0, len(text), text))
    for index, (_, clause, _, _, _, name) in enumerate(claims):
        sep = "\n\n" if index % 3 == 0 else " "
        lead = f"According to {name}, "
        sentence = lead + clause + "."
        start = len(text) + len(sep)
        text += sep + sentence
        sentences.append((start, start + len(sentence), sentence))
        anchors.append((start + len(lead), start + len(lead) + len(clause)))

    def selectors(start: int, end: int, exact: str | None = None) -> list[dict[str, object]]:
        return [
            {"a": "oa:TextQuoteSelector", "oa:exact": q(exact if exact is not None else text[start:end]),
             "oa:prefix": q(text[max(0, start - 32):start]), "oa:suffix": q(text[end:end + 32])},
            {"a": "oa:TextPositionSelector", "oa:start": nni(start), "oa:end": nni(end)},
        ]

    report_day = day
    report: dict[str, object] = {
        "a": "pg:Report",
        "rdfs:label": en(f"{outlet[1]} report of {day.isoformat()} (synthetic {k})"),
        "schema:publisher": f"pgr:{outlet[0]}",
        "schema:datePublished": date(report_day),
        "schema:inLanguage": q("en"),
        "pg:relays": f"pgr:{relayed[0]}",
        "pg:hasSourceText": f"pgr:{tid}",
    }
    if violation == "relays-later-report":
        report["schema:datePublished"] = date(relayed[1] - dt.timedelta(days=1))
        report_day = relayed[1] - dt.timedelta(days=1)
    out.block(f"pgr:{rid}", report)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if violation == "checksum-mismatch":
        digest = hashlib.sha256(b"not the text").hexdigest()
    out.block(f"pgr:{tid}", {
        "a": "pg:SourceText",
        "rdfs:label": en(f"stored text of the synthetic report {k}"),
        "rdf:value": q(text),
        "pg:sha256": q(digest),
        "pg:storedAt": q(f"reports/{slug}/article.txt"),
    })
    for number, (start, end, _) in enumerate(sentences, start=1):
        out.block(f"pgr:{tid}-sentence-{number:02d}", {
            "a": "pg:Sentence",
            "rdfs:label": en(f"sentence {number} of the synthetic report {k}"),
            "oa:hasSelector": selectors(start, end),
            "oa:hasSource": f"pgr:{tid}",
            "pg:sentenceNumber": f'"{number}"^^xsd:positiveInteger',
        })

    # World facts the report attests: a membership, an event, a relation.
    state, alliance = rng.choice(world.states), rng.choice(world.alliances)
    begin = BASE_DATE + dt.timedelta(days=rng.randrange(0, 300))
    end = begin + dt.timedelta(days=rng.randrange(30, 900))
    if violation == "membership-start-after-end":
        begin, end = end, begin
    mid = f"membership-{slug}"
    out.block(f"pgr:{mid}", {
        "a": "org:Membership",
        "rdfs:label": en(f"{state[1]} in the {alliance[1]} (synthetic {k})"),
        "org:member": f"pgr:{state[0]}",
        "org:organization": f"pgr:{alliance[0]}",
        "pg:membershipStatus": f"pgv:membership-status-{rng.choice(_STATUSES)}",
        "org:memberDuring": {
            "a": "time:Interval",
            "time:hasBeginning": {"a": "time:Instant", "time:inXSDDate": date(begin)},
            "time:hasEnd": {"a": "time:Instant", "time:inXSDDate": date(end)},
        },
        "pg:attestedBy": f"pgr:{rid}",
    })
    eid = f"event-{slug}"
    place = rng.choice(world.states)
    event_begin = report_day - dt.timedelta(days=rng.randrange(5, 60))
    event_end = event_begin + dt.timedelta(days=rng.randrange(0, 4))
    if violation == "event-begin-after-end":
        event_begin, event_end = event_end + dt.timedelta(days=1), event_begin
    actors = rng.sample(world.states, 2)
    out.block(f"pgr:{eid}", {
        "a": "pg:Event",
        "rdfs:label": en(f"{rng.choice(_EVENT_TYPES)} of {actors[0][1]} and {actors[1][1]} (synthetic {k})"),
        "pg:eventType": f"pgv:event-type-{rng.choice(_EVENT_TYPES)}",
        "sem:hasActor": [f"pgr:{a[0]}" for a in actors],
        "sem:hasPlace": f"pgr:{place[2]}",
        "sem:hasEarliestBeginTimeStamp": date(event_begin),
        "sem:hasLatestEndTimeStamp": date(event_end),
        "pg:attestedBy": f"pgr:{rid}",
    })
    pair = rng.sample(world.states, 2)
    out.block(f"pgr:relation-{slug}", {
        "a": "pg:StateRelation",
        "rdfs:label": en(f"relation between {pair[0][1]} and {pair[1][1]} (synthetic {k})"),
        "pg:relationType": f"pgv:relation-type-{rng.choice(_RELATION_TYPES)}",
        "pg:between": [f"pgr:{pair[0][0]}", f"pgr:{pair[1][0]}"],
        "pg:attestedBy": f"pgr:{rid}",
    })

    # Claims, their anchors and propositions.
    bad_claim = rng.randrange(len(claims))
    for index, (number, clause, prop, claimant, role, name) in enumerate(claims):
        cid = f"claim-{slug}-{number:02d}"
        pid = f"proposition-{slug}-{number:02d}"
        if index == 0:  # one proposition per report is about the event
            prop = {**prop, "pg:about": [*prop.get("pg:about", []), f"pgr:{eid}"]}  # type: ignore[list-item]
        out.block(f"pgr:{pid}", {"a": "pg:Proposition", "rdfs:label": en(clause[0].upper() + clause[1:]), **prop})
        agent = claimant[0]
        if violation == "attribution-other-agent" and index == bad_claim:
            agent = next(o for o in world.outlets if o[0] != claimant[0])[0]
        claim: dict[str, object] = {
            "a": "pg:Claim",
            "rdfs:label": en(f"{name}: {clause}"),
            "prov:qualifiedAttribution": {
                "a": "prov:Attribution",
                "prov:agent": f"pgr:{agent}",
                "prov:hadRole": f"pgv:source-role-{role}",
            },
            "pg:certainty": f"pgv:certainty-{rng.choice(_CERTAINTIES)}",
            "pg:claimant": f"pgr:{claimant[0]}",
            "pg:hasAnchor": f"pgr:{cid}-anchor",
            "pg:polarity": "pgv:polarity-positive" if rng.random() < 0.85 else "pgv:polarity-negative",
            "pg:proposition": f"pgr:{pid}",
            "pg:statedIn": f"pgr:{rid}",
            "pg:timeOrientation": "pgv:time-orientation-non-future" if index == 0 or rng.random() < 0.7
            else "pgv:time-orientation-future",
        }
        if violation == "certainty-outside-scheme" and index == bad_claim:
            claim["pg:certainty"] = "pgv:polarity-positive"
        if role == "anonymous-official":
            claim["pg:reportedFirstIn"] = f"pgr:{rng.choice(chain)}"
        out.block(f"pgr:{cid}", claim)
        start, end = anchors[index]
        out.block(f"pgr:{cid}-anchor", {
            "a": "pg:TextAnchor",
            "rdfs:label": en(f"anchor of claim {number} in the synthetic report {k}"),
            "oa:hasSelector": selectors(start, end),
            "oa:hasSource": f"pgr:{tid}",
            "pg:inSentence": f"pgr:{tid}-sentence-{index + 2:02d}",
        })
    return slug, out, text


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    return int(float(text) * factor)


def generate(out: Path, triples: int, *, seed: int = 7, violations: int | None = None) -> dict[str, object]:
    """Write a corpus of about `triples` triples into `out`; a summary (counts, injected violations)."""
    rng = random.Random(seed)
    scale = max(1, round((triples / 10_000) ** 0.5))
    world, entities = build_entities(rng, scale)
    out.mkdir(parents=True, exist_ok=True)
    (out / "entities.ttl").write_text(entities.text(), encoding="utf-8")
    total = entities.triples
    per_report = 900
    n_reports = max(1, round((triples - total) / per_report))
    if violations is None:
        violations = max(1, n_reports // 25)
    every = max(1, n_reports // violations) if violations else 0
    injected: dict[str, int] = {}
    expected: list[tuple[str, str]] = []
    k = 0
    while total < triples or k == 0:
        violation = None
        if every and k % every == every // 2 and sum(injected.values()) < violations:
            violation = VIOLATION_KINDS[sum(injected.values()) % len(VIOLATION_KINDS)]
            injected[violation] = injected.get(violation, 0) + 1
        slug, turtle, text = build_report(rng, world, k, violation)
        folder = out / "reports" / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "report.ttl").write_text(turtle.text(), encoding="utf-8")
        (folder / "article.txt").write_text(text, encoding="utf-8")
        if violation:
            expected.append((VIOLATION_CONSTRAINTS[violation], slug))
        total += turtle.triples
        k += 1
    summary = {
        "seed": seed,
        "target": triples,
        "triples": total,
        "reports": k,
        "files": k + 1,
        "violations": sum(injected.values()),
        "by_kind": injected,
        "expected": expected,
    }
    (out / "corpus-summary.jsonl").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output directory (created)")
    parser.add_argument("--triples", default="10k", help="about how many triples: 10k, 100k, 1M (default: 10k)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default: 7)")
    parser.add_argument("--violations", type=int, help="violations to inject (default: one per 25 reports)")
    args = parser.parse_args(argv)
    summary = generate(args.out, parse_size(args.triples), seed=args.seed, violations=args.violations)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary["by_kind"].items()))  # type: ignore[union-attr]
    print(
        f"{args.out}: {summary['triples']} triples in {summary['files']} files ({summary['reports']} reports); "
        f"injected {summary['violations']} violations" + (f" ({kinds})" if kinds else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
