"""Generate a large tweet-harvest export for benchmarking ``screening score``.

Texts come from ``data/sample_posts.csv`` (full_text) and ``data/train.csv`` (text), mutated
the way real posts differ from each other: two posts spliced, typos, elongation (bangettt),
case changes, emojis added or removed, hashtags, @mentions and reply prefixes, URLs, numbers,
slang swaps (yang -> yg), candidate names from ``data/candidates_sample.yaml``, long threads and
very short posts. About 0.1% of texts are empty (the scorer rejects them) and about 3% are exact
copies of an earlier post (retweets). Everything else should be distinct, because the scorer
scores identical texts once: a file of repeats would overstate its throughput.

Deterministic for a given (n, seed); rows are streamed to disk chunk by chunk, so memory does
not grow with n. The file and a JSON sidecar with its statistics go to ``bench/results/``,
and an existing pair of the same n, seed and generator version is reused.

    python -m bench.generate --n 200000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# bump when the generated texts change, so stale files are not reused
GENERATOR_VERSION = 1
CHUNK_ROWS = 20_000


def _sample_header() -> list[str]:
    # the layout of the bundled tweet-harvest sample export, read rather than copied
    with (ROOT / "data" / "sample_posts.csv").open(encoding="utf-8", newline="") as fh:
        return next(csv.reader(fh))


COLUMNS = _sample_header()

# Share of rows of each kind; the rest are ordinary (mutated) posts.
P_EMPTY = 0.001
P_DUPLICATE = 0.03
P_LONG = 0.03
P_SHORT = 0.04

# (mutation, probability per ordinary post), applied in this order
MUTATIONS: tuple[tuple[str, float], ...] = (
    ("splice", 0.40),
    ("slang", 0.35),
    ("candidate", 0.15),
    ("number", 0.15),
    ("typo", 0.45),
    ("elongate", 0.15),
    ("strip_emoji", 0.10),
    ("case", 0.12),
    ("emoji", 0.25),
    ("hashtag", 0.15),
    ("url", 0.12),
    ("mention", 0.10),
)

# mutations with many possible outcomes; every ordinary post gets at least one
ENTROPIC = np.array(
    [i for i, (name, _) in enumerate(MUTATIONS) if name in {"splice", "typo", "url", "mention"}]
)

EMOJIS = [
    "😂", "🤣", "🙏", "👍", "💪", "🔥", "😁", "🤔", "😡", "❤️", "🇮🇩", "✌️",
    "👏", "😭", "🥰", "😅", "🙄", "💯", "😎", "🤲",
]  # fmt: skip
HASHTAGS = [
    "#Pilkada2024", "#PilkadaDamai", "#ASNNetral", "#infojambi", "#Jambi", "#KawalPilkada",
    "#TolakPolitikUang", "#pemilu", "#viral", "#fyp", "#netralitasASN", "#JambiHariIni",
]  # fmt: skip
SLANG: dict[str, list[str]] = {
    "yang": ["yg"],
    "tidak": ["gak", "ga", "tdk", "nggak"],
    "sudah": ["udah", "sdh", "udh"],
    "dengan": ["dgn", "dg"],
    "untuk": ["utk", "buat"],
    "saja": ["aja", "aj"],
    "tapi": ["tp"],
    "sama": ["sm"],
    "juga": ["jg"],
    "banget": ["bgt", "bngt"],
    "karena": ["krn", "karna"],
    "belum": ["blm"],
    "kalau": ["kalo", "klo"],
    "bisa": ["bs"],
    "orang": ["org"],
    "lagi": ["lg"],
    "jangan": ["jgn"],
    "saya": ["sy", "aku"],
    "dari": ["dr"],
    "sampai": ["sampe", "smp"],
    "terima kasih": ["makasih", "trims", "mksh"],
}
# real exports mix both directions: some writers spell out what others abbreviate
UNSLANG = {v: [k] for k, vs in SLANG.items() for v in vs if v not in SLANG}
SWAPS = {**UNSLANG, **SLANG}
SWAP_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, SWAPS), key=len, reverse=True)) + r")\b"
)
EMOJI_RE = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\U0001f1e6-\U0001f1ff]+")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")
SYLLABLES = "ri an dew ika put ra bud yan sit nur ha fiz mel ayu jam bi ker inci zul fah".split()
PLACES = [
    "Jambi", "Kota Jambi", "Muaro Jambi", "Kerinci", "Sungai Penuh", "Bungo", "Tebo",
    "Sarolangun", "Merangin", "Batanghari", "", "", "", "Indonesia", "Jambi, Indonesia",
]  # fmt: skip
SHORT_FILLERS = ["wkwk", "mantap", "setuju", "hadir", "nah kan", "aamiin", "gas", "betul"]
START_EPOCH = 1_730_073_600  # 2024-10-28 00:00:00 UTC, as in data/sample_posts.csv
SPAN_SECONDS = 30 * 86_400
FIRST_ID = 1_850_000_000_000_000_000


@dataclass(frozen=True)
class Sources:
    """Seed texts and the words the mutations draw from."""

    texts: list[str]
    sentences: list[list[str]]
    candidate_terms: list[str]
    hashtags: list[str]


def load_sources(root: Path = ROOT) -> Sources:
    """Read the bundled texts and the demo election's candidate lexicon."""
    texts: list[str] = []
    for path, col in (
        (root / "data/sample_posts.csv", "full_text"),
        (root / "data/train.csv", "text"),
    ):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            texts += [t for row in csv.DictReader(fh) if (t := row[col].strip())]
    lexicon = yaml.safe_load((root / "data/candidates_sample.yaml").read_text(encoding="utf-8"))
    terms: list[str] = list(lexicon.get("parties", []))
    tags: list[str] = []
    for cand in lexicon["candidates"]:
        terms += cand.get("names", []) + cand.get("taglines", [])
        terms += [f"nomor {cand['number']}", f"paslon 0{cand['number']}"]
        tags += cand.get("hashtags", [])
    sentences = [SENTENCE_RE.split(t) for t in texts]
    return Sources(texts, sentences, terms, tags)


