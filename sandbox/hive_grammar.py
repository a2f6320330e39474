"""Parses Hive DDL statements with sqlglot's athena dialect (the DDL half of Athena is Hive).

Reads a JSON list of statements on stdin and prints a JSON list with, for each, null when it
parsed or the parse error. A statement sqlglot can only keep as an opaque Command (its fallback
for syntax it does not know) counts as an error, as does one that parses into several.
"""
import json
import sys
import warnings

import sqlglot
from sqlglot import exp

warnings.filterwarnings("ignore")
import logging

logging.getLogger("sqlglot").setLevel(logging.ERROR)


def check(sql):
    try:
        trees = [t for t in sqlglot.parse(sql, read="athena", error_level=sqlglot.ErrorLevel.RAISE) if t is not None]
    except Exception as error:  # noqa: BLE001 - any parse failure is the answer
        return str(error).splitlines()[0]
    if len(trees) != 1:
        return f"parsed into {len(trees)} statements"
    if isinstance(trees[0], exp.Command):
        return "not understood by the grammar (sqlglot fell back to an opaque command)"
    return None


print(json.dumps([check(s) for s in json.load(sys.stdin)]))
