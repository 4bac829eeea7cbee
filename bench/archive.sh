#!/usr/bin/env bash
# Archive benchmark: ingest N small sealed bundles (default 10,000), report
# bundles/s for `archive add`, `archive audit` time against bagit.py
# validating the same bags (one Python process, bagit's API, so process
# start-up is not what is measured), and p50/p95 latency of
# `archive search` and `archive list --party` at N entries.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}
WORK=bench/work/archive
# REUSE=1 keeps the bundles of an earlier run (sealing 10,000 takes minutes).
if [ "${REUSE:-0}" = 1 ] && [ "$(ls "$WORK/bundles" 2>/dev/null | wc -l)" -ge "$N" ]; then
  rm -rf "$WORK/archive" "$WORK/bags"; mkdir -p "$WORK/bags"; skip_seal=1
else
  rm -rf "$WORK"; mkdir -p "$WORK/json" "$WORK/bundles" "$WORK/bags"; skip_seal=0
fi
export PATH="$PWD/bench/work/venv/bin:$PATH"
[ -x bench/work/venv/bin/bagit.py ] || { python3 -m venv bench/work/venv; bench/work/venv/bin/pip install --quiet bagit; }
cargo build --release --quiet
DS="$PWD/target/release/docseal"
chmod 600 keys/demo/*.key.pem
export SOURCE_DATE_EPOCH=1772186400

if [ "$skip_seal" = 0 ]; then
echo "sealing $N bundles…"
python3 - "$WORK/json" "$N" <<'PY'
import json, sys
out, n = sys.argv[1], int(sys.argv[2])
base = json.load(open("statements/kz-rs-2026-02-27.json"))
for i in range(n):
    base["id"] = f"stmt-{i:05d}"
    json.dump(base, open(f"{out}/stmt-{i:05d}.json", "w"), ensure_ascii=False)
PY
ls "$WORK/json" | xargs -P 2 -I{} sh -c "'$DS' seal '$WORK/json/{}' --key keys/demo/kz-demo.key.pem -o '$WORK/bundles/{}.zip' >/dev/null 2>&1"
fi
echo "$(ls "$WORK/bundles" | wc -l) bundles"

ms() { date +%s%N; }
t0=$(ms)
ls "$WORK"/bundles/*.zip | xargs -n 1000 "$DS" archive add --archive "$WORK/archive" >/dev/null 2>"$WORK/add.err"
t1=$(ms)
add_s=$(python3 -c "print(($t1-$t0)/1e9)")
echo "add:    $N bundles in ${add_s} s = $(python3 -c "print(round($N/$add_s))") bundles/s (target >= 200)"

t0=$(ms); "$DS" archive audit --archive "$WORK/archive" >/dev/null; t1=$(ms)
audit_s=$(python3 -c "print(($t1-$t0)/1e9)")
for z in "$WORK"/bundles/*.zip; do unzip -q -o "$z" -d "$WORK/bags/$(basename "$z" .zip)"; done
bagit_s=$(python3 - "$WORK/bags" <<'PY'
import bagit, glob, logging, os, sys, time
logging.disable(logging.CRITICAL)
bags = sorted(glob.glob(os.path.join(sys.argv[1], "*", "*")))
t = time.time()
for b in bags:
    bagit.Bag(b).validate()
print(f"{time.time() - t:.2f}")
PY
)
echo "audit:  ${audit_s} s   bagit.py validate: ${bagit_s} s   ratio $(python3 -c "print(round($bagit_s/$audit_s, 1))")x (target >= 3)"

latency() { # p50 and p95 in ms of 100 runs
  python3 - "$@" <<'PY'
import subprocess, sys, time
cmd = sys.argv[1:]
times = []
for _ in range(100):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); times.append((time.perf_counter() - t) * 1000)
times.sort()
print(f"p50 {times[49]:.1f} ms, p95 {times[94]:.1f} ms")
PY
}
echo "search \"Trans-Caspian\": $(latency "$DS" archive search --archive "$WORK/archive" Trans-Caspian --limit 20)  (target p95 <= 20 ms)"
echo "list --party KZ:        $(latency "$DS" archive list --archive "$WORK/archive" --party KZ)"
