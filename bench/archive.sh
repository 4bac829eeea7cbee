#!/usr/bin/env bash
# Archive benchmark: this docseal, an earlier one (BEFORE=path to its binary,
# optional, of the same archive layout) and bagit.py, on the same inputs in
# one run, ending with one table of every figure, its target and the ratios:
#  1. one `archive add` and one `archive proof` (process start included,
#     median of 5) on archives of SIZES entries, built from synthetic
#     entries through the archive's own append path (bench/archive_fill.rs;
#     BEFORE_FILL= the earlier one's, else BEFORE runs on this one's archives
#     after this one's adds — only when the catalog layout is the same);
#  2. ingest of N real bundles (`xargs -n 1000 archive add`), bundles/s;
#  3. `archive audit` of those N against bagit.py validating the same bags
#     (one Python process, bagit's API, so start-up is not what is measured);
#  4. p50/p95 of `archive search` (process start included, 100 runs) at
#     100,000 records (from the size table) and at N.
# REUSE=1 keeps the sealed bundles of an earlier run; WORK= where it all goes
# (a million entries take several GB: /tmp, say). Run it under `nice`;
# the load average is printed at each step (the machine is shared).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES-"1000 10000 100000 1000000"}
N=${N:-10000}
BEFORE=${BEFORE:-}
BEFORE_FILL=${BEFORE_FILL:-}
WORK=${WORK:-bench/work/archive}
mkdir -p "$WORK"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c "import bagit" 2>/dev/null || .venv/bin/pip install --quiet bagit
PY=.venv/bin/python
# DS= and FILL= name other builds of this docseal and of bench/archive_fill.rs.
if [ -z "${DS:-}" ]; then
  cargo build --release --quiet --bin docseal --bench archive_fill
  DS="$PWD/target/release/docseal"
  FILL=$(ls -t target/release/deps/archive_fill-* | grep -v '\.d$' | head -1)
