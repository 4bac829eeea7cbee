#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 30) from its committed seeds
# (fuzz/corpus/TARGET), growing a scratch corpus (fuzz/corpus-run/TARGET,
# not committed); stops with a non-zero status at the first crash, timeout
# or out-of-memory, whose input libFuzzer leaves in fuzz/artifacts/TARGET/.
#
#   fuzz/run-all.sh [SECONDS] [TARGET...]
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-30}
shift || true
if ! command -v cargo-fuzz >/dev/null; then
  cargo install cargo-fuzz --locked
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list --fuzz-dir "$fuzz")
fi
# The committed seeds of a target: fuzz/corpus/TARGET, except those that are
# private keys, kept under tests/ (private key files live only in keys/demo/
# and tests/).
seeds() {
  if [ -d "$fuzz/../tests/data/fuzz/seeds/$1" ]; then
    echo "$fuzz/../tests/data/fuzz/seeds/$1"
  else
    echo "$fuzz/corpus/$1"
  fi
}
cargo +nightly fuzz build --fuzz-dir "$fuzz"
for target in "${targets[@]}"; do
  mkdir -p "$fuzz/corpus-run/$target"
  echo "fuzz: $target for ${seconds}s" >&2
  cargo +nightly fuzz run --fuzz-dir "$fuzz" "$target" \
    "$fuzz/corpus-run/$target" "$(seeds "$target")" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
