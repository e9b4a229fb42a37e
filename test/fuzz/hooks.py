"""Schemathesis hooks of the contract fuzzer (test/fuzz/harness.ts loads this file).

A pagination cursor is opaque: the contract can say what one looks like, not which ones a list
issued, and it documents that any other is 400 `invalid_cursor`. So a schema-valid request the
API refuses for a cursor it never issued is the documented answer, not a failure. Nothing else
is dropped: another 400 for schema-valid data still fails the run.
"""

import json

import schemathesis


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST202" or response.status_code != 400:
        return True
    if not isinstance(case.query, dict) or not case.query.get("cursor"):
        return True
    try:
        code = json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        return True
    return code != "invalid_cursor"
