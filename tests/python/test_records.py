from hypothesis import given
from hypothesis import strategies as st

from tradekernel.records import Record, of_kind, parse_record, parse_records


def test_parses_kind_and_fields():
    r = parse_record("@tk mmap index=3 base=0x100000 length=0xd3000 type=kernel\r")
    assert r == Record(
        "mmap", {"index": "3", "base": "0x100000", "length": "0xd3000", "type": "kernel"}
    )
    assert r.int("base") == 0x100000
    assert r.int("index") == 3


def test_text_lines_are_not_records():
    assert parse_record("[    0.03] boot: loader bios") is None
    assert parse_record("@tk") is None
    assert parse_record("@tkx kind a=b") is None


def test_filters_by_kind():
    records = parse_records(["@tk test name=a result=pass", "text", "@tk mmap index=0"])
    assert [r["name"] for r in of_kind(records, "test")] == ["a"]


words = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="="),
    min_size=1,
    max_size=12,
)


@given(kind=words, fields=st.dictionaries(words, words, max_size=8))
def test_round_trip(kind, fields):
    line = "@tk " + " ".join([kind, *(f"{k}={v}" for k, v in fields.items())])
    assert parse_record(line) == Record(kind, fields)
