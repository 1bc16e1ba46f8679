#!/usr/bin/python3
"""The "peer" of ``npm run bench:service``: the same sentiment API as ours, the usual
Python way (FastAPI + uvicorn serving a scikit-learn model), for a throughput and
latency comparison on the same machine and load.

Trains the project's scikit-learn baseline (TF-IDF 1-2-grams, ``token_pattern=\\S+``,
min_df=2, sublinear tf, LogisticRegression C=16 liblinear; built by
bench/sklearn_baseline.py, so both stay the same model) on the SST-2 train split, then
serves:

- ``POST /v1/predict`` with a pydantic body ``{"text": str}`` (non-empty, at most 5000
  characters, like ours) -> ``{"label": "negative"|"positive", "score": P(positive)}``
- ``GET /readyz`` -> 200 ``{"status": "ready"}``

Training finishes before the socket opens, so the first 200 from /readyz means the
model is in. One uvicorn worker (one process, one event loop) by default; ``--workers
N`` runs uvicorn's multi-process mode (each worker trains its own copy at start), the
way a team would use every core, for comparison with our inference threads.

Kept honest: uvicorn runs with its fastest settings available here, the uvloop event
loop and the httptools parser (``--loop``/``--http`` to compare), access log off; the
versions are pinned (``PINNED`` below, Debian bookworm's packages; a mismatch refuses
to start, ``--versions`` prints them as JSON for the report); and every worker's
BLAS/OpenMP pools are one thread, since with N workers on N cores more threads per
worker only oversubscribe the cores (scoring one sparse row needs none).

Why the two-worker row once answered in 44 ms even at one connection: in multi-process
mode uvicorn 0.17 binds the listening socket itself with ``socket.socket(family)``,
whose ``proto`` is 0, and asyncio's ``_set_nodelay`` only sets TCP_NODELAY when
``proto == IPPROTO_TCP``. The accepted connections kept Nagle's algorithm, so the
response body (h11 writes headers and body separately) waited for the client's delayed
ACK, ~40 ms. uvloop sets TCP_NODELAY on every TCP connection, and the delay is gone
(measured: 22 req/s at one connection with asyncio + h11 and two workers, ~3,200 with
uvloop + httptools).

The predict endpoint is ``async def`` on purpose: scoring one text is CPU-bound and
short, and a plain ``def`` would make FastAPI hop to a thread pool for every request,
which under the GIL only adds overhead.

Usage: ``/usr/bin/python3 bench/peer_fastapi.py --train TSV --port N [--host H] [--workers N] [--loop L] [--http H]``
(defaults: ``$DATASETS_DIR/sst2/train.tsv``, ``$PORT``, ``$HOST`` else 127.0.0.1, the
variables the bench sets for every server). Progress goes to stderr.
Run with Debian's interpreter (python3-fastapi, uvicorn, python3-sklearn).
"""
import argparse
import json
import os
import sys
import time

# One BLAS/OpenMP thread per worker process; must be set before numpy is first imported
# (uvicorn's worker processes inherit the environment).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# Debian bookworm's packages (python3-fastapi python3-uvicorn python3-uvloop
# python3-httptools python3-sklearn): what the benchmark's peer numbers were measured with.
PINNED = {
    "fastapi": "0.92.0",
    "starlette": "0.26.1",
    "pydantic": "1.10.4",
    "uvicorn": "0.17.6",
    "uvloop": "0.17.0",
    "httptools": "0.1.1",
    "sklearn": "1.2.1",
    "numpy": "1.24.2",
    "scipy": "1.10.1",
}


def installed_versions():
    """Version of each pinned package as imported (None when it is missing)."""
    import importlib
    out = {}
    for name in PINNED:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            out[name] = None
            continue
        out[name] = getattr(mod, "__version__", None) or getattr(mod, "VERSION", None)
    return out

# Reuse the baseline's loader and model; no bench/__pycache__ left in the work tree.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sklearn_baseline import DEFAULT_C, DEFAULT_MIN_DF, InputError, build_pipeline, load_tsv  # noqa: E402

MAX_TEXT_LENGTH = 5000


def train(path):
    texts, labels = load_tsv(path)
    model = build_pipeline(DEFAULT_C, DEFAULT_MIN_DF)
    started = time.perf_counter()
    model.fit(texts, labels)
    print(f"[peer] trained on {len(texts)} rows in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return model


def build_app(model):
    from fastapi import FastAPI
    from pydantic import BaseModel, Field

    class PredictBody(BaseModel):
        text: str = Field(min_length=1, max_length=MAX_TEXT_LENGTH)

    # Column of P(positive): classes_ is sorted, but look it up rather than assume.
    positive = list(model.classes_).index(1)
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/readyz")
    async def readyz():
        return {"status": "ready"}

    @app.post("/v1/predict")
    async def predict(body: PredictBody):
        score = float(model.predict_proba([body.text])[0][positive])
        return {"label": "positive" if score >= 0.5 else "negative", "score": score}

    return app


def create_app():
    """uvicorn factory for --workers > 1: every worker process trains and serves."""
    return build_app(train(os.environ["PEER_TRAIN"]))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_train = os.path.join(os.environ["DATASETS_DIR"], "sst2", "train.tsv") if os.environ.get("DATASETS_DIR") else None
    parser.add_argument("--train", default=default_train, help="SST-2 train TSV (default $DATASETS_DIR/sst2/train.tsv)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "0")) or None, help="default $PORT")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="default $HOST, else 127.0.0.1")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    parser.add_argument("--loop", default="uvloop", choices=["uvloop", "asyncio"], help="uvicorn event loop (default uvloop)")
    parser.add_argument("--http", default="httptools", choices=["httptools", "h11"], help="uvicorn HTTP parser (default httptools)")
    parser.add_argument("--versions", action="store_true", help="print the pinned and installed versions as JSON and exit")
    args = parser.parse_args(argv)
    versions = installed_versions()
    if args.versions:
        print(json.dumps({"pinned": PINNED, "installed": versions, "python": sys.version.split()[0]}))
        return 0
    wrong = {k: v for k, v in versions.items() if v != PINNED[k]}
    if wrong:
        print(f"peer: versions differ from the pinned ones (pinned {PINNED}); got {wrong}: apt-get install python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-sklearn", file=sys.stderr)
        return 3
    if not args.train:
        parser.error("pass --train or set DATASETS_DIR")
    if not args.port:
        parser.error("pass --port or set PORT")
    try:
        import uvicorn
        if args.workers > 1:
            os.environ["PEER_TRAIN"] = args.train
            uvicorn.run("peer_fastapi:create_app", factory=True, app_dir=os.path.dirname(os.path.abspath(__file__)),
                        host=args.host, port=args.port, workers=args.workers, loop=args.loop, http=args.http,
                        access_log=False, log_level="warning")
            return 0
        model = train(args.train)
    except ImportError as e:
        print(f"peer: {e.name} not importable by {sys.executable}: apt-get install python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-sklearn", file=sys.stderr)
        return 3
    except InputError as e:
        print(f"peer: {e}", file=sys.stderr)
        return 2
    uvicorn.run(build_app(model), host=args.host, port=args.port, workers=1, loop=args.loop, http=args.http,
                access_log=False, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
