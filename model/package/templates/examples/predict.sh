#!/usr/bin/env bash
# Calls the inference service's REST API with curl: one text, then a batch. Prints each
# JSON answer on its own line.
#
#   GITOPS_ML_URL=http://localhost:8080 GITOPS_ML_API_KEY=... ./examples/predict.sh ["a text to score"]
#
# GITOPS_ML_URL defaults to http://localhost:8080. GITOPS_ML_API_KEY is needed only when
# the service has API keys configured (API_KEY_SHA256 / API_KEYS_FILE); it is sent as
# "Authorization: Bearer <key>" through curl's config on stdin, so `ps` does not show it.
# GITOPS_ML_TIMEOUT_SECONDS bounds each request (default 10). Errors come back as
# application/problem+json (RFC 9457) with a stable "type": the script prints the body
# and exits non-zero. 429 and 503 are retried after their Retry-After (curl --retry).
set -euo pipefail

url="${GITOPS_ML_URL:-http://localhost:8080}"
url="${url%/}"
timeout="${GITOPS_ML_TIMEOUT_SECONDS:-10}"
text="${1:-A gorgeous, heartfelt film with terrific performances. I loved every minute of it.}"

# A JSON string literal: backslashes, double quotes and the common control characters escaped.
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  printf '"%s"' "$s"
}

post() {
  {
    printf 'header = "Content-Type: application/json"\n'
    if [ -n "${GITOPS_ML_API_KEY:-}" ]; then
      local key=${GITOPS_ML_API_KEY//\\/\\\\}
      key=${key//\"/\\\"}
      printf 'header = "Authorization: Bearer %s"\n' "$key"
    fi
  } | curl --silent --show-error --fail-with-body --config - \
    --max-time "$timeout" --retry 3 --retry-max-time 60 \
    -X POST "${url}/v1/predict" --data-binary "$1"
  echo
}

# One text → {"label":"positive","score":0.97,"model":{"name":"…","version":"…"}}
post "{\"text\": $(json_string "$text")}"

# A batch (up to the service's MAX_BATCH_SIZE texts, in order) → {"predictions":[{"label","score"},…],"model":{…}}
post '{"texts": ["The plot was predictable and the acting was wooden.", "Not bad at all, actually one of the better thrillers this year."]}'
