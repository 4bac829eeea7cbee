#!/usr/bin/env bash
# Benchmark: `docseal validate` against jsonschema-cli, boon, ajv-cli (with
# ajv-formats) and check-jsonschema on the same 1,000 statement-like files
# (about 1 in 10 invalid), same schema, format assertions on, in one run.
# Prints wall times (best of $RUNS) and the ratios. Installs the peers into
# bench/work/ on first use (crates.io, PyPI, npm).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
N=${N:-1000}
WORK=bench/work
mkdir -p "$WORK"
export PATH="$PWD/$WORK/peers/bin:$PWD/$WORK/venv/bin:$PWD/$WORK/npm/node_modules/.bin:$PATH"

command -v jsonschema-cli >/dev/null || cargo install --quiet --root "$WORK/peers" jsonschema-cli
command -v boon >/dev/null || cargo install --quiet --root "$WORK/peers" boon-cli
[ -x "$WORK/venv/bin/check-jsonschema" ] || { python3 -m venv "$WORK/venv"; "$WORK/venv/bin/pip" install --quiet check-jsonschema; }
[ -x "$WORK/npm/node_modules/.bin/ajv" ] || { mkdir -p "$WORK/npm"; (cd "$WORK/npm" && npm install --silent ajv-cli ajv-formats); }
cargo build --release --quiet
DOCSEAL="$PWD/target/release/docseal"

DATA="$WORK/validate-data"
rm -rf "$DATA"; mkdir -p "$DATA"
python3 - "$DATA" "$N" <<'PY'
import json, sys, copy
out, n = sys.argv[1], int(sys.argv[2])
base = json.load(open("statements/kz-rs-2026-02-27.json"))
for i in range(n):
    d = copy.deepcopy(base)
    d["id"] = f"doc-{i:05d}"
    d["body"] = d["body"][: 5 + i % 18]
    if i % 10 == 3:
        d["occasion"]["start"] = "2026-02-30"          # format error
    if i % 10 == 7:
        del d["parties"][1]["role"]                    # required
        d["body"][2]["kind"] = "para"                  # enum
    json.dump(d, open(f"{out}/doc-{i:05d}.json", "w"), ensure_ascii=False, indent=2)
PY
SCHEMA=schemas/joint-statement.schema.json
FILES=("$DATA"/*.json)

best() { # best wall time in seconds of "$@" over RUNS runs (exit codes 0/1 expected)
  local best="" t0 t1
  for _ in $(seq "$RUNS"); do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    best=$(python3 -c "import sys; a=($t1-$t0)/1e9; b='$best'; print(a if not b else min(a, float(b)))")
  done
  echo "$best"
}

expected=$(( (N + 6) / 10 + (N + 2) / 10 ))
got=$({ "$DOCSEAL" validate --format json --schema "$SCHEMA" "$DATA" || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["invalid"])')
echo "invalid documents: docseal found $got (generated $expected)"

declare -A T
T[docseal]=$(best "$DOCSEAL" validate --schema "$SCHEMA" "$DATA")
T[jsonschema-cli]=$(best jsonschema-cli validate --assert-format --offline "$SCHEMA" -i "${FILES[@]}")
T[boon]=$(best boon --assert-format "$SCHEMA" "${FILES[@]}")
T[ajv-cli]=$(best ajv validate --spec=draft2020 -c ajv-formats --strict=false -s "$SCHEMA" -d "$DATA/*.json")
T[check-jsonschema]=$(best check-jsonschema --schemafile "$SCHEMA" "${FILES[@]}")

printf '\n%-18s %10s %12s\n' tool seconds "× docseal"
for tool in docseal jsonschema-cli boon ajv-cli check-jsonschema; do
  printf '%-18s %10.3f %12.1f\n' "$tool" "${T[$tool]}" "$(python3 -c "print(${T[$tool]} / ${T[docseal]})")"
done
