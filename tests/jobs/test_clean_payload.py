"""What any database can store: the cleaning of a result, and a webhook body read clean."""

import json
import math

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from studio.jobs.lifecycle import clean_payload, load_result

# Text with the characters that need cleaning among ordinary ones.
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from('ab \x00\ud800\udfff\U0001f3b5é\\"u0{}[]NaInfity'), st.characters()
    ),
    max_size=12,
)
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


def same(a, b) -> bool:
    """Equal, with NaN equal to itself."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@hypothesis_settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans())
def test_a_body_reads_as_the_cleaning_leaves_it(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    try:
        text.encode("utf-8")  # a webhook body is UTF-8: it never holds a lone surrogate
    except UnicodeEncodeError:
        return
    assert same(load_result(text), clean_payload(json.loads(text)))


def test_what_a_database_cannot_store_is_cleaned():
    for text, clean in (
        ('["a\\u0000b"]', ["ab"]),
        ('{"k": "\\ud800"}', {"k": "?"}),
        ("[Infinity, -Infinity, NaN, 1e999, 2.5]", [None, None, None, None, 2.5]),
    ):
        assert load_result(text) == clean_payload(json.loads(text)) == clean, text
    # Nesting past the limit is cut off: 65 lists, then None.
    deep = load_result("[" * 70 + "]" * 70)
    for _ in range(65):
        deep = deep[0]
    assert deep is None
