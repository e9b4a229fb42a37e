"""Schemathesis hooks of the contract fuzzer (test/fuzz/harness.ts loads this file).

Two refusals of schema-valid requests are the contract's documented answers, not failures,
because the contract cannot say more about the data than a schema can:

- A pagination cursor is opaque: the contract can say what one looks like, not which ones a list
  issued, and it documents that any other is 400 `invalid_cursor`.
- An uploaded file's body has no schema (`{}`): any bytes are "valid" to Schemathesis, but the
  platform checks a file by its content, and documents that bytes which are not of the declared
  type (random bytes as `application/pdf`, say) are 415 `content_mismatch`.

So such a refusal is set aside. Nothing else is dropped: another 400 or 415 for schema-valid
data still fails the run.
"""

import json

import schemathesis

# The code of each documented refusal, by status.
SET_ASIDE = {400: "invalid_cursor", 415: "content_mismatch"}


def _code(response):
    try:
        return json.loads(response.content).get("code")
    except (ValueError, AttributeError):
        return None


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if failure.code != "ST202" or response.status_code not in SET_ASIDE:
        return True
    if response.status_code == 400 and not (isinstance(case.query, dict) and case.query.get("cursor")):
        return True
    return _code(response) != SET_ASIDE[response.status_code]
