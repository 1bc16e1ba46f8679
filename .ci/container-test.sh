#!/usr/bin/env bash
# Builds the real image from the Dockerfile, runs it and brings up docker-compose.yml,
# without a Docker engine: Debian's podman (runc) builds the Dockerfile unchanged from a
# local stand-in of its base image, and Debian's docker-compose drives podman through its
# Docker-compatible socket. Checks, each time-boxed:
#   1. podman build (the smoke-preset artifact baked in);
#   2. podman run --read-only --cap-drop ALL: /readyz turns 200, a prediction answers,
#      the server process runs as a non-root uid, the image's HEALTHCHECK passes, a
#      mounted artifact replaces the baked one, SIGTERM ends it with exit code 0;
#   3. docker-compose up: the service gets ready and Prometheus scrapes it (target up,
#      gitops_ml_model_info present, the alert rules loaded and not firing), then
#      docker-compose stop: both containers exit 0.
#
# Base images cannot be pulled here: the first run makes docker.io/library/node:24-bookworm-slim
# (mmdebstrap bookworm minbase + this machine's node and npm, user node uid 1000) and
# docker.io/prom/prometheus:v2.42.0 (the same rootfs + Debian's prometheus binary) under
# the names the Dockerfile and docker-compose.yml use. Where those images exist (pulled,
# or from an earlier run) they are used as they are. Containers use --network host
# (no CNI bridge). Re-runs reuse the rootfs, the images and the build cache.
#
# Needs root and: podman buildah runc uidmap fuse-overlayfs containernetworking-plugins
# golang-github-containers-common mmdebstrap docker-compose prometheus curl (Debian), and
# DATASETS_DIR for training the smoke artifact when model/artifacts/sentiment/0.0.1 is missing.
#
# Environment: CONTAINER_TEST_WORKDIR (cache and scratch, default /var/tmp/gitops-ml-container-test),
# CONTAINER_TEST_MODEL_VERSION (default 0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

WORK=${CONTAINER_TEST_WORKDIR:-/var/tmp/gitops-ml-container-test}
MODEL_NAME=sentiment
MODEL_VERSION=${CONTAINER_TEST_MODEL_VERSION:-0.0.1}
IMAGE=localhost/gitops-ml:container-test
CTR=gitops-ml-container-test
CTR_MOUNT=gitops-ml-container-test-mount
PROJECT=gitops-ml-container-test
SERVICE_PORT=8080 # docker-compose.yml's container port, which deploy/prometheus/prometheus.yml scrapes
BUILD_TIMEOUT=1500
READY_TIMEOUT=90
SCRAPE_TIMEOUT=120

