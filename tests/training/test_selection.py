"""Model selection, augmentation, the model card and the evaluation report."""

from dataclasses import replace
from pathlib import Path

import numpy as np

from nlp.features import PipelineParams
from nlp.model import Classifier
from training.corpus import prepare_corpus, vectorize
from training.data import Record
from training.progress import Progress
from training.report import build_report
from training.selection import compare_candidates


def test_corpus_adds_stripped_copies_only_of_marked_rows() -> None:
    texts = ["đường ngập sâu", "duong ngap sau roi", "rác bốc mùi"]
    corpus = prepare_corpus(
        texts, ["flooding", "flooding", "sanitation"], True, Progress(enabled=False)
    )
    assert corpus.stripped_source.tolist() == [0, 2]
    assert corpus.stripped_views[-1, 1] == "rac boc mui"
    params = PipelineParams(chars="stripped", char_min_df=1)
    augmented = vectorize(corpus, replace(params, augment_stripped=True), Progress(enabled=False))
    rows, labels = augmented.rows(np.array([1, 2]))
    assert labels.tolist() == ["flooding", "sanitation", "sanitation"]
    # The copy of row 2 comes last: its stripped view, hence its character columns, are
    # those of row 2 itself, and not those of row 1.
    columns = augmented.features.output_indices_["chars"]
    assert (rows[2, columns] != rows[1, columns]).nnz == 0
    assert (rows[2, columns] != rows[0, columns]).nnz > 0
    plain = vectorize(corpus, params, Progress(enabled=False))
    rows, labels = plain.rows(np.array([1, 2]))
    assert labels.tolist() == ["flooding", "sanitation"]
    assert rows.shape[0] == 2


def test_selection_ranks_candidates_by_cross_validated_macro_f1(
    small_records: list[Record],
) -> None:
    corpus = prepare_corpus(
        [r.text for r in small_records],
        [str(r.label) for r in small_records],
        True,
        Progress(enabled=False),
    )
    candidates = {
        "words only": PipelineParams(chars="none", augment_stripped=False),
        "words and chars": PipelineParams(word_ngram_max=1, chars="both"),
    }
    scores = compare_candidates(corpus, 3, 0, Progress(enabled=False), candidates)
    assert {score.name for score in scores} == set(candidates)
    assert scores[0].macro_f1 >= scores[1].macro_f1
    assert 0 < scores[1].macro_f1 <= 1
    assert set(scores[0].to_dict()) == {"name", "params", "macro_f1", "accuracy", "per_label_f1"}


def test_model_card_is_written_with_the_model(model_dir: Path) -> None:
    card = (model_dir / "README.md").read_text("utf-8")
    assert card.startswith(f"# Model {model_dir.name}")
    assert "## Cross-validation" in card
    assert "Review threshold" in card


def test_report_writes_markdown_pictures_and_baselines(
    classifier: Classifier, small_records: list[Record], tmp_path: Path
) -> None:
    result = build_report(classifier, small_records[::3], small_records, tmp_path, ["mem.csv"])
    report = result.path.read_text("utf-8")
    for section in ("## Headline", "baseline: keyword rules", "accent-stripped", "most confident"):
        assert section in report
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "reliability.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = result.metrics
    assert set(summary["baselines"]) == {"keyword_rules", "char_tfidf_raw"}
    assert 0 <= summary["model"]["ece"] <= 1
