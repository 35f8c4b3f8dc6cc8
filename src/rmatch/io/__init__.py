"""Stage 4, data in and out: rosters, column maps, cell values, safe writing.

Reads CSV, JSON, JSON Lines and Excel rosters into participants
(:mod:`~rmatch.io.sheets`, :mod:`~rmatch.io.read`, :mod:`~rmatch.io.columns`,
:mod:`~rmatch.io.values`), joins sign-up forms with HR records
(:mod:`~rmatch.io.join`), reads a matching made elsewhere (:mod:`~rmatch.io.small_tables`),
writes tables and files atomically (:mod:`~rmatch.io.files`), and loads
programme documents. Imports :mod:`rmatch.program`, :mod:`rmatch.model` and
:mod:`rmatch.errors`.

Examples
--------
>>> import io
>>> from rmatch.io import read_participants
>>> [p.id for p in read_participants(io.StringIO(chr(10).join(["id,role", "j1,junior"])))]
['j1']
"""

from rmatch.io.documents import json_error
from rmatch.io.join import enrich
from rmatch.io.sides import read_sides
from rmatch.io.small_tables import read_matching, read_ratings, read_table
from rmatch.io.survey import TableSurvey, survey_table
from rmatch.io.tables import (
    COLUMNS,
    from_frame,
    load_program,
    merge_sides,
    read_participants,
    split_roles,
    suggest_columns,
    suggest_values,
    to_frame,
    write_participants,
)

__all__ = [
    "COLUMNS",
    "TableSurvey",
    "enrich",
    "from_frame",
    "json_error",
    "load_program",
    "merge_sides",
    "read_matching",
    "read_participants",
    "read_ratings",
    "read_sides",
    "read_table",
    "split_roles",
    "suggest_columns",
    "suggest_values",
    "survey_table",
    "to_frame",
    "write_participants",
]
