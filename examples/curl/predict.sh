#!/usr/bin/env bash
# gitops-ml client with curl and bash only (no jq).
#
# Sends one text, then a batch, to POST /v1/predict and prints one line per text:
#
#   model   <name>  <version>
#   single  <label> <score> <text>
#   batch   <label> <score> <text>
#
# Environment: GITOPS_ML_URL (default http://localhost:8080), GITOPS_ML_API_KEY (sent as
# "Authorization: Bearer <key>" when set), GITOPS_ML_TIMEOUT_SECONDS (each attempt,
# default 10). Arguments: the texts (default: three sample sentences); the first is sent
# alone, then all of them as one batch.
#
# Retries are curl's own (--retry, curl 7.66 or newer): 408, 429, 500, 502, 503 and 504
# answers and timeouts are retried up to 4 times, waiting for the answer's Retry-After
# when it has one, else 1 s, 2 s, 4 s, ...; a refused connection is retried too
# (--retry-connrefused). Exit code 0 on success, 1 otherwise (the problem+json body
# of the last answer goes to stderr).
set -euo pipefail
export LC_ALL=C

url="${GITOPS_ML_URL:-http://localhost:8080}"
url="${url%/}"
timeout="${GITOPS_ML_TIMEOUT_SECONDS:-10}"

if [ "$#" -gt 0 ]; then
  texts=("$@")
else
  texts=("I did not like this movie at all." "What a wonderful film." "The plot was dull and far too long.")
fi

# A JSON string literal for $1 (backslash, quote and the common control characters escaped).
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}

# The key goes to curl through a config on stdin, not argv, so `ps` does not show it.
predict() {
  local body=$1 out status
  out=$(mktemp)
  status=0
  {
    printf 'header = "Content-Type: application/json"\n'
    printf 'header = "Accept: application/json"\n'
    if [ -n "${GITOPS_ML_API_KEY:-}" ]; then
      local key=${GITOPS_ML_API_KEY//\\/\\\\}
      key=${key//\"/\\\"}
      printf 'header = "Authorization: Bearer %s"\n' "$key"
    fi
  } | curl --silent --show-error --config - \
    --max-time "$timeout" --connect-timeout "$timeout" \
    --retry 4 --retry-connrefused --retry-max-time 120 \
    --output "$out" --write-out '%{http_code}' \
    --data-binary "$body" "$url/v1/predict" >"$out.status" || status=$?
  local code
  code=$(cat "$out.status" 2>/dev/null || echo 000)
  if [ "$status" -ne 0 ] || [ "$code" != 200 ]; then
    if [ "$status" -eq 28 ]; then
      echo "error: timed out after ${timeout} s" >&2
    elif [ "$code" = 000 ]; then
      echo "error: cannot reach $url (curl exit $status)" >&2
    else
      echo "error: HTTP $code: $(cat "$out")" >&2
    fi
    rm -f "$out" "$out.status"
    return 1
  fi
  cat "$out"
  rm -f "$out" "$out.status"
}

# The answers never echo the texts, so plain pattern matching on them is safe:
# every prediction object has exactly one "label" and one "score", in order.
print_predictions() {
  local kind=$1 json=$2
  shift 2
  local labels scores i=0
  mapfile -t labels < <(grep -o '"label":"[a-z]*"' <<<"$json" | cut -d'"' -f4)
  mapfile -t scores < <(grep -o '"score":[-+0-9.eE]*' <<<"$json" | cut -d: -f2)
  for text in "$@"; do
    printf '%s\t%s\t%.4f\t%s\n' "$kind" "${labels[$i]}" "${scores[$i]}" "$text"
    i=$((i + 1))
  done
}

single=$(predict "{\"text\":$(json_string "${texts[0]}")}") || exit 1
model=$(grep -o '"model":{[^}]*}' <<<"$single")
name=$(grep -o '"name":"[^"]*"' <<<"$model" | cut -d'"' -f4)
version=$(grep -o '"version":"[^"]*"' <<<"$model" | cut -d'"' -f4)
printf 'model\t%s\t%s\n' "$name" "$version"
print_predictions single "$single" "${texts[0]}"

items=""
for text in "${texts[@]}"; do
  items="${items:+$items,}$(json_string "$text")"
done
batch=$(predict "{\"texts\":[$items]}") || exit 1
print_predictions batch "$batch" "${texts[@]}"
