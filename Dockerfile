# syntax=docker/dockerfile:1
#
# The gitops-ml inference service (service/server.ts) with one model artifact baked in
# at MODEL_DIR=/app/model: one image per model version.
#
#   docker build -t gitops-ml:sentiment-0.1.0 .                                   # the newest artifact under model/artifacts/
#   docker build --build-arg MODEL_NAME=sentiment --build-arg MODEL_VERSION=0.1.0 .   # exactly that one
#   docker build --build-arg MODEL_ARTIFACT=model/artifacts/reviews/1.2.0 .          # an artifact directory in the context
#   docker run --rm -p 8080:8080 --read-only --cap-drop ALL gitops-ml:sentiment-0.1.0
#
# Serve a mounted artifact instead of the baked one (its manifest is verified at load;
# SIGHUP reloads it):
#   docker run --rm -p 8080:8080 -v "$PWD/model/artifacts/sentiment/0.2.0:/app/model:ro" gitops-ml:sentiment-0.1.0
#
# The runtime stage writes nothing to its file system (run it with --read-only), runs as
# uid 10001, the same uid as deploy/k8s (numeric, so Kubernetes' runAsNonRoot can check
# it; it needs no passwd entry: the files are world-readable and owned by root) and
# handles SIGTERM itself: no new connections, in-flight requests finish, exit 0.

# The official image. Pin it harder (a patch tag or an @sha256 digest) with --build-arg NODE_IMAGE=….
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: compile the TypeScript, pick the artifact, keep only production dependencies ----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Every dependency: TypeScript is a dev dependency. @tensorflow/tfjs-node is optional: its
# install script downloads libtensorflow, and where that cannot happen npm skips it and
# the service runs on the wasm backend.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY service/ ./service/
COPY actions/ ./actions/
COPY model/ ./model/
# The CLI's rehearse and site commands are compiled with it (they run on a developer's
# machine or a runner, not in the image).
COPY rehearsal/ ./rehearsal/
COPY site/ ./site/
RUN npx tsc -p tsconfig.build.json \
 && npm prune --omit=dev --no-audit --no-fund
# The artifact to bake: MODEL_ARTIFACT (a directory in the build context: the deploy passes
# the exact artifact the PR evaluated), else MODEL_NAME's MODEL_VERSION, else its newest
# version (semver, as the service picks it).
ARG MODEL_ARTIFACT=
ARG MODEL_NAME=sentiment
ARG MODEL_VERSION=
RUN set -eu; \
    dir="model/artifacts/${MODEL_NAME}/${MODEL_VERSION}"; \
    if [ -n "${MODEL_ARTIFACT}" ]; then \
      dir="${MODEL_ARTIFACT}"; \
    elif [ -z "${MODEL_VERSION}" ]; then \
      dir="$(node --input-type=module -e 'const { newestArtifactDir } = await import("./dist/model/artifact/artifact.js"); console.log(newestArtifactDir("model/artifacts", process.argv[1]) ?? "")' "${MODEL_NAME}")"; \
    fi; \
    if [ -z "${dir}" ] || [ ! -f "${dir}/manifest.json" ]; then \
      echo "no model artifact at ${MODEL_ARTIFACT:-model/artifacts/${MODEL_NAME}/${MODEL_VERSION:-<newest>}}: train one first (npm run pipeline)" >&2; \
      exit 1; \
    fi; \
    echo "baking ${dir}"; \
    cp -R "${dir}" /baked-model

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="gitops-ml" \
      org.opencontainers.image.description="gitops-ml inference service with its model baked in" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    MODEL_DIR=/app/model
WORKDIR /app
# Owned by root and read-only for the service's user: code and model cannot change at run time.
COPY package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /baked-model ./model
USER 10001:10001
EXPOSE 8080
# The slim image has no curl: Node's fetch asks /healthz (liveness; /readyz gates traffic).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
# node itself is PID 1 (no shell in between), so SIGTERM reaches the server's handler.
ENTRYPOINT ["node"]
CMD ["dist/service/server.js"]
