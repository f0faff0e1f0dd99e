"""Every claim of the shipped report against the article's own attribution.

The table below was written by reading the article sentence by sentence, not from
the data. For each claim it gives the words the claim is anchored on, who the
article says asserts them and the report they first appeared in:

- The whole item is Reference News' rendering of Nezavisimaya Gazeta's article
  ("According to the Russian 'Independent Newspaper' ..."): what it says without
  naming another source is Nezavisimaya Gazeta's voice, first reported there.
- "According to Bloomberg, ..." and the "However, ..." that continues it are
  Bloomberg's, first reported by Bloomberg on 9 January.
- The officials "who did not want to reveal their names" follow Bloomberg's
  paragraph; they are the people Bloomberg cited (its report is known through
  the Express Tribune and NDTV Profit relays), so Bloomberg first reported them.
- Özcan's and Portanskiy's words are theirs, in the article Nezavisimaya Gazeta
  published. The item credits no earlier report for them, but Özcan spoke to Bloomberg:
  its report cites him (pg:citesAgent), and the relays of 10 and 14 January quote him
  from it, so his claims were first reported by Bloomberg.
- Four sentences the item gives in Nezavisimaya Gazeta's voice (the balance of power,
  Trump's statements, the new phase, the former rivals) are Bloomberg's own, as the same
  relays show: Bloomberg is their claimant and first report. The data names those relays
  (pg:firstReportAttestedBy); tests/test_claim_shapes.py checks it does.
- Only the closing "Statement: ..." is Reference News' own text.

Each quote is read from article.txt at the anchor's offsets, so a claim anchored
on other words, credited to another claimant or to another first report fails.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, Namespace

from pactgraph import resources

PG = Namespace("https://w3id.org/pactgraph/ontology#")
PGR = Namespace("https://w3id.org/pactgraph/id/")
PGV = Namespace("https://w3id.org/pactgraph/vocab/")
OA = Namespace("http://www.w3.org/ns/oa#")
PROV = Namespace("http://www.w3.org/ns/prov#")

REPORT = "report-reference-news-2026-01-12"
NG, BB, RN = "report-nezavisimaya-gazeta-2026-01-12", "report-bloomberg-2026-01-09", None
ARTICLE = "reports/reference-news-2026-01-12/article.txt"

# claim number: (anchored words, claimant, first report; None = the report's own voice)
TABLE = {
    1: ("Turkey hopes to join the defense alliance between Pakistan and Saudi Arabia", "nezavisimaya-gazeta", NG),
    2: ("Islamabad and Riyadh have committed to mutual assistance in case of an attack on either side",
        "nezavisimaya-gazeta", NG),
    3: ("this move is significant", "nezavisimaya-gazeta", NG),
    4: ("it makes sense for Turkey to join the alliance", "bloomberg", BB),
    5: ("its interests align with those of Pakistan and Saudi Arabia in South Asia, the Middle East, and even Africa",
        "bloomberg", BB),
    6: ("the initiative to expand the alliance comes from Pakistan", "bloomberg", BB),
    7: ("negotiations among the three countries have made progress", "anonymous-officials", BB),
    8: ("the likelihood of reaching an agreement is high", "anonymous-officials", BB),
    9: ("which includes a NATO member state Turkey", "nezavisimaya-gazeta", NG),
    10: ("it could change the balance of power in the Middle East and beyond", "bloomberg", BB),
    11: ("The agreement reached by Saudi Arabia and Pakistan last September", "nezavisimaya-gazeta", NG),
    12: ("An aggression against any member of the alliance will be considered an aggression against all members.",
         "nezavisimaya-gazeta", NG),
    13: ("This replicates Article 5 of the North Atlantic Treaty.", "nezavisimaya-gazeta", NG),
    14: ("The new agreement serves Turkey's interests", "nezavisimaya-gazeta", NG),
    15: ("the broad consensus in foreign policy with Saudi Arabia and Pakistan", "nezavisimaya-gazeta", NG),
    16: (("statements by former US President Trump have raised doubts among allies about the reliability of the US "
         "fulfilling its NATO obligations"), "bloomberg", BB),
    17: ("Turkey has been forced to seek other ways to strengthen its own security", "nezavisimaya-gazeta", NG),
    18: ("the participating parties of the agreement will contribute their respective strengths to a common cause",
         "nihat-ali-ozcan", BB),
    19: ("Saudi Arabia provides financial resources", "nihat-ali-ozcan", BB),
    20: ("Pakistan offers nuclear weapons capabilities", "nihat-ali-ozcan", BB),
    21: ("ballistic missiles", "nihat-ali-ozcan", BB),
    22: ("a large number of human resources", "nihat-ali-ozcan", BB),
    23: ("Turkey has armed forces with combat experience", "nihat-ali-ozcan", BB),
    24: ("a developed military industry", "nihat-ali-ozcan", BB),
    25: ("The United States prioritizes protecting its own and Israel's interests", "nihat-ali-ozcan", BB),
    26: (("the consequences of several regional conflicts are prompting countries to establish new mechanisms to "
         "distinguish friends from enemies"), "nihat-ali-ozcan", BB),
    27: ("If Turkey signs the agreement to join the alliance, it will open a new phase in its relations with Saudi Arabia",
         "bloomberg", BB),
    28: ("the two countries were once rivals in the struggle for influence over global Sunni Muslims",
         "bloomberg", BB),
    29: ("both sides hope to end the disputes and build cooperation", "nezavisimaya-gazeta", NG),
    30: ("Last week, naval officers from the two countries held their first meeting in Ankara in history.",
         "nezavisimaya-gazeta", NG),
    31: (("The three-nation alliance negotiations took place against the backdrop of the ceasefire agreement between "
         "Pakistan and India."), "nezavisimaya-gazeta", NG),
    32: ("The ceasefire ended the conflict between these two nuclear-armed neighbors in May 2025.",
         "nezavisimaya-gazeta", NG),
    33: ("these two nuclear-armed neighbors", "nezavisimaya-gazeta", NG),
    34: ("Tensions between Pakistan and its neighbor Afghanistan are also high.", "nezavisimaya-gazeta", NG),
    35: ("discussions about the tripartite agreement are still in the consultation stage", "alexei-portanskiy", NG),
    36: ("it is too early to say whether Turkey will finally decide to join", "alexei-portanskiy", NG),
    37: ("This article represents the views of the author himself.", "reference-news", RN),
    38: ("a Turkish expert on strategic issues", "nezavisimaya-gazeta", NG),
}

# The role each kind of claimant plays in bringing its words to the report.
ROLES = {"nezavisimaya-gazeta": "relaying-outlet", "bloomberg": "relaying-outlet",
         "anonymous-officials": "anonymous-official", "nihat-ali-ozcan": "expert",
         "alexei-portanskiy": "expert", "reference-news": "reporting-outlet"}


@pytest.fixture(scope="module")
def graph() -> Graph:
    g = Graph()
    for path in resources.graph_files():
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def article() -> str:
    return (resources.data_dir() / ARTICLE).read_text(encoding="utf-8")


def test_the_table_covers_every_claim_of_the_report(graph):
    claims = {str(c).rsplit("-", 1)[1] for c in graph.subjects(PG.statedIn, PGR[REPORT])}
    assert sorted(int(n) for n in claims) == sorted(TABLE)


@pytest.mark.parametrize("number", sorted(TABLE))
def test_claim_is_attributed_as_the_article_states(graph, article, number):
    quote, claimant, first = TABLE[number]
    claim = PGR[f"claim-reference-news-2026-01-12-{number:02d}"]
    anchor = graph.value(claim, PG.hasAnchor)
    start = end = None
    for selector in graph.objects(anchor, OA.hasSelector):
        if graph.value(selector, OA.start) is not None:
            start, end = int(graph.value(selector, OA.start)), int(graph.value(selector, OA.end))
    assert article[start:end] == quote
    assert graph.value(claim, PG.claimant) == PGR[claimant]
    agents = {graph.value(a, PROV.agent): graph.value(a, PROV.hadRole)
              for a in graph.objects(claim, PROV.qualifiedAttribution)}
    assert agents == {PGR[claimant]: PGV[f"source-role-{ROLES[claimant]}"]}
    reported_first = graph.value(claim, PG.reportedFirstIn)
    if first is None:
        assert reported_first is None
    else:
        assert reported_first == PGR[first]
        # The chain the claim came along: the carrying report relays, step by step, down to the first one.
        chain, step = [], PGR[REPORT]
        while step is not None and step != reported_first:
            step = graph.value(step, PG.relays)
            chain.append(step)
        assert chain and chain[-1] == PGR[first]
