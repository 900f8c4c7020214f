"""Build a benchmark corpus of N distinct, realistic documents from the seed texts in examples/.

Every document is derived from the five real seed texts (Azerbaijani Ombudsman statements and an
interview with a former ICC prosecutor) by deterministic (seeded) variation:

* recombination: the head (title, date line) and signature of one seed, with body paragraphs drawn
  from that seed and from the others (1 to 12 body paragraphs);
* a "scenario" swap: country, demonym, capital, region, town and person names are replaced
  consistently within a document by those of one of a few other conflict settings (Syria,
  Colombia, the DRC, the Sahel, Kashmir). Person names are invented (plausible, not real figures);
* figures changed (613 -> 598, "more than 3,410" -> "more than 3,120"), keeping their format;
* dates shifted by one random offset per document (relative order kept, format kept);
* a few long (~30 KB) "digest" documents that join several generated items.

Texts are checked to be pairwise distinct (after counterclaim's normalisation rules: NFC, LF,
no trailing spaces), since the ledger skips duplicate texts.

    python bench/make_corpus.py --n 500 --out bench/out/corpus500 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "examples"

# --- scenarios ---------------------------------------------------------------------------------
# "a" takes the place of Azerbaijan (the speaker's side), "b" the place of Armenia.
# People are invented names that fit the setting, so no real person is quoted.
SCENARIOS: list[dict] = [
    {
        "key": "syria", "a": "Syria", "a_adj": "Syrian", "a_pl": "Syrians", "capital": "Damascus",
        "b": "Türkiye", "b_adj": "Turkish", "b_pl": "Turks",
        "region": ["Idlib", "northern Aleppo", "Afrin", "the Jazira"],
        "towns": ["Maarat al-Numan", "Khan Shaykhun", "Saraqib", "Jisr al-Shughur", "Ariha", "Manbij",
                  "Tal Rifaat", "Ras al-Ain", "Douma", "Deir ez-Zor", "Kafr Nabl", "Atarib"],
        "ombud": ["Rima Haddad", "Lina Khoury", "Hala Mansour", "Nour Kassab"],
        "leader": ["Karim Nassar", "Walid Hamdan", "Bassam Qadri"],
        "prosecutor": ["Rafael Soto Medina", "Elena Varga Ruiz", "Tomás Iriarte Lugo"],
        "addressee": ["Marta Lindqvist", "Henri Delorme"],
    },
    {
        "key": "colombia", "a": "Colombia", "a_adj": "Colombian", "a_pl": "Colombians", "capital": "Bogotá",
        "b": "Venezuela", "b_adj": "Venezuelan", "b_pl": "Venezuelans",
        "region": ["Catatumbo", "Cauca", "Arauca", "Norte de Santander"],
        "towns": ["Tibú", "El Tarra", "Toribío", "Argelia", "Saravena", "Tame", "Cúcuta", "Ocaña",
                  "Teorama", "Suárez", "Bojayá", "Quibdó"],
        "ombud": ["Carmen Restrepo", "Luz Marina Ortega", "Beatriz Cárdenas", "Patricia Arango"],
        "leader": ["Álvaro Quintero", "Hernán Villamizar", "Jaime Ospina"],
        "prosecutor": ["Rafael Soto Medina", "Inés Calderón Vega", "Joaquín Herrera Pardo"],
        "addressee": ["Marta Lindqvist", "Paul Whitcombe"],
    },
    {
        "key": "drc", "a": "DR Congo", "a_adj": "Congolese", "a_pl": "Congolese", "capital": "Kinshasa",
        "b": "Rwanda", "b_adj": "Rwandan", "b_pl": "Rwandans",
        "region": ["North Kivu", "Ituri", "South Kivu", "Rutshuru"],
        "towns": ["Goma", "Bunia", "Beni", "Butembo", "Kiwanja", "Masisi", "Sake", "Minova", "Djugu",
                  "Mahagi", "Uvira", "Walikale"],
        "ombud": ["Espérance Mbuyi", "Chantal Kabeya", "Grâce Ilunga", "Solange Mukendi"],
        "leader": ["Patrick Kabasele", "Jean-Pierre Mulumba", "Didier Tshimanga"],
        "prosecutor": ["Joaquín Herrera Pardo", "Anne-Marie Dufresne", "Rafael Soto Medina"],
        "addressee": ["Henri Delorme", "Ingrid Aaltonen"],
    },
    {
        "key": "sahel", "a": "Mali", "a_adj": "Malian", "a_pl": "Malians", "capital": "Bamako",
        "b": "Burkina Faso", "b_adj": "Burkinabè", "b_pl": "Burkinabè",
        "region": ["Liptako-Gourma", "the Mopti region", "Ménaka", "the Inner Niger Delta"],
        "towns": ["Mopti", "Gao", "Djenné", "Bandiagara", "Boni", "Djibo", "Tessit", "Ansongo",
                  "Douentza", "Ogossagou", "Sévaré", "Koro"],
        "ombud": ["Fatoumata Keïta", "Mariam Sangaré", "Aïssata Diarra", "Kadiatou Coulibaly"],
        "leader": ["Moussa Dembélé", "Boubacar Touré", "Ibrahim Sidibé"],
        "prosecutor": ["Anne-Marie Dufresne", "Tomás Iriarte Lugo", "Elena Varga Ruiz"],
        "addressee": ["Ingrid Aaltonen", "Paul Whitcombe"],
    },
    {
        "key": "sahel", "a": "Niger", "a_adj": "Nigerien", "a_pl": "Nigeriens", "capital": "Niamey",
        "b": "Mali", "b_adj": "Malian", "b_pl": "Malians",
        "region": ["Tillabéri", "the tri-border area", "Tahoua", "Diffa"],
        "towns": ["Tillabéri", "Ouallam", "Banibangou", "Abala", "Ayorou", "Téra", "Torodi", "Inates",
                  "Chinégodar", "Tchoma Bangou", "Anzourou", "Filingué"],
        "ombud": ["Halima Issoufou", "Zeinabou Moumouni", "Rakia Hamani", "Salamatou Garba"],
        "leader": ["Abdoulaye Mahamane", "Ousmane Hassane", "Souleymane Bako"],
        "prosecutor": ["Inés Calderón Vega", "Anne-Marie Dufresne", "Joaquín Herrera Pardo"],
        "addressee": ["Marta Lindqvist", "Henri Delorme"],
    },
    {
        "key": "kashmir", "a": "Pakistan", "a_adj": "Pakistani", "a_pl": "Pakistanis", "capital": "Islamabad",
        "b": "India", "b_adj": "Indian", "b_pl": "Indians",
        "region": ["Kashmir", "Jammu and Kashmir", "the Neelum Valley", "the Line of Control"],
        "towns": ["Muzaffarabad", "Kotli", "Bagh", "Rawalakot", "Athmuqam", "Chakothi", "Hajira",
                  "Bhimber", "Kel", "Leepa", "Nakyal", "Sharda"],
        "ombud": ["Shazia Qureshi", "Ayesha Mir", "Nusrat Abbasi", "Farah Rathore"],
        "leader": ["Tariq Chaudhry", "Imran Awan", "Saleem Raja"],
        "prosecutor": ["Rafael Soto Medina", "Elena Varga Ruiz", "Anne-Marie Dufresne"],
        "addressee": ["Paul Whitcombe", "Ingrid Aaltonen"],
    },
    {
        "key": "kashmir", "a": "India", "a_adj": "Indian", "a_pl": "Indians", "capital": "New Delhi",
        "b": "Pakistan", "b_adj": "Pakistani", "b_pl": "Pakistanis",
        "region": ["Kashmir", "Jammu and Kashmir", "the Kashmir Valley", "Poonch"],
        "towns": ["Srinagar", "Kupwara", "Uri", "Baramulla", "Poonch", "Rajouri", "Anantnag", "Sopore",
                  "Pulwama", "Keran", "Tangdhar", "Gurez"],
        "ombud": ["Nirmala Raina", "Shabnam Lone", "Meera Kaul", "Rubina Bhat"],
        "leader": ["Vikram Sethi", "Ghulam Wani", "Arvind Koul"],
        "prosecutor": ["Tomás Iriarte Lugo", "Inés Calderón Vega", "Rafael Soto Medina"],
        "addressee": ["Henri Delorme", "Marta Lindqvist"],
    },
]

# Seed names, longest first where one is a prefix of another (the regex is built longest-first too).
_SEED_TOWNS = ["Khojaly", "Khankendi", "Lachin", "Meshali", "Bashlibel"]
_SEED_REGIONS = ["Nagorno-Karabakh", "Karabakh Economic Region", "Karabakh region", "Karabakh", "Artsakh"]


def _initials(name: str) -> str:
    """'Rafael Soto Medina' -> 'R.S. Medina'."""
    parts = name.split()
    return "".join(p[0] + "." for p in parts[:-1]) + " " + parts[-1]


# Seed 001 refers to other conflicts (Israel, Hamas, the Armenian Genocide); those references are
# taken out before the swap so that generated texts mention none of them.
_NEUTRALISE = [
    ("The USA, Israel and the EU", "The USA and the EU"),
    ("the USA, Israel, and the EU", "the USA and the EU"),
    ("including the USA, Israel, the EU,", "including the USA and the EU,"),
    ("It is not as big as the Holocaust or the Armenian Genocide, but it is still genocide, just like the "
     "Hamas attack on Israel.", "It is not as big as the Holocaust, but it is still genocide."),
    ("it is very important that Israel stop supplying weapons to Azerbaijan and that the United States",
     "it is very important that the United States"),
]


def neutralise(text: str) -> str:
    for old, new in _NEUTRALISE:
        text = text.replace(old, new)
    return text


def scenario_map(rng: random.Random, sc: dict) -> dict[str, str]:
    """One consistent replacement table for one document."""
    towns = rng.sample(sc["towns"], len(_SEED_TOWNS))
    region = rng.choice(sc["region"])
    alt_region = rng.choice([r for r in sc["region"] if r != region])
    ombud = rng.choice(sc["ombud"])
    leader = rng.choice(sc["leader"])
    founder = rng.choice([p for p in sc["leader"] if p != leader])
    prosecutor = rng.choice(sc["prosecutor"])
    last = prosecutor.split()[-1]
    region_bare = region[4:] if region.startswith("the ") else region
    table = {
        "Azerbaijanis": sc["a_pl"], "Azerbaijani": sc["a_adj"], "Azerbaijan": sc["a"],
        "Armenians": sc["b_pl"], "Armenian": sc["b_adj"], "Armenia": sc["b"],
        "Baku": sc["capital"], "BAKU": sc["capital"].upper(),
        "Nagorno-Karabakh": region, "Karabakh Economic Region": f"{region_bare} area",
        "Karabakh region": f"{region_bare} region" if not region_bare.endswith("region") else region_bare,
        "Karabakh": region_bare, "Artsakh": alt_region,
        "Sabina Aliyeva": ombud,
        "Luis Moreno Ocampo": prosecutor, "L.M. Ocampo": _initials(prosecutor), "Ocampo": last,
        "Heydar Aliyev": founder, "Aliyev": leader.split()[-1],
        "Agnès Callamard": rng.choice(sc["addressee"]),
    }
    table.update(zip(_SEED_TOWNS, towns, strict=True))
    return table


def apply_map(text: str, table: dict[str, str]) -> str:
    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in keys) + r")(?![\w])")
    return pattern.sub(lambda m: table[m.group(0)], text)


# --- dates -------------------------------------------------------------------------------------
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9,
         "Oct": 10, "Nov": 11, "Dec": 12}
_AP = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_MONTH_RE = r"(?P<mon>" + "|".join(_MONTHS) + r"|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\.)"
_DATE_RE = re.compile(
    r"(?P<iso>\b(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)\b)"
    # Month D[-D][,] YYYY  |  Month D  |  Month YYYY
    rf"|(?P<mdy>{_MONTH_RE}\s?(?P<d>\d{{1,2}})(?:-(?P<d2>\d{{1,2}}))?(?!\d)(?P<sep>,?\s)?(?P<y>(?:19|20)\d\d)?\b)"
    # D Month YYYY
    rf"|(?P<dmy>\b(?P<d3>\d{{1,2}})\s(?P<mon3>" + "|".join(_MONTHS) + r")\s(?P<y3>(?:19|20)\d\d)\b)"
    rf"|(?P<my>\b(?P<mon4>" + "|".join(_MONTHS) + r")\s(?P<y4>(?:19|20)\d\d)\b)"
)


def _month_no(name: str) -> int:
    name = name.rstrip(".")
    return _MONTHS.index(name) + 1 if name in _MONTHS else _ABBR[name]


def _month_name(month: int, like: str) -> str:
    return _AP[month - 1] if like.endswith(".") else _MONTHS[month - 1]


def _safe_date(y: int, m: int, d: int) -> dt.date:
    while True:
        try:
            return dt.date(y, m, d)
        except ValueError:
            d -= 1


def shift_dates(text: str, days: int, ref_year: int) -> str:
    """Move every date by ``days`` (keeping its format); bare recent years move with them."""
    years = round(days / 365.25)

    def one(m: re.Match[str]) -> str:
        if m.group("iso"):
            new = _safe_date(int(m["iy"]), int(m["im"]), int(m["id"])) + dt.timedelta(days=days)
            return new.isoformat()
        if m.group("mdy"):
            # "May 1" without a following year: a match followed by a bare number is not a date.
            y = int(m["y"]) if m["y"] else ref_year
            old = _safe_date(y, _month_no(m["mon"]), int(m["d"]))
            new = old + dt.timedelta(days=days)
            space = " " if m.group(0)[len(m["mon"])] == " " else ""
            out = f"{_month_name(new.month, m['mon'])}{space}{new.day}"
            if m["d2"]:
                out += f"-{min(new.day + int(m['d2']) - int(m['d']), 28 if new.month == 2 else 30)}"
            if m["y"]:
                out += f"{m['sep'] or ' '}{new.year}"
            elif m["sep"]:
                out += m["sep"]
            return out
        if m.group("dmy"):
            new = _safe_date(int(m["y3"]), _month_no(m["mon3"]), int(m["d3"])) + dt.timedelta(days=days)
            return f"{new.day} {_MONTHS[new.month - 1]} {new.year}"
        new = _safe_date(int(m["y4"]), _month_no(m["mon4"]), 15) + dt.timedelta(days=days)
        return f"{_MONTHS[new.month - 1]} {new.year}"

    text = _DATE_RE.sub(one, text)
    # Bare recent years ("since 1987", "the 2024 report"); older ones (Geneva Conventions of 1949) stay.
    return re.sub(r"(?<![\w.,:-])(19[89]\d|20[0-2]\d)(?![\w-]|,\d)",
                  lambda m: str(min(int(m.group(1)) + years, 2025)), text)


# --- figures -----------------------------------------------------------------------------------
_NUMBER = re.compile(r"(?<![\w.,:/-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w:]|[.,]\d)")


def vary_figures(text: str, rng: random.Random, p: float = 0.8) -> str:
    """Change most figures by up to about +-15%, keeping thousands separators; leave years and dates alone."""
    dates = [m.span() for m in _DATE_RE.finditer(text)]

    def one(m: re.Match[str]) -> str:
        raw = m.group(1)
        if any(a <= m.start() < b for a, b in dates):
            return raw
        value = int(raw.replace(",", ""))
        if (len(raw) == 4 and 1900 <= value <= 2030) or value == 0 or rng.random() > p:
            return raw
        if value < 10:
            new = max(1, value + rng.choice([-2, -1, 1, 2]))
        else:
            new = round(value * rng.uniform(0.85, 1.15))
            if value >= 1000 and value % 10 == 0:  # round numbers stay round: 3,410 -> 3,120
                new = round(new, -1 if value % 100 else -2)
            if new == value:
                new += 1
        return f"{new:,}" if "," in raw else str(new)

    return _NUMBER.sub(one, text)


# --- paragraphs --------------------------------------------------------------------------------
def _is_short(p: str) -> bool:
    """Titles, date lines and signatures: short, no sentence punctuation inside."""
    if p.strip().startswith("**") and p.strip().endswith("**"):  # a bold title or signature line
        return True
    s = p.strip()
    return len(s) < 200 and not re.search(r"[.!?\"”]\s+[A-Z]", s) and not s.endswith(".")


def split_seed(text: str) -> dict[str, list[str]]:
    """head (title/date lines), lead (first body paragraph), body, tail (signature block)."""
    paras = [p for p in re.split(r"\n\s*\n", text.strip("\n")) if p.strip()]
    head: list[str] = []
    while paras and _is_short(paras[0]):
        head.append(paras.pop(0))
    post = [paras.pop()] if paras and paras[-1].startswith("This Statement is addressed") else []
    tail: list[str] = []
    while paras and _is_short(paras[-1]):
        tail.insert(0, paras.pop())
    tail += post
    lead, body = (paras[0], paras[1:]) if paras else ("", [])
    # "BAKU, Azerbaijan, May 1." style leads that only hold a dateline go with the head.
    if len(lead) < 60 and body:
        head.append(lead)
        lead, body = body[0], body[1:]
    return {"head": head, "lead": [lead], "body": body, "tail": tail}


def load_seeds() -> list[dict]:
    seeds = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = neutralise(path.read_text(encoding="utf-8"))
        parts = split_seed(text)
        parts["name"] = path.stem
        parts["prefix"] = text[: len(text) - len(text.lstrip("\n"))]  # leading blank lines, as in 000
        year = re.search(r"\b(20[12]\d)\b", text)
        parts["year"] = int(year.group(1)) if year else 2023
        seeds.append(parts)
    return seeds


def _n_body(rng: random.Random) -> int:
    """1 to 12 body paragraphs, short documents a bit more common."""
    return min(12, max(1, int(rng.triangular(1, 13, 4))))


def make_item(rng: random.Random, seeds: list[dict], pool: list[tuple[int, str]], n_paras: int,
              sc: dict | None = None) -> str:
    base_i = rng.randrange(len(seeds))
    base = seeds[base_i]
    sc = sc or rng.choice(SCENARIOS)
    # Mostly the base seed's own paragraphs, in order, topped up from the other seeds.
    own = [p for p in base["body"] if rng.random() < 0.7]
    others = [p for i, p in pool if i != base_i]
    need = max(0, n_paras - 1 - len(own))
    extra = rng.sample(others, min(need, len(others)))
    body = own[: n_paras - 1]
    for p in extra:
        body.insert(rng.randint(0, len(body)), p)
    paras = list(base["head"]) + base["lead"] + body
    if base["tail"] and rng.random() < 0.85:
        paras += base["tail"]
    text = base["prefix"] + "\n\n".join(paras) + "\n"
    text = apply_map(text, scenario_map(rng, sc))
    text = shift_dates(text, rng.randint(-2200, 700), base["year"])
    return vary_figures(text, rng)


def make_digest(rng: random.Random, seeds: list[dict], pool: list[tuple[int, str]], target: int) -> str:
    """A long news digest (~target bytes) of several items, each on its own scenario."""
    day = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randint(0, 2400))
    parts = [f"Human rights monitoring digest\n\n{day.strftime('%B')} {day.day}, {day.year}\n"]
    size = len(parts[0].encode())
    while size < target:
        item = make_item(rng, seeds, pool, rng.randint(5, 12)).strip("\n ")
        parts.append(item + "\n")
        size += len(item.encode()) + 8
    return "\n* * *\n\n".join(parts)


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    return re.sub(r"[ \t]+$", "", text, flags=re.M)


def build(n: int, seed: int, n_long: int | None = None, long_bytes: int = 30_000) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    seeds = load_seeds()
    pool = [(i, p) for i, s in enumerate(seeds) for p in s["body"]]
    if n_long is None:
        n_long = 0 if n < 20 else max(1, n // 100)  # 5 of 500
    long_at = set(rng.sample(range(n), n_long)) if n_long else set()
    width = max(4, len(str(n - 1)))
    seen: set[str] = set()
    docs = []
    for i in range(n):
        for _ in range(100):
            if i in long_at:
                text, kind = make_digest(rng, seeds, pool, long_bytes), "digest"
            else:
                sc = rng.choice(SCENARIOS)
                text, kind = make_item(rng, seeds, pool, _n_body(rng), sc), sc["key"]
            digest = hashlib.sha256(_norm(text).encode()).hexdigest()
            if digest not in seen:
                break
        else:  # pragma: no cover - would need a tiny seed pool
            raise SystemExit(f"could not make document {i} distinct")
        seen.add(digest)
        docs.append((f"{i:0{width}d}_{kind}.txt", text))
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="number of documents (default 500)")
    ap.add_argument("--out", default=None, help="output folder (default bench/out/corpus<N>/)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--long", type=int, default=None, help="number of ~30 KB digests (default n//100)")
    args = ap.parse_args(argv)
    out = Path(args.out) if args.out else ROOT / "bench" / "out" / f"corpus{args.n}"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("[0-9]*_*.txt"):  # files of an earlier run
        old.unlink()
    docs = build(args.n, args.seed, args.long)
    total = 0
    for name, text in docs:
        data = text.encode("utf-8")
        (out / name).write_bytes(data)
        total += len(data)
    print(f"{len(docs)} documents, {total / 1e6:.2f} MB in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
