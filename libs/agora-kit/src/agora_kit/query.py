"""Bounded types for query parameters.

An integer larger than the column it is compared with reaches the database driver,
which refuses it with an error the client sees as a 500. Every integer query parameter
uses one of these, so it is refused as a 422 naming the parameter instead;
tests/contract walks each service's OpenAPI document to keep it so.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# PostgreSQL's bigint, which is also Elasticsearch's long.
BIGINT_MIN = -(2**63)
BIGINT_MAX = 2**63 - 1

# Counts, amounts in minor units, positions: zero up to the largest bigint.
QueryInt = Annotated[int, Field(ge=0, le=BIGINT_MAX)]
