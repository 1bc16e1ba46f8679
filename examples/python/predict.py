#!/usr/bin/env python3
"""gitops-ml client in Python, standard library only (urllib, json).

Sends one text, then a batch, to POST /v1/predict and prints one line per text:

    model   <name>  <version>
    single  <label> <score> <text>
    batch   <label> <score> <text>

Environment:
    GITOPS_ML_URL              base URL (default http://localhost:8080)
    GITOPS_ML_API_KEY          API key, sent as "Authorization: Bearer <key>" (optional)
    GITOPS_ML_TIMEOUT_SECONDS  timeout of each attempt (default 10)

Arguments: the texts to classify (default: three sample sentences). The first one is
sent alone, then all of them as one batch.

429 and 503 are retried after the answer's Retry-After, a refused or reset connection
with exponential backoff, at most 5 attempts in all. A timeout is not retried: the
server may still be working on the request. Exit code 0 on success, 1 otherwise.
"""

import email.utils
import json
import os
import random
import socket
import sys
import time
import urllib.error
import urllib.request

SAMPLES = [
    "I did not like this movie at all.",
    "What a wonderful film.",
    "The plot was dull and far too long.",
]
MAX_ATTEMPTS = 5
MAX_WAIT_SECONDS = 60.0
# socket.timeout is TimeoutError from Python 3.10 on, a separate class before.
TIMEOUTS = (TimeoutError, socket.timeout)


class ApiError(Exception):
    pass


def retry_after_seconds(value, attempt):
    """Seconds to wait: the Retry-After header (delta-seconds or HTTP-date), else exponential backoff."""
    if value:
        value = value.strip()
        if value.isdigit():
            return min(float(value), MAX_WAIT_SECONDS)
        try:
            when = email.utils.parsedate_to_datetime(value)
            return min(max(when.timestamp() - time.time(), 0.0), MAX_WAIT_SECONDS)
        except (TypeError, ValueError):
            pass
    return backoff_seconds(attempt)


def backoff_seconds(attempt):
    # 0.5 s, 1 s, 2 s, ... with up to 20 % jitter so that clients do not retry in lockstep.
    return min(0.5 * 2 ** (attempt - 1), MAX_WAIT_SECONDS) * (1 + random.random() * 0.2)


def predict(base_url, api_key, timeout, body):
    data = json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if api_key:
        headers["Authorization"] = "Bearer " + api_key
    for attempt in range(1, MAX_ATTEMPTS + 1):
        request = urllib.request.Request(base_url + "/v1/predict", data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            status = err.code
            problem = err.read().decode("utf-8", "replace")
            if status in (429, 503) and attempt < MAX_ATTEMPTS:
                wait = retry_after_seconds(err.headers.get("Retry-After"), attempt)
                print(f"HTTP {status}, retrying in {wait:.1f} s (attempt {attempt} of {MAX_ATTEMPTS})", file=sys.stderr)
                time.sleep(wait)
                continue
            raise ApiError(f"HTTP {status}: {describe(problem)}") from None
        except TIMEOUTS:
            raise ApiError(f"timed out after {timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TIMEOUTS):
                raise ApiError(f"timed out after {timeout:g} s") from None
            if attempt < MAX_ATTEMPTS:
                wait = backoff_seconds(attempt)
                print(f"connection failed ({err.reason}), retrying in {wait:.1f} s", file=sys.stderr)
                time.sleep(wait)
                continue
            raise ApiError(f"cannot reach {base_url}: {err.reason}") from None
        except ConnectionError as err:
            if attempt < MAX_ATTEMPTS:
                wait = backoff_seconds(attempt)
                print(f"connection failed ({err}), retrying in {wait:.1f} s", file=sys.stderr)
                time.sleep(wait)
                continue
            raise ApiError(f"cannot reach {base_url}: {err}") from None
    raise ApiError("unreachable")  # the loop always returns or raises


def describe(problem_text):
    """The problem+json body's type and detail (RFC 9457), or the raw body."""
    try:
        problem = json.loads(problem_text)
        return f"{problem['type']}: {problem['detail']}"
    except (ValueError, KeyError, TypeError):
        return problem_text[:200]


def line(kind, prediction, text):
    return f"{kind}\t{prediction['label']}\t{prediction['score']:.4f}\t{text}"


def main(argv):
    base_url = os.environ.get("GITOPS_ML_URL", "http://localhost:8080").rstrip("/")
    api_key = os.environ.get("GITOPS_ML_API_KEY", "")
    try:
        timeout = float(os.environ.get("GITOPS_ML_TIMEOUT_SECONDS", "10"))
    except ValueError:
        print("error: GITOPS_ML_TIMEOUT_SECONDS must be a number", file=sys.stderr)
        return 1
    texts = argv or SAMPLES
    try:
        single = predict(base_url, api_key, timeout, {"text": texts[0]})
        print(f"model\t{single['model']['name']}\t{single['model']['version']}")
        print(line("single", single, texts[0]))
        batch = predict(base_url, api_key, timeout, {"texts": texts})
        for prediction, text in zip(batch["predictions"], texts):
            print(line("batch", prediction, text))
    except ApiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
