#!/usr/bin/env bash
# Installs the Debian packages the benchmarks and CI checks call as external
# binaries (baselines, load testing, shell linting). Idempotent: packages that are
# already installed are skipped, and the package index is refreshed only when
# something actually has to be installed, so a warm runner pays nothing.
#
# Usage: .ci/install-system-deps.sh [extra-package ...]
set -euo pipefail

PACKAGES=(
  fasttext          # baseline: fastText bigram classifier
  python3-sklearn   # baseline: TF-IDF + logistic regression (bench/sklearn_baseline.py)
  python3-numpy
  python3-scipy
  prometheus        # promtool, to check deploy/ rules
  wrk               # HTTP load generator for the service benchmark
  python3-fastapi   # the FastAPI peer in npm run bench:service
  uvicorn
  shellcheck        # lints .ci/ scripts and the curl example
  curl              # the curl client example, the container test
  podman            # container test: builds and runs the Dockerfile without a Docker engine
  buildah
  runc              # crun fails on this host's cgroups
  uidmap
  fuse-overlayfs
  containernetworking-plugins
  golang-github-containers-common
  mmdebstrap        # local stand-in of the node:24-bookworm-slim base image
  docker-compose    # brings up docker-compose.yml through podman's socket
  golang-go         # builds and runs the Go client example
  openjdk-17-jdk-headless  # compiles and runs the Java client example
  chromium          # headless browser: the rehearsal report test (Mermaid charts, sanitising)
  fonts-liberation  # text metrics for the report's Mermaid charts and its screenshot
  fonts-noto-color-emoji  # the emoji in bot comments, in the report's screenshot
)
PACKAGES+=("$@")

export DEBIAN_FRONTEND=noninteractive

is_installed() {
  # dpkg -s succeeds for packages that were removed but left config files behind,
  # so check the status field rather than the exit code.
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if is_installed "$pkg"; then
    echo "already installed: $pkg"
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "all system dependencies present"
  exit 0
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null 2>&1; then
    echo "error: need root (or sudo) to install: ${missing[*]}" >&2
    exit 1
  fi
  SUDO=(sudo -E)
fi

echo "installing: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
