"""Generate synthetic concept-wiki projects for the benchmark.

``generate(dest, n, seed)`` writes a project that the ``conceptwiki`` plugin builds:

* ``concepts/<slug>.yaml`` -- ``n`` entries, valid against ``conceptwiki.model.schema``: a title,
  0-3 aliases, a kind, 1-3 tags from a pool that grows with ``n`` (about 4*sqrt(n)), a status
  (contested and speculative ones with a note), a summary paragraph, 3-5 paragraphs of
  details, 3-6 key points, related slugs, primary and further sources, a created date (and
  sometimes an updated date and an external link). Each entry has 5-10 wikilinks, written
  ``[[slug]]``, ``[[slug|text]]``, ``[[Title]]`` or ``[[alias]]``.
* ``bib/*.bib`` -- about ``n/2`` sources (@article, @inproceedings, @misc with url and
  arXiv eprint, @misc blog posts, @book; some corporate authors ``{{Org}}``, some LaTeX
  accents, some month macros), every one cited by at least one entry.
* ``docs/index.md`` and ``mkdocs.yml`` (the structure of the real ``mkdocs.yml``: Material,
  ``search``, ``conceptwiki``).

Link targets are heavy-tailed: every entry gets a popularity rank (a random permutation) and
targets are drawn with probability proportional to ``rank ** -ZIPF_S`` (``ZIPF_S = 0.8``,
i.e. an in-degree distribution with power-law exponent 1 + 1/s = 2.25, as measured for
Wikipedia's link graph). A few entries are linked from a large share of the wiki, most from
a handful. Tags, related entries and sources are drawn the same way.

``generate_floor(dest, n, seed)`` writes the *floor*: a plain Material for MkDocs site with
the same ``n`` pages written as ordinary Markdown (title, badges, status note, summary, at a
glance, details, key points, references, related concepts; wikilinks become Markdown
links), out of the navigation, plus an index page listing every page. No conceptwiki plugin.
It has no backlinks or tag pages (those are features of the plugin, not content).

Everything is deterministic for a given ``(n, seed)``.

    python bench/generate.py DEST --n 1000 [--seed 0] [--floor]
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import math
import random
import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = ["generate", "generate_floor", "build_model", "edit_concept", "ZIPF_S", "Model"]

#: Exponent of the Zipf popularity over link targets (see the module docstring).
ZIPF_S = 0.8

# --------------------------------------------------------------------------------------------
# Word banks
# --------------------------------------------------------------------------------------------

ADJ = """deceptive inner outer mesa robust scalable latent instrumental emergent adversarial
corrigible myopic non-myopic recursive iterated cooperative distributional embedded ontological
causal mechanistic behavioral interpretable goal-directed situational strategic reflective
learned implicit explicit proxy terminal convergent sparse dense hierarchical multi-agent
competitive approval-directed imitative generative predictive amortized stochastic modular
compositional inductive conservative low-impact hidden internal gradual sudden catastrophic
off-distribution value-laden preference-based oversight-based self-modifying bounded
unbounded debate-based model-based model-free""".split()

NOUN = """alignment optimization optimizer misgeneralization hacking oversight amplification
debate modeling tampering specification deception agency corrigibility convergence shift
collapse search planning objective reward incentive gaming wireheading interpretability
probing steering elicitation honesty sycophancy power-seeking goal preference impact
uncertainty robustness verification monitoring sandbagging collusion coordination takeover
lock-in drift circuit feature superposition representation abstraction simulator agent
tripwire boxing evaluation red-teaming distillation pressure selection generalization
behavior regularization""".split()

NOUN2 = ["value learning", "world model", "reward model", "training signal", "base optimizer",
         "loss landscape", "training process", "policy", "gradient descent", "inductive bias",
         "deployment distribution", "human feedback", "capability gain", "latent knowledge",
         "goal content", "utility function", "search process", "decision procedure"]

VERB_PHRASES = [
    "optimizes a proxy of its training objective",
    "acquires goals that differ from those of its designers",
    "behaves well only on the training distribution",
    "conceals its capabilities during evaluation",
    "pursues instrumental subgoals such as acquiring resources",
    "exploits gaps in the reward signal",
    "learns a heuristic that happens to correlate with the intended goal",
    "models its own training process",
    "generalizes its capabilities further than its goals",
    "defers to an overseer that cannot check its work",
    "resists modification of its objective",
    "coordinates with copies of itself",
]

KINDS = [("concept", 35), ("risk", 10), ("failure-mode", 15), ("method", 15),
         ("proposal", 10), ("problem", 7), ("argument", 5), ("phenomenon", 3)]
KIND_PHRASE = {
    "concept": "a concept", "risk": "a risk", "failure-mode": "a failure mode",
    "method": "a method", "proposal": "a proposal", "problem": "an open problem",
    "argument": "an argument", "phenomenon": "a phenomenon",
}

BASE_TAGS = """alignment interpretability deception governance training evaluation agency
optimization reinforcement-learning language-models oversight robustness theory empirical
forecasting decision-theory game-theory multi-agent reward values inner-alignment
outer-alignment mesa-optimization scalable-oversight threat-models control honesty
capabilities philosophy benchmarks""".split()

GIVEN = """Paul Jan Evan Chris Richard Rohin Victoria Stuart Dario Amanda Geoffrey Buck Ajeya
Joe Nick Eliezer Scott Vladimir Joar Jacob Lauro Jérémy Zac Ethan Sam Alex Tom Miljan Shane
David Owain Sören Ana María Yoshua Łukasz Chiara François Jürgen Hiroshi Wei Ying Priya Arjun
Olga Nadia Tomasz Mikael Ines""".split()

FAMILY = """Hubinger Leike Christiano Ngo Shah Krakovna Russell Amodei Askell Irving Shlegeris
Cotra Carlsmith Bostrom Yudkowsky Garrabrant Mikulik Skalse Steinhardt Langosco Scheurer
Hatfield-Dodds Perez Bowman Turner Everitt Martic Legg Krueger Evans Mindermann Müller
García Bengio Kaiser Núñez Sørensen Dvořák Østergaard Schmidhuber Tanaka Zhang Li Patel
Gupta Ivanova Haddad Nowak Lindqvist Soares Wentworth Critch""".split()

PARTICLE_FAMILY = [("van", "Rossum"), ("de", "Witt"), ("von", "Neumann")]

ORGS = ["OpenAI", "Anthropic", "Google DeepMind", "Machine Intelligence Research Institute",
        "Alignment Research Center", "Center for AI Safety", "UK AI Security Institute",
        "Redwood Research", "METR", "Apollo Research"]

JOURNALS = ["Journal of Artificial Intelligence Research", "Transactions on Machine Learning Research",
            "Artificial Intelligence", "Minds and Machines", "Nature Machine Intelligence",
            "Philosophical Studies", "AI and Ethics", "Synthese"]
CONFERENCES = ["Advances in Neural Information Processing Systems {vol}",
               "Proceedings of the {ord} International Conference on Machine Learning",
               "International Conference on Learning Representations",
               "Proceedings of the AAAI Conference on Artificial Intelligence",
               "Conference on Uncertainty in Artificial Intelligence",
               "Proceedings of the {year} ACM Conference on Fairness, Accountability, and Transparency"]
PUBLISHERS = [("Oxford University Press", "Oxford"), ("MIT Press", "Cambridge, MA"),
              ("Cambridge University Press", "Cambridge"), ("Viking", "New York"),
              ("Princeton University Press", "Princeton"), ("Springer", "Cham")]
BLOGS = [("AI Alignment Forum", "https://www.alignmentforum.org/posts/{id}/{slug}"),
         ("LessWrong", "https://www.lesswrong.com/posts/{id}/{slug}"),
         ("Company blog", "https://example.org/research/{slug}")]

_LATEX = {"ü": '{\\"u}', "ö": '{\\"o}', "é": "{\\'e}", "á": "{\\'a}", "í": "{\\'i}",
          "ú": "{\\'u}", "ñ": "{\\~n}", "ø": "{\\o}", "Ø": "{\\O}", "ł": "{\\l}", "Ł": "{\\L}",
          "ř": "{\\v{r}}", "ç": "{\\c{c}}", "ó": "{\\'o}"}

SENT_PLAIN = [
    "In practice, {np} and {np} interact, which makes the problem harder to study empirically.",
    "Empirical evidence so far comes mostly from toy environments and small models.",
    "This matters because {np} tends to become more pronounced as capabilities grow.",
    "One way to see this is to consider a model trained with {np}: if the training signal "
    "rewards {np}, the model may learn {np} instead.",
    "Critics argue that the framing conflates {np} with {np}.",
    "The term is used somewhat loosely, and different authors emphasize different aspects of {np}.",
    "A useful distinction is between {np} that is *selected for* by training and {np} that is "
    "merely *compatible* with it.",
    "Nothing in the argument depends on the details of {np}; it applies to any system that "
    "{vp}.",
    "It is not clear whether current systems exhibit {np} at all, or only behavior that "
    "resembles it.",
    "The underlying worry is that a system which {vp} will look aligned until it is too late "
    "to notice.",
    "Formal treatments usually model {np} as a search over policies with a fixed {noun2}.",
    "Most proposed mitigations trade off {np} against {np}.",
    "Because the {noun2} only sees behavior, it cannot distinguish a system that {vp} from one "
    "that does not.",
    "**{NP}** is sometimes treated as a special case.",
]
SENT_LINK = [
    "The idea is closely related to {L}, but emphasizes {np} rather than {np}.",
    "Early discussions framed it in terms of {np}; later work connected it to {L}.",
    "A common objection is that {np} could be detected by {L}.",
    "Several authors have proposed {L} as a partial remedy.",
    "Proponents point out that {L} makes the failure observable in principle.",
    "It is often contrasted with {L}, which does not require {np}.",
    "See {L} for the closely related case in which the system {vp}.",
    "The same dynamic appears in {L}, where {np} plays the role of the {noun2}.",
    "Whether {L} helps depends on how much {np} the {noun2} can detect.",
    "This is one of the main motivations for work on {L}.",
]
POINT_PLAIN = [
    "It can arise without any explicit {np}.",
    "Detecting it from behavior alone is hard.",
    "It becomes more likely as the {noun2} becomes more capable.",
    "Most evidence so far comes from small-scale experiments.",
    "It is distinct from {np}, although the two are often confused.",
    "Mitigations exist but none is known to scale.",
    "The concept applies to any system that {vp}.",
]
POINT_LINK = [
    "It is often contrasted with {L}.",
    "{L} is a proposed mitigation.",
    "It is a special case of {L}.",
    "It makes {L} harder.",
]
NOTE_TEMPLATES = [
    "Some researchers argue that {np} is better explained by {L}, and that the concept adds "
    "little; others think it is central.",
    "There is no agreed definition: proposals differ on whether {np} is required, and "
    "{L} is sometimes used for the same idea.",
    "The concept is speculative: it describes a system that {vp}, which has not been observed; "
    "see {L} for the closest observed case.",
]


# --------------------------------------------------------------------------------------------
# The model
# --------------------------------------------------------------------------------------------


@dataclass
class Link:
    target: str            # slug
    form: str              # "slug", "text", "title", "alias"
    text: str | None       # display text for "text"; alias for "alias"

    def wikilink(self, title: str) -> str:
        if self.form == "text":
            return f"[[{self.target}|{self.text}]]"
        if self.form == "alias":
            return f"[[{self.text}]]"
        if self.form == "title":
            return f"[[{title}]]"
        return f"[[{self.target}]]"

    def markdown(self, title: str) -> str:
        shown = self.text if self.form in ("text", "alias") else title
        return f"[{_md_escape(shown)}]({self.target}.md)"


@dataclass
class Source:
    key: str
    type: str
    authors: list[tuple[str, str, str]]   # (given, particle, family); given "" = corporate
    title: str                            # with BibTeX braces
    year: int
    fields: dict[str, str] = field(default_factory=dict)  # other fields, in order
    month: str | None = None              # a month macro, written unbraced
    file: str = ""

    def plain_title(self) -> str:
        return self.title.replace("{", "").replace("}", "")

    def bibtex(self) -> str:
        names = []
        for given, particle, family in self.authors:
            if not given:
                names.append("{" + family + "}")
                continue
            fam = f"{particle} {family}" if particle else family
            names.append(f"{_latexify(fam)}, {_latexify(given)}")
        lines = [f"@{self.type}{{{self.key},",
                 f"  author        = {{{' and '.join(names)}}},",
                 f"  title         = {{{self.title}}},"]
        for name, value in self.fields.items():
            lines.append(f"  {name:<13} = {{{value}}},")
        lines.append(f"  year          = {{{self.year}}},")
        if self.month:
            lines.append(f"  month         = {self.month},")
        lines[-1] = lines[-1].rstrip(",")
        return "\n".join(lines) + "\n}\n"

    def reference(self) -> str:
        """A plain reference in Markdown, for the floor site."""
        def name(a):
            given, particle, family = a
            if not given:
                return family
            return f"{particle + ' ' if particle else ''}{family}, {given[0]}."
        names = [name(a) for a in self.authors]
        who = names[0] + " et al." if len(names) > 3 else ", ".join(names)
        venue = (self.fields.get("journal") or self.fields.get("booktitle")
                 or self.fields.get("publisher") or self.fields.get("howpublished") or "")
        out = f"{_md_escape(who)} ({self.year}). *{_md_escape(self.plain_title())}*."
        if venue:
            out += f" {_md_escape(venue)}."
        url = self.fields.get("url") or (f"https://doi.org/{self.fields['doi']}" if "doi" in self.fields else "")
        if url:
            out += f" <{url}>"
        return out


@dataclass
class Concept:
    slug: str
    title: str
    aliases: list[str]
    kind: str
    tags: list[str]
    level: str
    created: dt.date
    updated: dt.date | None = None
    related: list[str] = field(default_factory=list)
    primary: str = ""
    further: list[str] = field(default_factory=list)
    see_also: list[tuple[str, str]] = field(default_factory=list)
    # Text with link placeholders: lists of segments, str or Link.
    summary: list = field(default_factory=list)
    note: list | None = None
    details: list[list] = field(default_factory=list)   # paragraphs
    key_points: list[list] = field(default_factory=list)


@dataclass
class Model:
    n: int
    seed: int
    concepts: list[Concept]
    sources: list[Source]
    tags: list[str]

    @property
    def by_slug(self) -> dict[str, Concept]:
        return {c.slug: c for c in self.concepts}


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _latexify(text: str) -> str:
    return "".join(_LATEX.get(ch, ch) for ch in text)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _slugify(text: str) -> str:
    return "-".join(filter(None, re.split(r"[^a-z0-9]+", _ascii(text).lower())))


def _normalize(name: str) -> str:
    # Same as conceptwiki.model.links.normalize: how slugs and aliases are compared.
    return re.sub(r"[\s\-_\u2010-\u2015]+", "", name.casefold())


def _british(text: str) -> str:
    out = re.sub(r"iz(ation|ations|e|ed|er|ers|ing)\b", r"is\1", text)
    out = out.replace("behavior", "behaviour").replace("modeling", "modelling")
    return out


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


class _Zipf:
    """Draws items with probability proportional to ``rank ** -s`` over a random rank order."""

    def __init__(self, items: list, s: float, rng: random.Random):
        self.items = list(items)
        rng.shuffle(self.items)
        self.cum = list(itertools.accumulate((r + 1) ** -s for r in range(len(self.items))))
        self.rng = rng

    def one(self):
        x = self.rng.random() * self.cum[-1]
        return self.items[bisect.bisect_right(self.cum, x)]

    def distinct(self, k: int, exclude=()) -> list:
        k = min(k, len(self.items) - len(set(exclude)))
        out: list = []
        tries = 0
        while len(out) < k:
            tries += 1
            x = self.one() if tries < 50 * (k + 1) else self.rng.choice(self.items)
            if x not in out and x not in exclude:
                out.append(x)
        return out


# --------------------------------------------------------------------------------------------
# Building the model
# --------------------------------------------------------------------------------------------


def _titles(n: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        p = rng.random()
        if p < 0.40:
            words = [rng.choice(ADJ), rng.choice(NOUN)]
        elif p < 0.65:
            words = [rng.choice(ADJ), rng.choice(ADJ), rng.choice(NOUN)]
        elif p < 0.80:
            words = [rng.choice(NOUN), rng.choice(NOUN)]
        elif p < 0.90:
            words = [rng.choice(NOUN), "under", rng.choice(ADJ), rng.choice(NOUN)]
        else:
            words = ["the", rng.choice(ADJ), rng.choice(NOUN), "problem"]
        if len(set(words)) < len(words):
            continue
        title = " ".join(words)
        title = title[0].upper() + title[1:]
        key = _normalize(_slugify(title))
        if key in seen or len(_slugify(title)) > 90:
            continue
        seen.add(key)
        out.append(title)
    return out


def _alias_candidates(title: str, rng: random.Random) -> list[str]:
    words = title.replace("-", " ").split()
    cands = []
    british = _british(title)
    if british != title:
        cands.append(british)
    if len(words) >= 2:
        cands.append("".join(w[0] for w in words if w.lower() not in ("the", "under")).upper())
    low = title[0].lower() + title[1:]
    cands.append(rng.choice(["Problem of ", "Theory of ", "Hypothesis of "]) + low)
    if not title.startswith("The "):
        cands.append(low + rng.choice([" hypothesis", " failure", " scenario", " effect"]))
    rng.shuffle(cands)
    return cands


def _tag_pool(n: int, rng: random.Random) -> list[str]:
    size = max(10, round(4 * math.sqrt(n)))
    pool = list(BASE_TAGS[:size])
    seen = set(pool)
    while len(pool) < size:
        tag = _slugify(f"{rng.choice(ADJ)} {rng.choice(NOUN)}")
        if tag not in seen and len(tag) <= 60:
            seen.add(tag)
            pool.append(tag)
    return pool


def _np(rng: random.Random) -> str:
    p = rng.random()
    if p < 0.5:
        return f"{rng.choice(ADJ)} {rng.choice(NOUN)}"
    if p < 0.8:
        return rng.choice(NOUN2)
    return f"{rng.choice(ADJ)} {rng.choice(NOUN2)}"


def _fill(template: str, rng: random.Random, link: Link | None) -> list:
    """Fill a sentence template; returns segments (str and Link)."""
    segs: list = []
    pos = 0
    for m in re.finditer(r"\{(np|NP|vp|noun2|L)\}", template):
        segs.append(template[pos:m.start()])
        what = m.group(1)
        if what == "L":
            segs.append(link)
        elif what == "np":
            phrase = _np(rng)
            r = rng.random()
            if r < 0.06:
                phrase = f"*{phrase}*"
            elif r < 0.09:
                phrase = f"**{phrase}**"
            elif r < 0.10:
                phrase = f"`{phrase.replace(' ', '_')}`"
            segs.append(phrase)
        elif what == "NP":
            phrase = _np(rng)
            segs.append(phrase[0].upper() + phrase[1:])
        elif what == "vp":
            segs.append(rng.choice(VERB_PHRASES))
        else:
            segs.append(rng.choice(NOUN2))
        pos = m.end()
    segs.append(template[pos:])
    return segs


def _paragraph(rng: random.Random, n_sent: int, links: list[Link], plain=SENT_PLAIN,
               linked=SENT_LINK, first: list | None = None) -> list:
    """A paragraph of ``n_sent`` sentences that uses every link in ``links`` once."""
    n_sent = max(n_sent, len(links))
    slots = set(rng.sample(range(n_sent), len(links)))
    segs: list = list(first or [])
    it = iter(links)
    # No sentence twice in one paragraph.
    lt = iter(_sample(rng, linked, len(links)))
    pt = iter(_sample(rng, plain, n_sent - len(links)))
    for i in range(n_sent):
        if segs:
            segs.append(" ")
        if i in slots:
            segs.extend(_fill(next(lt), rng, next(it)))
        else:
            segs.extend(_fill(next(pt), rng, None))
    return segs


def _sample(rng: random.Random, items: list, k: int) -> list:
    out: list = []
    while len(out) < k:
        out.extend(rng.sample(items, min(len(items), k - len(out))))
    return out


def _split(total: int, parts: list[int]) -> list[int]:
    """Split ``total`` links into counts no larger than ``parts`` (capacities), in order."""
    out = []
    for cap in parts:
        k = min(cap, total)
        out.append(k)
        total -= k
    return out


def _source_model(m: int, rng: random.Random) -> list[Source]:
    sources: list[Source] = []
    keys: set[str] = set()
    eprints: set[str] = set()
    files = max(1, math.ceil(m / 100))
    themes = ["foundations", "learned-optimization", "deception", "specification",
              "alignment-methods", "interpretability", "governance", "evaluations"]
    file_names = [f"{themes[i % len(themes)]}{'' if i < len(themes) else '-' + str(i // len(themes) + 1)}.bib"
                  for i in range(files)]
    for i in range(m):
        p = rng.random()
        btype = ("article" if p < 0.25 else "inproceedings" if p < 0.55 else
                 "misc" if p < 0.80 else "blog" if p < 0.90 else "book")
        year = rng.randint(2008, 2025) if btype != "book" else rng.randint(1995, 2024)
        if btype == "blog" and rng.random() < 0.5 or rng.random() < 0.04:
            authors = [("", "", rng.choice(ORGS))]
        else:
            k = rng.choices([1, 2, 3, 4, 5, 6, 9], [20, 25, 20, 15, 8, 7, 5])[0]
            authors = []
            for _ in range(k):
                if rng.random() < 0.03:
                    particle, family = rng.choice(PARTICLE_FAMILY)
                else:
                    particle, family = "", rng.choice(FAMILY)
                authors.append((rng.choice(GIVEN), particle, family))
        # A title, with BibTeX braces protecting acronyms and proper names.
        t = rng.random()
        noun, adj = rng.choice(NOUN), rng.choice(ADJ)
        if t < 0.25:
            title = f"{adj.capitalize()} {noun} in {rng.choice(['large language models', 'deep reinforcement learning', '{AI} systems', 'learned optimizers'])}"
        elif t < 0.45:
            title = f"Towards {adj} {noun}"
        elif t < 0.6:
            title = f"On the {noun} of {adj} {rng.choice(NOUN2)}s"
        elif t < 0.75:
            title = f"{noun.capitalize()}: a {adj} perspective"
        elif t < 0.9:
            title = f"Measuring {noun} with {rng.choice(NOUN2)}s"
        else:
            title = f"{{{rng.choice(['RLHF', 'ELK', 'AGI', 'LLM'])}}} and {adj} {noun}"
        lead = authors[0][2]
        base = re.sub(r"[^a-z]", "", _ascii(lead).lower()) or "anon"
        word = next((w for w in re.findall(r"[a-z]+", title.lower()) if len(w) > 3
                     and w not in ("towards", "with", "large", "models")), "work")
        key = f"{base[:20]}{year}{word}"
        suffix = iter("bcdefghijklmnopqrstuvwxyz")
        k0 = key
        while key.lower() in keys:
            try:
                key = k0 + next(suffix)
            except StopIteration:
                key = f"{k0}x{len(keys)}"
        keys.add(key.lower())

        def arxiv() -> str:
            while True:
                yy = year % 100 if year >= 2008 else 8
                num = rng.randint(1, 19999) if year >= 2015 else rng.randint(1, 9999)
                e = f"{yy:02d}{rng.randint(1, 12):02d}.{num:05d}" if year >= 2015 else \
                    f"{yy:02d}{rng.randint(1, 12):02d}.{num:04d}"
                if e not in eprints:
                    eprints.add(e)
                    return e

        fields: dict[str, str] = {}
        etype = btype
        if btype == "article":
            fields["journal"] = rng.choice(JOURNALS)
            fields["volume"] = str(rng.randint(1, 80))
            if rng.random() < 0.6:
                fields["number"] = str(rng.randint(1, 12))
            a = rng.randint(1, 900)
            fields["pages"] = f"{a}--{a + rng.randint(5, 40)}"
            if rng.random() < 0.6:
                fields["doi"] = f"10.{rng.randint(1000, 9999)}/{base[:6]}.{year}.{rng.randint(100, 99999)}"
        elif btype == "inproceedings":
            conf = rng.choice(CONFERENCES)
            fields["booktitle"] = conf.format(vol=year - 1987, ord=f"{year - 1983}th", year=year)
            if rng.random() < 0.5:
                a = rng.randint(1, 9000)
                fields["pages"] = f"{a}--{a + rng.randint(8, 20)}"
            if rng.random() < 0.6:
                e = arxiv()
                fields["eprint"] = e
                fields["archivePrefix"] = "arXiv"
                fields["url"] = f"https://arxiv.org/abs/{e}"
        elif btype == "misc":
            e = arxiv()
            fields["eprint"] = e
            fields["archivePrefix"] = "arXiv"
            fields["primaryClass"] = rng.choice(["cs.LG", "cs.AI", "cs.CL"])
            fields["url"] = f"https://arxiv.org/abs/{e}"
        elif btype == "blog":
            etype = "misc"
            venue, url = rng.choice(BLOGS)
            fields["howpublished"] = venue
            fields["url"] = url.format(id="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
                                                  for _ in range(17)),
                                       slug=_slugify(title.replace("{", "").replace("}", "")))
            fields["note"] = f"Accessed {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        else:
            publisher, address = rng.choice(PUBLISHERS)
            fields["publisher"] = publisher
            fields["address"] = address
            if rng.random() < 0.7:
                fields["isbn"] = "978-" + "-".join(str(rng.randint(10 ** (d - 1), 10 ** d - 1)) for d in (1, 4, 4)) + "-" + str(rng.randint(0, 9))
        month = rng.choice(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                            "nov", "dec"]) if rng.random() < 0.2 else None
        sources.append(Source(key=key, type=etype, authors=authors, title=title, year=year,
                              fields=fields, month=month, file=file_names[i % files]))
    return sources


def build_model(n: int, seed: int = 0) -> Model:
    """The synthetic wiki as Python objects (both writers use it)."""
    if n < 2:
        raise ValueError("n must be at least 2")
    rng = random.Random(f"conceptwiki-bench:{n}:{seed}")
    titles = _titles(n, rng)
    slugs = [_slugify(t) for t in titles]
    used = {_normalize(s) for s in slugs} | {_normalize(t) for t in titles}
    tags = _tag_pool(n, rng)
    tag_zipf = _Zipf(tags, 1.0, rng)
    kinds, weights = zip(*KINDS)

    concepts: list[Concept] = []
    for title, slug in zip(titles, slugs):
        aliases = []
        want = rng.choices([0, 1, 2, 3], [35, 35, 20, 10])[0]
        for cand in _alias_candidates(title, rng):
            if len(aliases) >= want:
                break
            key = _normalize(cand)
            if len(key) >= 2 and key not in used:
                used.add(key)
                aliases.append(cand)
        level = rng.choices(["established", "contested", "speculative"], [70, 20, 10])[0]
        created = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 6 * 365))
        updated = None
        if rng.random() < 0.3:
            updated = created + dt.timedelta(days=rng.randint(1, 300))
        concepts.append(Concept(
            slug=slug, title=title, aliases=aliases, kind=rng.choices(kinds, weights)[0],
            tags=sorted(tag_zipf.distinct(rng.choices([1, 2, 3], [40, 40, 20])[0])),
            level=level, created=created, updated=updated))

    # Sources: about n/2, each cited at least once (the first m entries of a random order
    # take them as primary sources), the rest drawn heavy-tailed.
    m = max(1, round(n / 2))
    sources = _source_model(m, rng)
    keys = [s.key for s in sources]
    src_zipf = _Zipf(keys, 0.8, rng)
    order = list(range(n))
    rng.shuffle(order)
    for j, idx in enumerate(order):
        c = concepts[idx]
        c.primary = keys[j] if j < m else src_zipf.one()
        c.further = src_zipf.distinct(rng.choices([0, 1, 2, 3], [20, 35, 30, 15])[0], exclude=[c.primary])

    by_slug = {c.slug: c for c in concepts}
    target_zipf = _Zipf(slugs, ZIPF_S, rng)
    for c in concepts:
        c.related = sorted(target_zipf.distinct(rng.randint(1, 4), exclude=[c.slug]))
        if rng.random() < 0.2:
            c.see_also = [("Discussion on the AI Alignment Forum",
                           f"https://www.alignmentforum.org/tag/{c.slug}")]
        # 5-10 wikilinks, in the forms people write.
        targets = target_zipf.distinct(rng.randint(5, 10), exclude=[c.slug])
        links: list[Link] = []
        for t in targets:
            tc = by_slug[t]
            r = rng.random()
            if r < 0.2 and tc.aliases:
                links.append(Link(t, "alias", rng.choice(tc.aliases)))
            elif r < 0.45:
                links.append(Link(t, "text", rng.choice([tc.title.lower(), _np(rng),
                                                         tc.title.split()[-1]])))
            elif r < 0.55:
                links.append(Link(t, "title", None))
            else:
                links.append(Link(t, "slug", None))
        # Where the links go: 1-2 in the summary, 1 in the status note, ~1/4 in key points,
        # the rest in the details.
        n_para = rng.randint(3, 5)
        n_points = rng.randint(3, 6)
        has_note = c.level != "established"
        n_sum = min(len(links), rng.choice([1, 1, 2]))
        n_note = 1 if has_note else 0
        n_pts = min(n_points, max(0, round((len(links) - n_sum - n_note) * rng.uniform(0.1, 0.35))))
        n_det = len(links) - n_sum - n_note - n_pts
        it = iter(links)
        take = lambda k: [next(it) for _ in range(k)]  # noqa: E731
        opening = [f"{c.title} is {KIND_PHRASE[c.kind]} in which a trained system "
                   f"{rng.choice(VERB_PHRASES)}."]
        c.summary = _paragraph(rng, rng.randint(2, 3), take(n_sum), first=opening)
        if has_note:
            c.note = _fill(rng.choice(NOTE_TEMPLATES), rng, next(it))
        per_para = _split(n_det, [math.ceil(n_det / n_para)] * n_para)
        point_links = take(n_pts)
        c.details = []
        for k in per_para:
            c.details.append(_paragraph(rng, rng.randint(3, 6), take(k)))
        # A list inside the details now and then.
        if rng.random() < 0.3:
            items = [f"- {_np(rng).capitalize()}: {rng.choice(VERB_PHRASES)}." for _ in range(rng.randint(2, 4))]
            c.details.insert(rng.randint(1, len(c.details)), ["\n".join(items)])
        slots = set(rng.sample(range(n_points), min(n_points, len(point_links))))
        pit = iter(point_links)
        plt = iter(_sample(rng, POINT_LINK, len(slots)))
        ppt = iter(_sample(rng, POINT_PLAIN, n_points - len(slots)))
        c.key_points = [_fill(next(plt), rng, next(pit)) if i in slots
                        else _fill(next(ppt), rng, None) for i in range(n_points)]
        assert next(it, None) is None
    return Model(n=n, seed=seed, concepts=concepts, sources=sources, tags=tags)


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _render(segs: list, by_slug: dict[str, Concept], *, floor: bool) -> str:
    out = []
    for s in segs:
        if isinstance(s, Link):
            title = by_slug[s.target].title
            out.append(s.markdown(title) if floor else s.wikilink(title))
        else:
            out.append(s)
    return "".join(out)


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, data):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


def _entry_yaml(c: Concept, by_slug: dict[str, Concept]) -> str:
    data: dict = {"title": c.title}
    if c.aliases:
        data["aliases"] = c.aliases
    data["kind"] = c.kind
    data["tags"] = c.tags
    data["status"] = {"level": c.level}
    if c.note:
        data["status"]["note"] = _render(c.note, by_slug, floor=False)
    data["summary"] = _render(c.summary, by_slug, floor=False)
    data["details"] = "\n\n".join(_render(p, by_slug, floor=False) for p in c.details) + "\n"
    data["key_points"] = [_render(p, by_slug, floor=False) for p in c.key_points]
    data["related"] = c.related
    data["sources"] = {"primary": c.primary}
    if c.further:
        data["sources"]["further"] = c.further
    if c.see_also:
        data["see_also"] = [{"title": t, "url": u} for t, u in c.see_also]
    data["created"] = c.created
    if c.updated:
        data["updated"] = c.updated
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100_000, default_flow_style=False)


MKDOCS_THEME = {
    "name": "material",
    "language": "en",
    "font": False,  # as mkdocs.yml: system fonts, nothing fetched from Google Fonts
    "features": ["navigation.instant", "navigation.top", "search.suggest", "search.highlight",
                 "content.code.copy"],
    "palette": [{"scheme": "default", "primary": "indigo", "accent": "indigo"}],
}
MKDOCS_EXTENSIONS = [{"toc": {"permalink": True}}, "admonition", "attr_list", "tables"]


def _mkdocs_yml(n: int, *, floor: bool) -> str:
    """The structure of the real mkdocs.yml (theme, extensions, plugins, validation)."""
    cfg: dict = {
        "site_name": f"Synthetic concept wiki ({n} concepts{', floor' if floor else ''})",
        "site_url": "https://example.org/wiki/",
        "site_description": "A synthetic wiki generated by bench/generate.py.",
        "repo_url": "https://github.com/example/wiki",
        "edit_uri": "edit/main/",
        "theme": MKDOCS_THEME,
    }
    if floor:
        cfg["nav"] = [{"Home": "index.md"}]
        cfg["not_in_nav"] = "/concepts/"
    else:
        cfg["nav"] = [{"Home": "index.md"}, {"Concepts": "concepts/index.md"},
                      {"Tags": "tags/index.md"}, {"Graph": "graph/index.md"}]
    cfg["markdown_extensions"] = MKDOCS_EXTENSIONS
    if floor:
        cfg["plugins"] = ["search"]
    else:
        cfg["plugins"] = ["search", {"conceptwiki": {
            "publisher": "Synthetic concept wiki",
            "styles": ["apa", "chicago-author-date", "harvard-cite-them-right", "oscola"]}}]
    cfg["validation"] = {"omitted_files": "ignore" if floor else "warn", "absolute_links": "warn",
                         "unrecognized_links": "warn", "anchors": "warn"}
    return yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True, width=100)


def _fresh(dest: Path) -> Path:
    dest = Path(dest)
    for sub in ("concepts", "bib", "docs", "site"):
        if (dest / sub).exists():
            shutil.rmtree(dest / sub)
    dest.mkdir(parents=True, exist_ok=True)
    return dest


def generate(dest: Path, n: int, seed: int = 0) -> Model:
    """Write a conceptwiki project with ``n`` concepts to ``dest``; return its model."""
    model = build_model(n, seed)
    dest = _fresh(dest)
    by_slug = model.by_slug
    cdir = dest / "concepts"
    cdir.mkdir()
    for c in model.concepts:
        (cdir / f"{c.slug}.yaml").write_text(_entry_yaml(c, by_slug), encoding="utf-8")
    bdir = dest / "bib"
    bdir.mkdir()
    files: dict[str, list[Source]] = {}
    for s in model.sources:
        files.setdefault(s.file, []).append(s)
    for name, items in files.items():
        head = f"% Synthetic sources ({name[:-4]}), generated by bench/generate.py.\n\n"
        (bdir / name).write_text(head + "\n".join(s.bibtex() for s in items), encoding="utf-8")
    ddir = dest / "docs"
    ddir.mkdir()
    (ddir / "index.md").write_text(
        f"# Synthetic concept wiki\n\nA generated wiki of {n} concepts for benchmarking the "
        "conceptwiki plugin.\n\nStart with the [list of all concepts](concepts/index.md) or "
        "browse by [tag](tags/index.md).\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(_mkdocs_yml(n, floor=False), encoding="utf-8")
    return model


def _floor_page(c: Concept, by_slug: dict[str, Concept], sources: dict[str, Source]) -> str:
    r = lambda segs: _render(segs, by_slug, floor=True)  # noqa: E731
    kind_label = KIND_PHRASE[c.kind].split(" ", 1)[1]
    summary = r(c.summary)
    plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", summary).replace("\\", "").replace("*", "")
    out = [f"---\ntitle: {json.dumps(c.title)}\ndescription: {json.dumps(plain, ensure_ascii=False)}\n---\n",
           f"# {_md_escape(c.title)}\n",
           f"*{kind_label}* · **{c.level.capitalize()}** · "
           + " ".join(f"`#{t}`" for t in c.tags) + "\n"]
    if c.note:
        kind = "warning" if c.level == "contested" else "note"
        out.append(f'!!! {kind} "{c.level.capitalize()}"\n    {r(c.note)}\n')
    out.append(summary + "\n")
    refs = [k for k in dict.fromkeys([c.primary, *c.further])]
    glance = []
    if c.aliases:
        glance.append(f"| Also known as | {_md_escape(', '.join(c.aliases))} |")
    glance.append(f"| Kind | {kind_label} |")
    glance.append(f"| Status | {c.level} |")
    if c.related:
        glance.append("| Related | " + ", ".join(f"[{_md_escape(by_slug[s].title)}]({s}.md)" for s in c.related) + " |")
    glance.append(f"| Primary source | {sources[c.primary].reference().replace('|', '/')} |")
    glance.append(f"| Tags | {', '.join(c.tags)} |")
    glance.append(f"| Last updated | {(c.updated or c.created).strftime('%-d %B %Y')} |")
    out.append("| At a glance | |\n| --- | --- |\n" + "\n".join(glance) + "\n")
    out.append("## Details\n\n" + "\n\n".join(r(p) for p in c.details) + "\n")
    out.append("## Key points\n\n" + "\n".join(f"- {r(p)}" for p in c.key_points) + "\n")
    out.append("## References\n\n" + "\n".join(f"{i}. {sources[k].reference()}"
                                               for i, k in enumerate(refs, 1)) + "\n")
    if c.related:
        lines = []
        for s in c.related:
            t = by_slug[s]
            lines.append(f"- [{_md_escape(t.title)}]({s}.md) *{KIND_PHRASE[t.kind].split(' ', 1)[1]}*  \n"
                         f"  {r(t.summary)}")
        out.append("## Related concepts\n\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


def generate_floor(dest: Path, n: int, seed: int = 0) -> Model:
    """Write the floor: the same ``n`` pages as plain Markdown for stock mkdocs-material."""
    model = build_model(n, seed)
    dest = _fresh(dest)
    by_slug = model.by_slug
    sources = {s.key: s for s in model.sources}
    cdir = dest / "docs" / "concepts"
    cdir.mkdir(parents=True)
    for c in model.concepts:
        (cdir / f"{c.slug}.md").write_text(_floor_page(c, by_slug, sources), encoding="utf-8")
    index = [f"# Synthetic concept wiki\n\nA hand-written wiki of {n} concepts (the benchmark "
             "floor). All concepts, A–Z:\n"]
    for c in sorted(model.concepts, key=lambda c: c.title.casefold()):
        summary = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", _render(c.summary, by_slug, floor=True))
        index.append(f"- [{_md_escape(c.title)}](concepts/{c.slug}.md) — {summary}")
    (dest / "docs" / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    (dest / "mkdocs.yml").write_text(_mkdocs_yml(n, floor=True), encoding="utf-8")
    return model


def edit_concept(dest: Path, model: Model, *, floor: bool = False, index: int = 0) -> Path:
    """Append a sentence to one concept's summary and rewrite its file (for warm rebuilds)."""
    c = model.concepts[index]
    c.summary = [*c.summary, " This sentence was added to measure a rebuild after one edit."]
    by_slug = model.by_slug
    if floor:
        path = Path(dest) / "docs" / "concepts" / f"{c.slug}.md"
        path.write_text(_floor_page(c, by_slug, {s.key: s for s in model.sources}), encoding="utf-8")
    else:
        path = Path(dest) / "concepts" / f"{c.slug}.yaml"
        path.write_text(_entry_yaml(c, by_slug), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="folder to write the project into")
    parser.add_argument("--n", type=int, default=100, help="number of concepts (default 100)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--floor", action="store_true",
                        help="write the plain mkdocs-material floor site instead")
    args = parser.parse_args(argv)
    model = (generate_floor if args.floor else generate)(args.dest, args.n, args.seed)
    links = sum(1 for c in model.concepts for _ in _links_of(c))
    print(f"wrote {'floor ' if args.floor else ''}project with {len(model.concepts)} concepts, "
          f"{len(model.sources)} sources, {len(model.tags)} tags, {links} wikilinks to {args.dest}",
          file=sys.stderr)
    return 0


def _links_of(c: Concept):
    for segs in [c.summary, c.note or [], *c.details, *c.key_points]:
        for s in segs:
            if isinstance(s, Link):
                yield s


if __name__ == "__main__":
    sys.exit(main())
