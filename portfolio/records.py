"""The rows of a table as named tuples, read column by column.

:meth:`pandas.DataFrame.itertuples` reads a column of an extension type (the
``str`` and ``Int64`` columns of the allocation's tables) one boxed element at a
time; :func:`records` takes each column as a list once, which for 100.000 rows
is several times faster, and gives the same values.
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["records"]


def records(frame: pd.DataFrame) -> Iterator[Any]:
    """The rows of ``frame`` (index left out) as named tuples, like ``itertuples(index=False)``.

    Examples
    --------
    >>> import pandas as pd
    >>> row = next(records(pd.DataFrame({"id": ["A1"], "demand": [18000.0]})))
    >>> row.id, row.demand
    ('A1', 18000.0)
    """
    row = collections.namedtuple("Row", [str(c) for c in frame.columns], rename=True)  # type: ignore[misc]
    columns = [frame.iloc[:, k].tolist() for k in range(frame.shape[1])]
    return map(row._make, zip(*columns, strict=True))
