"""The converter runs as a Dask bag job on a local cluster of two worker processes."""

from __future__ import annotations

import json

import pytest

dask_bag = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

ARTICLES = [
    {"id": "a1", "text": "Ruritania's foreign minister visited Moscow on Monday, officials said."},
    {"id": "a2", "text": ""},
    {"id": "a3", "text": "Protesters gathered in Paris on Sunday to denounce the new pension law."},
]


def test_a_bag_of_jsonl_lines_converts_on_two_workers_and_keeps_bad_records_as_errors() -> None:
    from converter.distributed import convert_bag

    lines = [json.dumps(a) for a in ARTICLES] + ["{not json"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster):
            bag = dask_bag.from_sequence(lines, npartitions=2)
            out = [json.loads(line) for line in convert_bag(bag).compute()]
    assert [o.get("article", {}).get("id") for o in out[:1]] == ["a1"]
    assert out[2]["article"]["id"] == "a3"
    assert "empty text" in out[1]["error"] and out[1]["id"] == "a2"
    assert "not JSON" in out[3]["error"]
    assert all(o["schema_version"] == "1.0.0" for o in (out[0], out[2]))
