"""audit-labels finds a deliberately flipped label."""

from __future__ import annotations

from pathlib import Path

from screening import paths
from screening.data.dataset import load_labelled
from screening.lexicon.candidates import CandidateLexicon
from screening.model.audit import audit_labels
from tests.helpers import run_cli


def test_flipped_labels_rank_at_the_top(small_train_csv: Path) -> None:
    df = load_labelled(small_train_csv).reset_index(drop=True)
    explicit = df[(df["label"] == 1) & df["text"].str.contains("coblos|pilih", case=False)].index[
        :3
    ]
    flipped = df.loc[explicit, "id"].tolist()
    df.loc[explicit, "label"] = 0
    df.loc[explicit, "category"] = ""
    ranked = audit_labels(df, CandidateLexicon.from_yaml(paths.TRAIN_LEXICON), folds=5)
    assert len(ranked) == len(df) and ranked["disagreement"].is_monotonic_decreasing
    top = ranked["id"].head(25).tolist()
    assert sum(i in top for i in flipped) >= 2, ranked.head(10)[["id", "label", "oof_score"]]


def test_the_verb_says_what_it_is_doing_and_prints_the_top(small_train_csv: Path) -> None:
    r = run_cli("audit-labels", str(small_train_csv), "--folds", "3", "--top", "2")
    assert r.returncode == 0, r.stderr
    # not a terminal here: the step is one plain line on stderr (a spinner at a terminal)
    assert r.stderr == "... cross-validating 500 posts (3 folds: 3 models fitted)\n"
    assert r.stdout.count("oof_score=") == 2
