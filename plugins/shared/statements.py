"""Queries compiled once per process and shape, run with each request's values.

Building and compiling a Django queryset can cost more than running it: profiled in-process (cProfile, PostgreSQL,
1,000 pages), a cold API list spent about two thirds of its time in the ORM's `filter()`/`annotate()` and SQL
compilation of its three queries (visibility rule, locale fallback, prepared rows), not in the database. So such
a query is still built by the one function that defines it (the visibility rule stays in one place), but only
once per shape: with stand-in values (unique numbers and strings) where each request's values go; the compiled
SQL is kept, and each run puts the request's values where the stand-ins were in the parameters.

What the builder reads besides its stand-ins (the clock, the database) is frozen into the compiled SQL: the
caller puts it in the key (a day, a clock bucket) or does not use a statement for that shape.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet

MAX_STATEMENTS = 512  # shapes kept per process (keys with dates or list lengths vary)
# Stand-in numbers: negative, far from any id or count, yet inside a 32-bit integer column's range (Django
# compiles a comparison with a value outside it as an empty result, without the parameter).
FIRST_NUMBER = -2_100_000_007


class StandIns:
    """The stand-in values a statement is compiled with, each naming the request's value that replaces it."""

    def __init__(self):
        self.names: dict[Any, Any] = {}

    def number(self, name: Any) -> int:
        value = FIRST_NUMBER - len(self.names)
        self.names[value] = name
        return value

    def text(self, name: Any) -> str:
        value = f"\x1fstand-in-{len(self.names)}\x1f"
        self.names[value] = name
        return value

    def numbers(self, name: str, count: int) -> list[int]:
        """`count` stand-ins for the request's sequence `name`, item by item."""
        return [self.number((name, index)) for index in range(count)]


class Statement:
    def __init__(self, sql: str, params: Sequence[Any], slots: list[Any]):
        self.sql = sql
        self.params = list(params)
        self.slots = slots  # per parameter: the request's value's name, or NOT_A_SLOT (kept as compiled)

    def bind(self, values: Mapping[str, Any]) -> list[Any]:
        bound = list(self.params)
        for index, slot in self.slots:
            if isinstance(slot, tuple):
                name, position = slot
                bound[index] = values[name][position]
            else:
                bound[index] = values[slot]
        return bound


STATEMENTS: dict[tuple, Statement] = {}


def compile_statement(build: Callable[[StandIns], QuerySet]) -> Statement:
    stand_ins = StandIns()
    queryset = build(stand_ins)
    sql, params = queryset.query.sql_with_params()
    slots = []
    seen = set()
    for index, param in enumerate(params):
        try:
            name = stand_ins.names.get(param)
        except TypeError:  # an unhashable parameter (a list): not a stand-in
            continue
        if name is not None and type(param) in (int, str):
            slots.append((index, name))
            seen.add(param)
    lost = set(stand_ins.names) - seen
    if lost:  # inlined into the SQL or transformed (LIKE patterns): it cannot be replaced
        raise ValueError(f"stand-ins not passed as parameters: {sorted(stand_ins.names[v] for v in lost)!r}")
    return Statement(sql, params, slots)


def run(key: tuple, build: Callable[[StandIns], QuerySet], values: Mapping[str, Any],
        limit: tuple[int, int] | None = None) -> list[tuple]:
    """The rows of the query `build` makes (a `values_list` queryset, not sliced), with `values` (by the
    stand-ins' names) in place of its stand-ins, and with `limit`: (at most so many rows, from this offset);
    compiled the first time `key` is run in this process."""
    statement = STATEMENTS.get(key)
    if statement is None:
        statement = compile_statement(build)
        if len(STATEMENTS) >= MAX_STATEMENTS:
            STATEMENTS.clear()
        STATEMENTS[key] = statement
    sql, params = statement.sql, statement.bind(values)
    if limit is not None:
        sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, *limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
