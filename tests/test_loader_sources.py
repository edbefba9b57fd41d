"""Sources cited by entries that fail validation are still in use (no "unused" warning)."""

from __future__ import annotations

from hypothesis import given, strategies as st

from conceptwiki.model.loader import raw_source_keys

_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                     st.text(max_size=12), st.dates())
_data = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.text(max_size=8), st.integers(), st.booleans(), st.none()),
                    inner, max_size=4)), max_leaves=20)


@given(_data)
def test_any_raw_data_is_handled(data) -> None:
    keys = raw_source_keys(data)
    assert isinstance(keys, set) and all(isinstance(k, str) and k for k in keys)


@given(st.dictionaries(st.sampled_from(["primary", "further", "other"]), _data, max_size=3))
def test_any_sources_mapping_is_handled(sources) -> None:
    raw_source_keys({"sources": sources})


def test_keys_under_primary_and_further() -> None:
    data = {"kind": "not-a-kind", "sources": {"primary": "a2020x ", "further": ["b2021y", 3, None, {"k": "c"}]}}
    assert raw_source_keys(data) == {"a2020x", "b2021y"}
    assert raw_source_keys({"sources": {"further": "d2022z"}}) == {"d2022z"}
    assert raw_source_keys({"sources": ["a2020x"]}) == set()
    assert raw_source_keys(["sources"]) == set()
    assert raw_source_keys({"sources": {"primary": ""}}) == set()