class Mutator:
    """String mutations; each takes and returns one post text. Randomness from ``rnd``."""

    def __init__(self, sources: Sources, usernames: list[str], rnd: random.Random) -> None:
        self.src = sources
        self.users = usernames
        self.rnd = rnd

    def splice(self, text: str) -> str:
        """Head of this post + tail of another one (sentence boundary, else mid-word-list)."""
        other = self.rnd.choice(self.src.sentences)
        head, tail = _halves(SENTENCE_RE.split(text), self.rnd)[0], _halves(other, self.rnd)[1]
        return f"{head} {tail}"

    def slang(self, text: str) -> str:
        return SWAP_RE.sub(lambda m: self.rnd.choice(SWAPS[m.group(1)]), text)

    def candidate(self, text: str) -> str:
        words = text.split(" ")
        words.insert(self.rnd.randrange(len(words) + 1), self.rnd.choice(self.src.candidate_terms))
        return " ".join(words)

    def number(self, text: str) -> str:
        n = self.rnd.choice(
            [
                str(self.rnd.randint(1, 31)),
                f"jam {self.rnd.randint(1, 12)}",
                f"{self.rnd.randint(5, 500)}rb",
                "2024",
            ]
        )
        return f"{text} {n}" if self.rnd.random() < 0.5 else f"{n} {text}"

    def typo(self, text: str) -> str:
        """One or more character swaps, drops or duplications at random positions."""
        for _ in range(1 + int(self.rnd.random() < 0.3)):
            if len(text) < 4:
                return text
            i = self.rnd.randrange(len(text) - 1)
            op = self.rnd.randrange(3)
            if op == 0:
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            elif op == 1:
                text = text[:i] + text[i + 1 :]
            else:
                text = text[:i] + text[i] + text[i:]
        return text

    def elongate(self, text: str) -> str:
        words = text.split(" ")
        i = self.rnd.randrange(len(words))
        if words[i][-1:].isalpha():
            words[i] += words[i][-1] * self.rnd.randint(2, 5)
        return " ".join(words)

    def strip_emoji(self, text: str) -> str:
        return EMOJI_RE.sub("", text).strip() or text

    def case(self, text: str) -> str:
        r = self.rnd.random()
        if r < 0.4:
            return text.lower()
        if r < 0.7:
            return text.upper()
        return text[:1].upper() + text[1:]

    def emoji(self, text: str) -> str:
        return text + " " + "".join(self.rnd.choices(EMOJIS, k=self.rnd.randint(1, 3)))

    def hashtag(self, text: str) -> str:
        pool = self.src.hashtags if self.rnd.random() < 0.4 else HASHTAGS
        return f"{text} {self.rnd.choice(pool)}"

    def url(self, text: str) -> str:
        code = "".join(
            self.rnd.choices("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=10)
        )
        return f"{text} https://t.co/{code}"

    def mention(self, text: str) -> str:
        """A reply prefix (the export's reply rows start with @user) or a mid-text mention."""
        user = self.rnd.choice(self.users)
        if self.rnd.random() < 0.7:
            return f"@{user} {text}"
        return f"{text} cc @{user}"


def _halves(parts: list[str], rnd: random.Random) -> tuple[str, str]:
    """Split a post into a head and a tail at a sentence boundary, else between words."""
    if len(parts) < 2:
        parts = parts[0].split(" ")
    if len(parts) < 2:
        return parts[0], parts[0]
    cut = rnd.randrange(1, len(parts))
    return " ".join(parts[:cut]), " ".join(parts[cut:])


def make_usernames(count: int, rnd: random.Random) -> list[str]:
    suffixes = ["", "_", "99", "07", "jbi", "88", "_id"]
    return [
        "".join(rnd.sample(SYLLABLES, rnd.randint(2, 3))) + rnd.choice(suffixes) + str(i % 1000)
        for i in range(count)
    ]


class TextFactory:
    """Produces the post texts of one chunk; remembers recent texts so retweets can copy them."""

    def __init__(self, sources: Sources, mutator: Mutator, rng: np.random.Generator) -> None:
        self.src = sources
        self.mut = mutator
        self.rng = rng
        self.recent: list[str] = []

    def chunk(self, size: int) -> list[str]:
        kind = self.rng.random(size)
        base = self.rng.integers(0, len(self.src.texts), size)
        plan = self.rng.random((size, len(MUTATIONS))) < np.array([p for _, p in MUTATIONS])
        # a post with only low-entropy edits (case, slang) would often equal another such post
        bare = ~plan[:, ENTROPIC].any(axis=1)
        plan[bare, self.rng.choice(ENTROPIC, int(bare.sum()))] = True
        out: list[str] = []
        for i in range(size):
            out.append(self._one(float(kind[i]), int(base[i]), plan[i]))
        self.recent = [t for t in out[-2000:] if t]
        return out

    def _one(self, kind: float, base: int, plan: np.ndarray) -> str:
        if kind < P_EMPTY:
            return ""
        pool = self.recent
        if kind < P_EMPTY + P_DUPLICATE and pool:
            return self.mut.rnd.choice(pool)
        text = self.src.texts[base]
        if kind < P_EMPTY + P_DUPLICATE + P_LONG:
            text = self._long(text)
        elif kind < P_EMPTY + P_DUPLICATE + P_LONG + P_SHORT:
            text = self._short(text)
        for (name, _), on in zip(MUTATIONS, plan, strict=True):
            if on:
                text = getattr(self.mut, name)(text)
        if len(pool) < 2000 and text:
            pool.append(text)
        return text

    def _long(self, text: str) -> str:
        """A thread pasted into one post: 3-6 posts, occasionally 10-15."""
        rnd = self.mut.rnd
        k = rnd.randint(10, 15) if rnd.random() < 0.1 else rnd.randint(3, 6)
        sep = rnd.choice([" ", "\n\n", " ... "])
        return sep.join([text, *rnd.choices(self.src.texts, k=k - 1)])

    def _short(self, text: str) -> str:
        rnd = self.mut.rnd
        if rnd.random() < 0.3:
            return rnd.choice(SHORT_FILLERS)
        return " ".join(text.split()[: rnd.randint(1, 4)])


def _meta_columns(
    start: int, size: int, n: int, rng: np.random.Generator, users: list[str], user_ids: list[str]
) -> dict[str, list[str]]:
    """Every column but full_text and in_reply_to_screen_name, vectorized over the chunk."""
    idx = np.arange(start, start + size)
    # ids and timestamps grow with the row index, as in a chronological export
    ids = FIRST_ID + idx * 7_919_003 + rng.integers(0, 7_000_000, size)
    epoch = START_EPOCH + idx * (SPAN_SECONDS / max(n, 1)) + rng.integers(0, 60, size)
    who = rng.integers(0, len(users), size)
    tid = ids.astype(str).tolist()
    user = [users[w] for w in who]
    image = rng.random(size) < 1 / 9
    return {
        "id_str": tid,
        "created_at": [time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(e)) for e in epoch],
        "favorite_count": rng.choice([0, 0, 0, 1, 2, 3, 5, 12, 40, 210], size).astype(str).tolist(),
        "image_url": [
            f"https://pbs.twimg.com/media/G{t[-9:]}.jpg" if m else ""
            for t, m in zip(tid, image, strict=True)
        ],
        "lang": ["in"] * size,
        "location": rng.choice(PLACES, size).tolist(),
        "quote_count": rng.choice([0, 0, 0, 1], size).astype(str).tolist(),
        "reply_count": rng.choice([0, 0, 1, 2, 4], size).astype(str).tolist(),
        "retweet_count": rng.choice([0, 0, 0, 1, 3, 9], size).astype(str).tolist(),
        "tweet_url": [f"https://x.com/{u}/status/{t}" for u, t in zip(user, tid, strict=True)],
        "user_id_str": [user_ids[w] for w in who],
        "username": user,
    }


