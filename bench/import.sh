#!/usr/bin/env bash
# Benchmark: `docseal import` of a 50 MB text (the real statements of
# tests/data/corpus and statements/, repeated) against jq splitting the same
# text into paragraph objects (`jq -R -s 'split("\n\n") | map({text: .})'`:
# reading the text and writing JSON blocks, the floor of any importer), in
# one run. Prints wall and CPU seconds and peak memory (GNU time, best of
# $RUNS runs by wall time) and the ratios. Target (issue 17): ≤ 3 s and
# ≤ 250 MB for docseal.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
MB=${MB:-50}
WORK=bench/work
mkdir -p "$WORK"
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
cargo build --release --quiet
DOCSEAL="$PWD/target/release/docseal"

TEXT="$WORK/import-$MB.txt"
python3 - "$TEXT" "$MB" <<'PY'
import glob, sys
out, mb = sys.argv[1], int(sys.argv[2])
texts = [open(f, encoding="utf-8").read() for f in ["statements/kz-rs-2026-02-27.txt"] + sorted(glob.glob("tests/data/corpus/*.txt"))]
one = "\n\n".join(texts)
chunks, size = [], 0
while size < mb * 1_000_000:
    chunks.append(one)
    size += len(one.encode()) + 2
open(out, "w", encoding="utf-8").write("\n\n".join(chunks))
PY
sync
echo "input: $(wc -c <"$TEXT") bytes, $(wc -l <"$TEXT") lines"

measure() { # name, command...: best wall, its user+sys, and the largest peak RSS (MB)
  local name=$1; shift
  local best="" cpu="" rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/time-$name" "$@" >/dev/null 2>"$WORK/err-$name" || true
    read -r wall user sys kb <"$WORK/time-$name"
    if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; cpu=$(awk "BEGIN{print $user+$sys}"); fi
    [ "$kb" -gt "$rss" ] && rss=$kb
  done
  echo "$best $cpu $((rss / 1024))"
}

read -r d_wall d_cpu d_rss < <(measure docseal "$DOCSEAL" import "$TEXT" --date 2026-02-27 --max-size 200000000 --format json)
read -r j_wall j_cpu j_rss < <(measure jq jq -R -s 'split("\n\n") | map({text: .})' "$TEXT")
blocks=$("$DOCSEAL" import "$TEXT" --date 2026-02-27 --max-size 200000000 --format json 2>/dev/null | jq '.body | length')
echo "docseal import: $blocks blocks"
printf '%-16s %8s %8s %8s\n' tool wall_s cpu_s peak_MB
printf '%-16s %8s %8s %8s\n' "docseal import" "$d_wall" "$d_cpu" "$d_rss"
printf '%-16s %8s %8s %8s\n' "jq split" "$j_wall" "$j_cpu" "$j_rss"
awk "BEGIN{printf \"ratio docseal/jq: wall %.2f, cpu %.2f, memory %.2f\n\", $d_wall/$j_wall, $d_cpu/$j_cpu, $d_rss/$j_rss}"
awk "BEGIN{exit !($d_wall <= 3 && $d_rss <= 250)}" && echo "target (<= 3 s, <= 250 MB): met" || echo "target (<= 3 s, <= 250 MB): NOT met"
