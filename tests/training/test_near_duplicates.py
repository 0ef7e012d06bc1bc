"""Near-duplicate detection and the fixed train/test split."""

from training.data import Record
from training.near_duplicates import find_near_duplicates
from training.split import split_records


def _record(text: str, label: str = "other", line: int = 1, id: str | None = None) -> Record:
    return Record(text, label, None, id, "mem.csv", line)


BASE = "Đèn đường trong ngõ 45 phố Trần Cung bị hỏng từ tuần trước, buổi tối rất tối và nguy hiểm"


def test_near_duplicates_finds_a_copy_without_diacritics() -> None:
    copy = (
        "Den duong trong ngo 45 pho Tran Cung bi hong tu tuan truoc, buoi toi rat toi va nguy hiem"
    )
    pairs = find_near_duplicates([_record(BASE, line=1), _record(copy, line=2)])
    assert len(pairs) == 1
    assert pairs[0].similarity == 1.0
    assert (pairs[0].first.line, pairs[0].second.line) == (1, 2)


def test_near_duplicates_ignores_different_complaints() -> None:
    other = "Rác thải tập kết ở đầu ngõ 12 Kim Giang bốc mùi hôi thối suốt cả tuần nay"
    assert find_near_duplicates([_record(BASE), _record(other)]) == []


def test_near_duplicates_catches_a_one_word_change() -> None:
    changed = BASE.replace("nguy hiểm", "nguy hại")
    assert len(find_near_duplicates([_record(BASE), _record(changed)])) == 1


def test_split_is_stratified_stable_and_disjoint() -> None:
    records = [
        _record(f"phản ánh số {i} về {label}", label=label, id=f"{label}-{i}")
        for label in ("traffic", "flooding", "sanitation", "food_safety", "urban_order", "other")
        for i in range(50)
    ]
    train, test = split_records(records, 0.2)
    assert len(test) == 60
    assert {r.label for r in test} == {r.label for r in records}
    assert all(sum(r.label == label for r in test) == 10 for label in {r.label for r in test})
    assert not {r.id for r in train} & {r.id for r in test}
    assert split_records(list(reversed(records)), 0.2)[1] == list(reversed(test))
