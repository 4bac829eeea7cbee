#!/usr/bin/env bash
# Benchmark: `docseal validate` against jsonschema-cli, boon, ajv-cli (with
# ajv-formats) and check-jsonschema on the same 1,000 statement-like files
# (about 1 in 10 invalid), same schema, format assertions on, in one run.
# Prints wall times (best and mean of $RUNS runs, by hyperfine) and the
# ratios. Installs the peers (and hyperfine) into bench/work/ on first use
# (crates.io, PyPI, npm).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
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
# Written back before timing: a flush during the first tool's runs would
# count against it.
sync
SCHEMA=schemas/joint-statement.schema.json
FILES=("$DATA"/*.json)

# Timing by hyperfine: no shell, warm-up runs, and nothing but the command
# in the timed window (timing with `date` before and after would add the
# start of a `date` process to every run, a large share of a 30 ms one).
command -v hyperfine >/dev/null || cargo install --quiet --locked --root "$WORK/peers" hyperfine
time_of() { # name, command...: "min mean" wall seconds over RUNS runs (exit codes ignored)
  local name=$1; shift
  hyperfine --shell=none --ignore-failure --warmup 3 --runs "$RUNS" --style none \
    --export-json "$WORK/time-$name.json" -n "$name" "$*" >/dev/null 2>&1
  python3 -c "import json; r = json.load(open('$WORK/time-$name.json'))['results'][0]; print(min(r['times']), r['mean'])"
}

expected=$(( (N + 6) / 10 + (N + 2) / 10 ))
got=$({ "$DOCSEAL" validate --format json --schema "$SCHEMA" "$DATA" || true; } | python3 -c 'import json,sys; print(json.load(sys.stdin)["summary"]["invalid"])')
echo "invalid documents: docseal found $got (generated $expected)"

declare -A T
T[docseal]=$(time_of docseal "$DOCSEAL" validate --schema "$SCHEMA" "$DATA")
T[jsonschema-cli]=$(time_of jsonschema-cli jsonschema-cli validate --assert-format --offline "$SCHEMA" -i "${FILES[@]}")
T[boon]=$(time_of boon boon --assert-format "$SCHEMA" "${FILES[@]}")
T[ajv-cli]=$(time_of ajv-cli ajv validate --spec=draft2020 -c ajv-formats --strict=false -s "$SCHEMA" -d "$DATA/*.json")
T[check-jsonschema]=$(time_of check-jsonschema check-jsonschema --schemafile "$SCHEMA" "${FILES[@]}")

printf '\n%-18s %10s %10s %14s %14s\n' tool "min s" "mean s" "min ×docseal" "mean ×docseal"
read -r dmin dmean <<<"${T[docseal]}"
for tool in docseal jsonschema-cli boon ajv-cli check-jsonschema; do
  read -r tmin tmean <<<"${T[$tool]}"
  printf '%-18s %10.4f %10.4f %14.1f %14.1f\n' "$tool" "$tmin" "$tmean" \
    "$(python3 -c "print($tmin / $dmin)")" "$(python3 -c "print($tmean / $dmean)")"
done