def _rows(
    meta: dict[str, list[str]], texts: list[str], rng: np.random.Generator
) -> Iterator[list[str]]:
    back = rng.integers(1_000, 10**9, len(texts))
    for i, text in enumerate(texts):
        reply = text.startswith("@")
        tid = meta["id_str"][i]
        row = {k: v[i] for k, v in meta.items()}
        row["full_text"] = text
        row["in_reply_to_screen_name"] = text.split(" ", 1)[0][1:] if reply else ""
        row["conversation_id_str"] = str(int(tid) - int(back[i])) if reply else tid
        yield [row[c] for c in COLUMNS]


def generate(n: int, seed: int, path: Path, root: Path = ROOT) -> dict[str, Any]:
    """Write ``n`` rows to ``path`` (atomically); returns the file's statistics.

    Times are in seconds, lengths in characters (code points)."""
    t0 = time.perf_counter()
    sources = load_sources(root)
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    users = make_usernames(min(max(n // 20, 100), 50_000), rnd)
    user_ids = [str(rnd.randint(10**9, 10**19)) for _ in users]
    factory = TextFactory(sources, Mutator(sources, users, rnd), rng)
    hashes = np.empty(n, dtype=np.int64)
    lengths = np.empty(n, dtype=np.int32)
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for start in range(0, n, CHUNK_ROWS):
            size = min(CHUNK_ROWS, n - start)
            texts = factory.chunk(size)
            hashes[start : start + size] = [hash(t) for t in texts]
            lengths[start : start + size] = [len(t) for t in texts]
            writer.writerows(_rows(_meta_columns(start, size, n, rng, users, user_ids), texts, rng))
    os.replace(tmp, path)
    return _stats(n, seed, hashes, lengths, len(sources.texts), time.perf_counter() - t0)


def _stats(
    n: int, seed: int, hashes: np.ndarray, lengths: np.ndarray, n_sources: int, seconds: float
) -> dict[str, Any]:
    nonempty = lengths > 0
    distinct = len(np.unique(hashes[nonempty]))
    return {
        "generator_version": GENERATOR_VERSION,
        "rows": n,
        "seed": seed,
        "source_texts": n_sources,
        "empty_texts": int((~nonempty).sum()),
        "distinct_nonempty_texts": distinct,
        # share of all rows whose text is non-empty and first of its kind
        "distinct_share": distinct / n if n else 0.0,
        "chars_mean": float(lengths.mean()) if n else 0.0,
        "chars_p50": float(np.percentile(lengths, 50)) if n else 0.0,
        "chars_p99": float(np.percentile(lengths, 99)) if n else 0.0,
        "chars_max": int(lengths.max()) if n else 0,
        "share_over_280_chars": float((lengths > 280).mean()) if n else 0.0,
        "share_under_20_chars": float(((lengths > 0) & (lengths < 20)).mean()) if n else 0.0,
        "generate_seconds": round(seconds, 2),
    }


def posts_path(n: int, seed: int, out_dir: Path = RESULTS) -> Path:
    return out_dir / f"posts-{n}-seed{seed}.csv"


def ensure_posts(
    n: int, seed: int = 0, out_dir: Path = RESULTS, log: Callable[[str], None] = print
) -> tuple[Path, dict[str, Any]]:
    """The generated file for (n, seed) and its statistics; generated only when missing/stale."""
    path = posts_path(n, seed, out_dir)
    sidecar = path.with_suffix(".json")
    if path.is_file() and sidecar.is_file():
        stats = json.loads(sidecar.read_text(encoding="utf-8"))
        if stats.get("generator_version") == GENERATOR_VERSION and stats.get("rows") == n:
            log(f"reusing {path} ({n} rows, distinct share {stats['distinct_share']:.3f})")
            return path, {**stats, "reused": True}
    log(f"generating {n} posts (seed {seed}) -> {path}")
    stats = generate(n, seed, path)
    sidecar.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    log(f"generated in {stats['generate_seconds']} s, distinct share {stats['distinct_share']:.3f}")
    return path, {**stats, "reused": False}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000, help="rows to generate")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out-dir", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    ensure_posts(args.n, args.seed, args.out_dir)


if __name__ == "__main__":
    main()
