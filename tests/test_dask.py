"""validate_many over a Dask Series: the same verdicts as pandas, computed on a LocalCluster of two processes.

The cluster listens on 127.0.0.1 only, has no dashboard, and is closed by the fixture; the
batch is small (bounded in time).  ``dask`` stays optional: ``import phi_lab`` never loads it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pandas as pd
import pytest

import phi_lab as pl
from phi_lab.equations.verdict import RESULT_COLUMNS
from phi_lab.errors import InputError

dd = pytest.importorskip("dask.dataframe", reason="the dask extra is not installed")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")

EQUATIONS = ["E = m*c^2", "F = m + a", "x^2 = x + 1", "sin(x)^2 + cos(x)^2 = 1", "x +* 2", "exp(x) = 0"] * 10


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.mark.slow
def test_a_dask_column_gives_the_pandas_verdicts(client: object) -> None:
    frame = pd.DataFrame({"equation": EQUATIONS}, index=pd.RangeIndex(100, 100 + len(EQUATIONS)))
    lazy = pl.validate_many(dd.from_pandas(frame, npartitions=4)["equation"], mode="auto")
    assert isinstance(lazy, dd.DataFrame) and list(lazy.columns) == list(RESULT_COLUMNS)
    computed = lazy.compute()
    local = pl.validate_many(frame["equation"], mode="auto")
    assert list(computed.index) == list(frame.index)
    for column in RESULT_COLUMNS:
        if column == "processing_time_ms":
            continue
        mine = computed[column].astype(object).where(computed[column].notna(), None)  # Dask's strings: NaN for None
        theirs = local[column].astype(object).where(local[column].notna(), None)
        assert [_plain(value) for value in mine] == [_plain(value) for value in theirs], column
    workers = client.run(lambda: "phi_lab.validation" in sys.modules)  # type: ignore[attr-defined]
    assert len(workers) == 2  # both workers imported phi_lab to validate their partitions
    assert sum(workers.values()) >= 1


def _plain(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def test_a_whole_dask_frame_is_refused_with_a_clear_message() -> None:
    frame = dd.from_pandas(pd.DataFrame({"equation": EQUATIONS[:4]}), npartitions=1)
    with pytest.raises(InputError, match="a Dask Series of equations"):
        pl.validate_many(frame)


def test_dask_is_not_loaded_by_the_package() -> None:
    code = "import sys, phi_lab; phi_lab.validate_many(['x = x']); print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "False"
