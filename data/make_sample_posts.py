"""Build data/sample_posts.csv, the demo export, from the sample writers' texts.

The texts come from data/raw/sample_*.jsonl (written for the fictional Pilgub Jambi in
data/candidates_sample.yaml). This script only dresses them as a tweet-harvest export:
the columns that scraper writes, fictional user names and ids, timestamps in Twitter's
format, plus the quirks real exports have (a deleted tweet with no text, retweeted copies
of the same text). Deterministic: re-running gives the same file.

    python data/make_sample_posts.py
"""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "conversation_id_str",
    "created_at",
    "favorite_count",
    "full_text",
    "id_str",
    "image_url",
    "in_reply_to_screen_name",
    "lang",
    "location",
    "quote_count",
    "reply_count",
    "retweet_count",
    "tweet_url",
    "user_id_str",
    "username",
]
SYLLABLES = [
    "ri",
    "an",
    "dew",
    "ika",
    "put",
    "ra",
    "bud",
    "yan",
    "sit",
    "nur",
    "ha",
    "fiz",
    "mel",
    "ayu",
    "jam",
    "bi",
    "ker",
    "inci",
    "zul",
    "fah",
    "ren",
    "dy",
    "tom",
    "lia",
    "wan",
]
PLACES = [
    "Jambi",
    "Kota Jambi",
    "Muaro Jambi",
    "Kerinci",
    "Sungai Penuh",
    "Bungo",
    "Tebo",
    "Sarolangun",
    "Merangin",
    "Batanghari",
    "",
    "",
    "Indonesia",
    "Jambi, Indonesia",
]


def main() -> None:
    rng = random.Random(2024)
    records = []
    for f in sorted((HERE / "raw").glob("sample_*.jsonl")):
        lines = f.read_text(encoding="utf-8").splitlines()
        records += [json.loads(line) for line in lines if line.strip()]
    texts = [r["text"] for r in records]
    rng.shuffle(texts)
    # quirks: two retweeted copies of earlier posts and one deleted tweet with no text
    texts.insert(40, texts[3])
    texts.insert(200, texts[120])
    texts.insert(77, "")
    users = [
        "".join(rng.sample(SYLLABLES, rng.randint(2, 3))) + rng.choice(["", "_", "99", "07", "jbi"])
        for _ in range(len(texts) // 3)
    ]
    start = datetime(2024, 10, 28, tzinfo=UTC)
    rows = []
    for text in texts:
        user = rng.choice(users)
        tid = str(rng.randint(1_850_000_000_000_000_000, 1_860_000_000_000_000_000))
        when = start + timedelta(seconds=rng.randint(0, 30 * 86400))
        reply = text.startswith("@")
        rows.append(
            {
                "conversation_id_str": tid
                if not reply
                else str(int(tid) - rng.randint(1000, 10**9)),
                "created_at": when.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "favorite_count": rng.choice([0, 0, 0, 1, 2, 3, 5, 12, 40, 210]),
                "full_text": text,
                "id_str": tid,
                "image_url": rng.choice(
                    [""] * 8 + [f"https://pbs.twimg.com/media/G{tid[-9:]}.jpg"]
                ),
                "in_reply_to_screen_name": text.split()[0][1:] if reply else "",
                "lang": "in",
                "location": rng.choice(PLACES),
                "quote_count": rng.choice([0, 0, 0, 1]),
                "reply_count": rng.choice([0, 0, 1, 2, 4]),
                "retweet_count": rng.choice([0, 0, 0, 1, 3, 9]),
                "tweet_url": f"https://x.com/{user}/status/{tid}",
                "user_id_str": str(rng.randint(10**9, 10**19)),
                "username": user,
            }
        )
    rows.sort(key=lambda r: datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y"))
    with open(HERE / "sample_posts.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    # the writers' labels, so `screening evaluate data/sample_labels.csv` can check the demo
    with open(HERE / "sample_labels.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["text", "label", "category", "rule"])
        w.writerows((r["text"], r["label"], r["category"], r["rule"]) for r in records)
    print(f"wrote {len(rows)} rows to {HERE / 'sample_posts.csv'}, labels to sample_labels.csv")


if __name__ == "__main__":
    main()