fi
chmod 600 tests/data/keys/*.key.pem
export SOURCE_DATE_EPOCH=1772186400
RING=tests/data/keyring
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
result() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RESULTS"; } # NAME TARGET BEFORE AFTER
load() { cut -d' ' -f1-3 /proc/loadavg; }

seal_many() { # DIR PREFIX COUNT: distinct statements sealed by KZ, co-signed by RS
  local dir=$1 prefix=$2 count=$3
  mkdir -p "$dir/json"
  $PY - "$dir/json" "$prefix" "$count" <<'PY'
import json, sys
out, prefix, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = json.load(open("statements/kz-rs-2026-02-27.json"))
for i in range(n):
    base["id"] = f"{prefix}-{i:05d}"
    json.dump(base, open(f"{out}/{prefix}-{i:05d}.json", "w"), ensure_ascii=False)
PY
  # Sealed and co-signed under a temporary name, renamed when both worked:
  # a bundle in $dir is always co-signed. Two at a time; what fails (two
  # writers in one folder can collide under load) is retried one by one.
  local one="n=\$1; '$DS' seal '$dir/json/'\$n.json --key tests/data/keys/kz-test.key.pem --keyring $RING -o '$dir/'\$n.part.zip >/dev/null 2>&1 && '$DS' cosign --key tests/data/keys/rs-test.key.pem --keyring $RING '$dir/'\$n.part.zip >/dev/null 2>&1 && mv '$dir/'\$n.part.zip '$dir/'\$n.zip; rm -f '$dir/'\$n.part.zip"
  ls "$dir/json" | sed 's/\.json$//' | xargs -P 2 -n 1 sh -c "$one" sh || true
  for j in "$dir"/json/*.json; do
    n=$(basename "$j" .json)
    [ -f "$dir/$n.zip" ] || sh -c "$one" sh "$n"
  done
  rm -rf "$dir/json"
  local made; made=$(ls "$dir"/*.zip | wc -l)
  [ "$made" -eq "$count" ] || { echo "sealed $made of $count bundles in $dir" >&2; exit 1; }
}

median_ms() { # runs each argument line as a command, prints the median in ms
  $PY - "$@" <<'PY'
import shlex, subprocess, sys, time
times = []
for line in sys.argv[1:]:
    t = time.perf_counter()
    r = subprocess.run(shlex.split(line), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 0:
        sys.exit(f"failed: {line}: {r.stderr.decode()[-400:]}")
times.sort()
print(f"{times[len(times) // 2]:.1f}")
PY
}

latency() { # p50 and p95 in ms of 100 runs (each must exit 0)
  $PY - "$@" <<'PY'
import subprocess, sys, time
cmd = sys.argv[1:]
times = []
for _ in range(100):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
times.sort()
print(f"{times[49]:.1f} {times[94]:.1f}")
PY
}

add_and_proof() { # BINARY ARCHIVE: sets add_ms and proof_ms (5 adds of new probes, 5 proofs of the last)
  local bin=$1 archive=$2 adds=() proofs=() last i
  for i in 1 2 3 4 5; do adds+=("$bin archive add --archive $archive --keyring $RING ${probes[$p]}"); p=$((p+1)); done
  last=$(basename "${probes[$((p-1))]}" .zip)
  for i in 1 2 3 4 5; do proofs+=("$bin archive proof --archive $archive $last"); done
  add_ms=$(median_ms "${adds[@]}")
  proof_ms=$(median_ms "${proofs[@]}")
}

echo "== docseal archive benchmark, $(nproc) cores, load average $(load)"
[ -n "$BEFORE" ] && echo "before: $BEFORE${BEFORE_FILL:+ (archives by $BEFORE_FILL)}"

echo "== 1. one add and one proof by archive size (ms, process start included, median of 5)"
[ "${REUSE:-0}" = 1 ] && [ -d "$WORK/probe" ] || { rm -rf "$WORK/probe"; seal_many "$WORK/probe" probe 45; }
probes=($(ls "$WORK"/probe/*.zip))
printf "%-10s %11s %11s %13s %13s  %s\n" entries "add before" "add after" "proof before" "proof after" "load"
p=0
search_archive=
for size in $SIZES; do
  mode=full; [ "$size" -gt 100000 ] && mode=short
  after="$WORK/scale-$size"
  rm -rf "$after"
  "$FILL" "$after" "$size" "$mode" >/dev/null
  # The first add records the keyring (a trust entry); not timed.
  "$DS" archive add --archive "$after" --keyring $RING "${probes[$p]}" >/dev/null 2>&1; p=$((p+1))
  add_and_proof "$DS" "$after"; add_after=$add_ms proof_after=$proof_ms
  add_before=-; proof_before=-
  if [ -n "$BEFORE" ]; then
    before=$after
    if [ -n "$BEFORE_FILL" ]; then
      before="$WORK/scale-before-$size"
      rm -rf "$before"
      "$BEFORE_FILL" "$before" "$size" "$mode" >/dev/null
      "$BEFORE" archive add --archive "$before" --keyring $RING "${probes[$p]}" >/dev/null 2>&1; p=$((p+1))
    fi
    add_and_proof "$BEFORE" "$before"; add_before=$add_ms proof_before=$proof_ms
    [ "$before" = "$after" ] || { [ "$size" = 100000 ] && search_before="$before" || rm -rf "$before"; }
  fi
  printf "%-10s %11s %11s %13s %13s  %s\n" "$size" "$add_before" "$add_after" "$proof_before" "$proof_after" "$(load)"
  eval "add_before_$size=$add_before add_after_$size=$add_after proof_before_$size=$proof_before proof_after_$size=$proof_after"
  if [ "$size" = 100000 ]; then search_archive="$after"; elif [ "$size" -gt 100000 ]; then rm -rf "$after"; fi
done
ratio() { $PY -c "import sys; a, b = sys.argv[1:]; print('-' if '-' in (a, b) else f'{float(a) / float(b):.2f}')" "$1" "$2"; }
if [[ " $SIZES " == *" 1000 "* ]]; then
  for size in $SIZES; do
    [ "$size" = 1000 ] && continue
    for what in add proof; do
      for who in before after; do eval "v_$who=\$(ratio \${${what}_${who}_$size} \${${what}_${who}_1000})"; done
      result "$what at $size / at 1000" "<= 2 (at 1000000)" "${v_before}x" "${v_after}x"
    done
  done
  top=${SIZES##* }
  eval "result \"proof at $top (ms)\" \"<= 50 (at 1000000)\" \${proof_before_$top} \${proof_after_$top}"
fi

echo "== 2. ingest of $N real bundles (load average $(load))"
if [ "${REUSE:-0}" = 1 ] && [ "$(ls "$WORK/bundles" 2>/dev/null | wc -l)" -eq "$N" ]; then :; else
  rm -rf "$WORK/bundles"; echo "sealing $N bundles…"; seal_many "$WORK/bundles" stmt "$N"; fi
ingest() { # BINARY ARCHIVE: seconds; every bundle must be added
  rm -rf "$2"
  local t0 t1; t0=$(date +%s%N)
  ls "$WORK"/bundles/*.zip | xargs -n 1000 "$1" archive add --archive "$2" --keyring $RING >/dev/null 2>"$WORK/add.err" \
    || { echo "ingest by $1 failed: $(tail -3 "$WORK/add.err")" >&2; exit 1; }
  t1=$(date +%s%N)
  $PY -c "print(round(($t1-$t0)/1e9, 2))"
}
rate() { $PY -c "print(round($N / $1))"; }
after_s=$(ingest "$DS" "$WORK/ingest-after")
echo "after:  $N bundles in ${after_s} s = $(rate "$after_s") bundles/s (target >= 500; load average $(load))"
before_rate=-
if [ -n "$BEFORE" ]; then
  before_s=$(ingest "$BEFORE" "$WORK/ingest-before")
  before_rate=$(rate "$before_s")
  echo "before: $N bundles in ${before_s} s = $before_rate bundles/s (load average $(load))"
fi
result "ingest of $N bundles (bundles/s)" ">= 500" "$before_rate" "$(rate "$after_s")"

echo "== 3. audit of $N bundles against bagit.py (load average $(load))"
audit_s() { # BINARY ARCHIVE: seconds; the audit must pass and verify all N
  local t0 t1; t0=$(date +%s%N)
  "$1" archive audit --archive "$2" --format json >"$WORK/audit.json" \
    || { echo "the audit by $1 failed" >&2; exit 1; }
  t1=$(date +%s%N)
  $PY - "$WORK/audit.json" "$N" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))["report"]
if r["verified"] != int(sys.argv[2]):
    sys.exit(f"the audit verified {r['verified']} bundles, not {sys.argv[2]}")
PY
  $PY -c "print(round(($t1-$t0)/1e9, 2))"
}
audit_after=$(audit_s "$DS" "$WORK/ingest-after")
rm -rf "$WORK/bags"; mkdir -p "$WORK/bags"
for z in "$WORK"/bundles/*.zip; do unzip -q -o "$z" -d "$WORK/bags/$(basename "$z" .zip)"; done
bagit_s=$($PY - "$WORK/bags" <<'PY'
import bagit, glob, logging, os, sys, time
logging.disable(logging.CRITICAL)
bags = sorted(glob.glob(os.path.join(sys.argv[1], "*", "*")))
t = time.time()
for b in bags:
    bagit.Bag(b).validate()
print(f"{time.time() - t:.2f}")
PY
)
rm -rf "$WORK/bags"
xr() { $PY -c "print(round($1 / $2, 1))"; }
echo "after: ${audit_after} s   bagit.py validate: ${bagit_s} s   ratio $(xr "$bagit_s" "$audit_after")x (target >= 4; load average $(load))"
before_ratio=-
if [ -n "$BEFORE" ]; then
  audit_before=$(audit_s "$BEFORE" "$WORK/ingest-before")
  before_ratio="$(xr "$bagit_s" "$audit_before")x"
  echo "before: ${audit_before} s   ratio $before_ratio"
fi
result "audit of $N: bagit.py time / docseal time" ">= 4x" "$before_ratio" "$(xr "$bagit_s" "$audit_after")x"

echo "== 4. search latency, \"Trans-Caspian\", --limit 20 (ms, process start included, 100 runs; load average $(load))"
search() { # NAME TARGET BINARY ARCHIVE [BINARY ARCHIVE]
  local name=$1 target=$2 b=- a
  a=$(latency "$3" archive search --archive "$4" Trans-Caspian --limit 20); a=${a/ / \/ }
  if [ $# -gt 4 ]; then b=$(latency "$5" archive search --archive "$6" Trans-Caspian --limit 20); b=${b/ / \/ }; fi
  echo "$name: after p50/p95 $a, before $b"
  result "$name (p50 / p95 ms)" "$target" "$b" "$a"
}
if [ -n "$search_archive" ]; then
  if [ -n "$BEFORE" ]; then
    search "search at 100000 records" "p95 <= 20" "$DS" "$search_archive" "$BEFORE" "${search_before:-$search_archive}"
  else
    search "search at 100000 records" "p95 <= 20" "$DS" "$search_archive"
  fi
fi
if [ -n "$BEFORE" ]; then
  search "search at $N records" "-" "$DS" "$WORK/ingest-after" "$BEFORE" "$WORK/ingest-before"
else
  search "search at $N records" "-" "$DS" "$WORK/ingest-after"
fi

echo "== summary (load average $(load))"
$PY - "$RESULTS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head = ("measure", "target", "before", "after")
w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
for r in [head] + rows:
    print("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
PY
exit 0