# Base image names, read from the files that use them so the two cannot drift apart.
NODE_IMAGE=$(sed -n 's/^ARG NODE_IMAGE=\(.*\)$/\1/p' Dockerfile)
PROM_IMAGE=$(sed -n 's/^ *image: *\(prom\/prometheus:[^ ]*\)$/\1/p' docker-compose.yml)
[ -n "$NODE_IMAGE" ] || { echo "Dockerfile: no ARG NODE_IMAGE=…" >&2; exit 1; }
[ -n "$PROM_IMAGE" ] || { echo "docker-compose.yml: no prom/prometheus image" >&2; exit 1; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
START_MS=$(now_ms)
STEP_NAME=
STEP_MS=0
TIMINGS=()
secs() { printf '%d.%01d' $(($1 / 1000)) $((($1 % 1000) / 100)); }
log() { printf '[container-test %6ss] %s\n' "$(secs $(($(now_ms) - START_MS)))" "$*"; }
step_end() {
  if [ -n "$STEP_NAME" ]; then
    local took=$(($(now_ms) - STEP_MS))
    TIMINGS+=("$(printf '%-64s %7ss' "$STEP_NAME" "$(secs "$took")")")
    log "done: $STEP_NAME ($(secs "$took") s)"
  fi
  STEP_NAME=
}
step() {
  step_end
  STEP_NAME=$1
  STEP_MS=$(now_ms)
  log "== $1"
}
fail() {
  log "FAILED: $*"
  exit 1
}

# ---- preflight -------------------------------------------------------------------------
# Rootful podman and mmdebstrap need root. A runner user with passwordless sudo (GitHub's
# hosted runners) re-runs this script under sudo; anyone else is told why it cannot run.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    log "not root: re-running under sudo (rootful podman and mmdebstrap need root)"
    exec sudo -n -E env "PATH=$PATH" bash "$0" "$@"
  fi
  fail "needs root or passwordless sudo: rootful podman builds the image and mmdebstrap makes the base image stand-in (set CONTAINER_TEST=0 to skip it in .ci/run)"
fi
for cmd in podman mmdebstrap docker-compose curl node prometheus; do
  command -v "$cmd" >/dev/null 2>&1 || fail "$cmd not found: install the packages listed at the top of $0"
done
mkdir -p "$WORK"
rm -rf "$WORK"/run.* # scratch of an earlier run that was killed (one run at a time: the container names are fixed)
SCRATCH=$(mktemp -d "$WORK/run.XXXXXX")

# Podman settings for this host, without touching /etc: runc (crun fails on this host's
# cgroups), cgroupfs, file events, ulimits the host allows.
cat >"$WORK/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=1024:1024"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat >"$WORK/storage.conf" <<'EOF'
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
EOF
export CONTAINERS_CONF="$WORK/containers.conf" CONTAINERS_STORAGE_CONF="$WORK/storage.conf"

SOCKET="$SCRATCH/podman.sock"
PODMAN_SERVICE_PID=
COMPOSE_UP=0
# docker-compose on the effective file (see the compose step); `compose_config` makes it.
compose() {
  DOCKER_HOST="unix://$SOCKET" COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0 \
    timeout 300 docker-compose --ansi never -p "$PROJECT" -f "$SCRATCH/compose.effective.yml" "$@"
}
compose_config() {
  GITOPS_ML_IMAGE="$IMAGE" timeout 60 docker-compose --ansi never -p "$PROJECT" \
    -f docker-compose.yml -f "$SCRATCH/compose.host-network.yml" config
}

remove_leftovers() {
  podman rm --force --ignore --time 5 "$CTR" "$CTR_MOUNT" >/dev/null 2>&1 || true
  local ids
  ids=$(podman ps --all --quiet --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null || true)
  if [ -n "$ids" ]; then
    # shellcheck disable=SC2086 # one id per word
    podman rm --force --time 5 $ids >/dev/null 2>&1 || true
  fi
  podman volume rm --force "${PROJECT}_prometheus-data" >/dev/null 2>&1 || true
}

cleanup() {
  local rc=$?
  step_end
  set +e
  if [ "$rc" -ne 0 ]; then
    if [ -s "$SCRATCH/podman-service.log" ]; then
      log "last lines of the podman API service log:"
      tail -15 "$SCRATCH/podman-service.log" | sed 's/^/    /'
    fi
    for c in "$CTR" "$CTR_MOUNT" "${PROJECT}_gitops-ml_1" "${PROJECT}_prometheus_1"; do
      if podman container exists "$c" 2>/dev/null; then
        log "last log lines of $c:"
        podman logs --tail 25 "$c" 2>&1 | sed 's/^/    /'
      fi
    done
  fi
  if [ "$COMPOSE_UP" -eq 1 ] && [ -S "$SOCKET" ]; then
    compose down --volumes --timeout 5 >/dev/null 2>&1
  fi
  remove_leftovers
  if [ -n "$PODMAN_SERVICE_PID" ]; then
    kill "$PODMAN_SERVICE_PID" 2>/dev/null
    wait "$PODMAN_SERVICE_PID" 2>/dev/null
  fi
  rm -rf "$SCRATCH"
  if [ "$rc" -eq 0 ]; then
    log "step timings:"
    printf '    %s\n' "${TIMINGS[@]}"
    log "container test passed in $(secs $(($(now_ms) - START_MS))) s"
  else
    log "container test FAILED (exit $rc) after $(secs $(($(now_ms) - START_MS))) s"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"
}
port_is_free() {
  node -e "require('node:net').createServer().once('error', () => process.exit(1)).listen($1, '0.0.0.0', function () { this.close(); })"
}
# Polls until the command succeeds; fails after $2 seconds.
wait_for() {
  local what=$1 timeout=$2
  shift 2
  local deadline=$(($(now_ms) + timeout * 1000))
  until "$@" >/dev/null 2>&1; do
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${timeout} s waiting for $what"
    sleep 0.5
  done
}
running() { [ "$(podman inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" = true ]; }
wait_ready() {
  local name=$1 url=$2
  local deadline=$(($(now_ms) + READY_TIMEOUT * 1000))
  until curl -fsS --max-time 2 "$url/readyz" >/dev/null 2>&1; do
    running "$name" || fail "$name stopped before it was ready"
    [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after ${READY_TIMEOUT} s waiting for $url/readyz"
    sleep 0.25
  done
}
predict() {
  curl -fsS --max-time 10 -X POST "$1/v1/predict" -H 'content-type: application/json' \
    -d '{"text": "I did not like this movie at all."}'
}
# Checks a JSON answer with node: $1 = JSON text, $2 = JS expression over `j` that must be true.
json_check() {
  node -e "const j = JSON.parse(process.argv[1]); if (!($2)) { console.error('unexpected answer: ' + process.argv[1]); process.exit(1); }" "$1"
}
# Sends SIGTERM (podman stop) and checks the container exits by itself with code 0.
stop_cleanly() {
  local name=$1 t0 took code
  t0=$(now_ms)
  # (podman also reports that it cannot remove a systemd healthcheck timer: there is no systemd here.)
  timeout 60 podman stop --time 30 "$name" >/dev/null 2>"$SCRATCH/stop.err" || { cat "$SCRATCH/stop.err"; fail "podman stop $name failed"; }
  took=$(($(now_ms) - t0))
  code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  log "$name: SIGTERM → exit code $code after $(secs "$took") s"
  [ "$code" = 0 ] || fail "$name exited with $code on SIGTERM (expected 0)"
}

remove_leftovers

# ---- the artifact to bake ----------------------------------------------------------------
step "smoke artifact $MODEL_NAME/$MODEL_VERSION"
ARTIFACT="model/artifacts/$MODEL_NAME/$MODEL_VERSION"
if [ -f "$ARTIFACT/manifest.json" ]; then
  log "using the existing $ARTIFACT"
else
  [ -n "${DATASETS_DIR:-}" ] || fail "$ARTIFACT is missing and DATASETS_DIR is not set (needed to train it)"
  node scripts/bootstrap.mjs
  node bin/gitops-ml.js train --spec "model/specs/$MODEL_NAME.json" --preset smoke --out model/artifacts --version "$MODEL_VERSION" >"$SCRATCH/train.log" 2>&1 ||
    { tail -20 "$SCRATCH/train.log"; fail "training the smoke artifact failed"; }
  log "trained $ARTIFACT"
fi

# ---- stand-in base images ----------------------------------------------------------------
step "base images ($NODE_IMAGE, $PROM_IMAGE)"
ROOTFS_IMAGE=localhost/gitops-ml-stand-in/debian:bookworm
ensure_rootfs_image() {
  podman image exists "$ROOTFS_IMAGE" && return 0
  local tarball="$WORK/debian-bookworm-minbase.tar"
  if [ ! -s "$tarball" ]; then
    log "mmdebstrap: Debian bookworm minbase rootfs (once; cached in $WORK)"
    rm -rf "$tarball.partial"
    timeout 900 mmdebstrap --quiet --format=tar --variant=minbase --include=ca-certificates bookworm "$tarball.partial"
    mv "$tarball.partial" "$tarball"
  fi
  timeout 300 podman import --quiet "$tarball" "$ROOTFS_IMAGE" >/dev/null
}
NODE_VERSION=$(node --version)
if podman image exists "docker.io/library/$NODE_IMAGE" &&
  [ "$(podman image inspect --format '{{index .Labels "gitops-ml.stand-in.node"}}' "docker.io/library/$NODE_IMAGE")" != "$NODE_VERSION" ] &&
  [ -n "$(podman image inspect --format '{{index .Labels "gitops-ml.stand-in.node"}}' "docker.io/library/$NODE_IMAGE")" ]; then
  log "the stand-in $NODE_IMAGE holds another node version: rebuilding it"
  podman rmi --force "docker.io/library/$NODE_IMAGE" >/dev/null
fi
if podman image exists "docker.io/library/$NODE_IMAGE"; then
  log "$NODE_IMAGE present"
else
  ensure_rootfs_image
  ctx="$SCRATCH/node-image"
  mkdir -p "$ctx/ca"
  node_bin=$(command -v node)
  npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
  cp "$(readlink -f "$node_bin")" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  # This machine reaches the npm registry through a TLS-inspecting egress proxy whose CA
  # is in the host's trust store: the stand-in trusts what the host trusts.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/"
  fi
  cat >"$ctx/Containerfile" <<EOF
FROM $ROOTFS_IMAGE
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
LABEL org.opencontainers.image.description="local stand-in for $NODE_IMAGE" gitops-ml.stand-in.node="$NODE_VERSION"
CMD ["node"]
EOF
  timeout 600 podman build --quiet --pull=never --network none --format docker -t "docker.io/library/$NODE_IMAGE" "$ctx" >/dev/null
  log "built the stand-in $NODE_IMAGE (node $NODE_VERSION)"
fi
if podman image exists "docker.io/$PROM_IMAGE"; then
  log "$PROM_IMAGE present"
else
  ensure_rootfs_image
  ctx="$SCRATCH/prometheus-image"
  mkdir -p "$ctx"
  cp "$(readlink -f "$(command -v prometheus)")" "$ctx/prometheus"
  # The official image's layout: /bin/prometheus, user nobody, data in /prometheus.
  cat >"$ctx/Containerfile" <<EOF
FROM $ROOTFS_IMAGE
COPY prometheus /bin/prometheus
RUN mkdir -p /etc/prometheus /prometheus && chown nobody:nogroup /prometheus
LABEL org.opencontainers.image.description="local stand-in for $PROM_IMAGE ($(prometheus --version 2>&1 | sed -n 1p))"
USER nobody
WORKDIR /prometheus
EXPOSE 9090
VOLUME ["/prometheus"]
ENTRYPOINT ["/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
EOF
  timeout 600 podman build --quiet --pull=never --network none --format docker -t "docker.io/$PROM_IMAGE" "$ctx" >/dev/null
  log "built the stand-in $PROM_IMAGE"
fi

# ---- build -------------------------------------------------------------------------------
step "podman build (Dockerfile, MODEL_VERSION=$MODEL_VERSION)"
build_started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sleep 1 # so that images of this build are newer than the prune cut-off below
# --format docker keeps HEALTHCHECK (the OCI format has no field for it).
timeout "$BUILD_TIMEOUT" podman build --pull=never --network host --format docker \
  --build-arg "MODEL_NAME=$MODEL_NAME" --build-arg "MODEL_VERSION=$MODEL_VERSION" \
  -t "$IMAGE" . >"$SCRATCH/build.log" 2>&1 ||
  { tail -40 "$SCRATCH/build.log"; fail "podman build failed"; }
grep -E '^baking ' "$SCRATCH/build.log" | sed 's/^/    /' || true
# Keep one generation of build cache: untagged images older than this build (earlier
# runs' stages and images) go, this build's stay for the next run.
podman image prune --force --filter "until=$build_started" >/dev/null 2>&1 || true
log "image $IMAGE: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1 / 1e6}'), user $(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE" | grep '/healthz' >/dev/null || fail "the image has no HEALTHCHECK on /healthz"

# ---- run ---------------------------------------------------------------------------------
step "podman run: ready, predict, non-root, healthcheck"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
timeout 120 podman run --detach --name "$CTR" --network host --read-only --cap-drop ALL \
  --security-opt no-new-privileges --health-interval disable \
  -e "PORT=$PORT" -e HOST=127.0.0.1 "$IMAGE" >/dev/null 2>"$SCRATCH/run.err" ||
  { cat "$SCRATCH/run.err"; fail "podman run failed"; }
t0=$(now_ms)
wait_ready "$CTR" "$URL"
log "/readyz 200 after $(secs $(($(now_ms) - t0))) s: $(curl -fsS "$URL/readyz")"
answer=$(predict "$URL")
log "POST /v1/predict → $answer"
json_check "$answer" "(j.label === 'negative' || j.label === 'positive') && j.score >= 0 && j.score <= 1 && j.model.version === '$MODEL_VERSION'"
pid=$(podman inspect --format '{{.State.Pid}}' "$CTR")
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
log "server process: host pid $pid, $(cat "/proc/$pid/comm"), pid 1 in the container: $(podman top "$CTR" pid comm | awk 'NR == 2 {print $1, $2}'), uids (real effective saved fs) $uids"
for u in $uids; do [ "$u" != 0 ] || fail "the server process runs as root (uids $uids)"; done
[ "$(podman top "$CTR" pid | awk 'NR == 2 {print $1}')" = 1 ] || fail "the server is not PID 1 in its container (signals would not reach it)"
timeout 30 podman healthcheck run "$CTR" >/dev/null 2>&1 || fail "the image's HEALTHCHECK failed"
log "HEALTHCHECK: healthy"
[ "$(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$CTR")" = true ] || fail "the container's root file system is not read-only"
log "served with a read-only root file system, no capabilities, no-new-privileges"

step "podman run: SIGTERM exits 0"
stop_cleanly "$CTR"
podman logs "$CTR" 2>&1 | grep 'shutting down' >/dev/null || fail "no shutdown log line: the server did not handle SIGTERM"

step "podman run: mounted artifact (MODEL_DIR)"
PORT=$(free_port)
URL="http://127.0.0.1:$PORT"
timeout 120 podman run --detach --name "$CTR_MOUNT" --network host --read-only --cap-drop ALL \
  --security-opt no-new-privileges --health-interval disable \
  -v "$ROOT/$ARTIFACT:/mnt/models/$MODEL_VERSION:ro" -e "MODEL_DIR=/mnt/models/$MODEL_VERSION" \
  -e "PORT=$PORT" -e HOST=127.0.0.1 "$IMAGE" >/dev/null 2>"$SCRATCH/run.err" ||
  { cat "$SCRATCH/run.err"; fail "podman run (mounted artifact) failed"; }
wait_ready "$CTR_MOUNT" "$URL"
json_check "$(predict "$URL")" "j.model.version === '$MODEL_VERSION'"
# The log names the folder it loaded: the baked one is "model" (/app/model).
podman logs "$CTR_MOUNT" 2>&1 | grep '"model loaded"' | grep "\"dir\":\"$MODEL_VERSION\"" >/dev/null ||
  fail "the service did not load the mounted artifact"
log "served the artifact mounted read-only at /mnt/models/$MODEL_VERSION (MODEL_DIR)"
stop_cleanly "$CTR_MOUNT"

# ---- docker-compose ----------------------------------------------------------------------
step "docker-compose up (podman socket)"
port_is_free "$SERVICE_PORT" || fail "port $SERVICE_PORT is in use: docker-compose.yml's service listens there (host network here)"
PROM_PORT=$(free_port)
PROM_URL="http://127.0.0.1:$PROM_PORT"
# This host cannot route to the CNI bridge's addresses: run both services on the host
# network; the service name Prometheus scrapes (gitops-ml:8080) resolves to loopback.
# docker-compose merges docker-compose.yml with this override (`config`); then the
# published ports are dropped, since a host-network container publishes none (and
# docker-compose refuses both together).
cat >"$SCRATCH/compose.host-network.yml" <<EOF
services:
  gitops-ml:
    network_mode: host
    environment:
      HOST: 127.0.0.1
      PORT: "$SERVICE_PORT"
  prometheus:
    network_mode: host
    extra_hosts:
      - "gitops-ml:127.0.0.1"
    command:
      - --config.file=/etc/prometheus/prometheus.yml
      - --storage.tsdb.path=/prometheus
      - --web.listen-address=127.0.0.1:$PROM_PORT
EOF
podman system service --time 0 "unix://$SOCKET" >"$SCRATCH/podman-service.log" 2>&1 &
PODMAN_SERVICE_PID=$!
wait_for "podman's API socket" 30 curl -fsS --unix-socket "$SOCKET" http://d/_ping
compose_config >"$SCRATCH/compose.merged.yml" 2>"$SCRATCH/compose.err" ||
  { cat "$SCRATCH/compose.err"; fail "docker-compose config rejected docker-compose.yml"; }
node --input-type=module -e "
  import { readFileSync, writeFileSync } from 'node:fs';
  import YAML from 'yaml';
  const doc = YAML.parse(readFileSync(process.argv[1], 'utf8'));
  for (const svc of Object.values(doc.services)) if (svc.network_mode === 'host') delete svc.ports;
  writeFileSync(process.argv[2], YAML.stringify(doc));
" "$SCRATCH/compose.merged.yml" "$SCRATCH/compose.effective.yml"
COMPOSE_UP=1
compose up --detach --no-build >"$SCRATCH/compose.log" 2>&1 || { cat "$SCRATCH/compose.log"; fail "docker-compose up failed"; }
sed 's/^/    /' "$SCRATCH/compose.log"
SVC_CTR="${PROJECT}_gitops-ml_1"
PROM_CTR="${PROJECT}_prometheus_1"
wait_ready "$SVC_CTR" "http://127.0.0.1:$SERVICE_PORT"
answer=$(predict "http://127.0.0.1:$SERVICE_PORT")
json_check "$answer" "j.model.version === '$MODEL_VERSION'"
log "service ready, POST /v1/predict → $answer"
timeout 30 podman healthcheck run "$SVC_CTR" >/dev/null 2>&1 || fail "docker-compose.yml's healthcheck failed"
log "docker-compose.yml healthcheck (/readyz): healthy"

step "Prometheus scrapes the service"
target_up() {
  curl -fsS --max-time 2 "$PROM_URL/api/v1/targets" |
    node -e "let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => { const t = JSON.parse(s).data.activeTargets.find((x) => x.labels.job === 'gitops-ml'); process.exit(t && t.health === 'up' ? 0 : 1); })"
}
wait_for "Prometheus to scrape gitops-ml:$SERVICE_PORT (target up)" "$SCRAPE_TIMEOUT" target_up
targets=$(curl -fsS "$PROM_URL/api/v1/targets")
json_check "$targets" "j.data.activeTargets.some((t) => t.labels.job === 'gitops-ml' && t.scrapeUrl === 'http://gitops-ml:$SERVICE_PORT/metrics' && t.health === 'up')"
log "target http://gitops-ml:$SERVICE_PORT/metrics is up"
info=$(curl -fsS "$PROM_URL/api/v1/query" --data-urlencode 'query=gitops_ml_model_info{job="gitops-ml"}')
json_check "$info" "j.data.result.length === 1 && j.data.result[0].metric.version === '$MODEL_VERSION'"
log "query gitops_ml_model_info → $(node -e "const r = JSON.parse(process.argv[1]).data.result[0]; console.log(JSON.stringify(r.metric), r.value[1])" "$info")"
rules=$(curl -fsS "$PROM_URL/api/v1/rules?type=alert")
json_check "$rules" "['GitopsMlHighErrorRate', 'GitopsMlHighP99Latency', 'GitopsMlModelNotReady'].every((n) => j.data.groups.some((g) => g.rules.some((r) => r.name === n && r.health !== 'err')))"
log "alert rules loaded: $(node -e "console.log(JSON.parse(process.argv[1]).data.groups.flatMap((g) => g.rules.map((r) => r.name + '=' + r.state)).join(', '))" "$rules")"
json_check "$rules" "j.data.groups.every((g) => g.rules.every((r) => r.state !== 'firing'))"

step "docker-compose stop: SIGTERM exits 0"
compose stop --timeout 30 >/dev/null 2>&1 || fail "docker-compose stop failed"
for c in "$SVC_CTR" "$PROM_CTR"; do
  code=$(podman inspect --format '{{.State.ExitCode}}' "$c")
  log "$c: exit code $code"
  [ "$code" = 0 ] || fail "$c exited with $code on SIGTERM (expected 0)"
done
compose down --volumes --timeout 5 >/dev/null 2>&1 || fail "docker-compose down failed"
COMPOSE_UP=0
