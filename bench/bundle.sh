#!/usr/bin/env bash
# Benchmarks of sealing and verifying bundles against standard tools, on the
# same bytes, in one run. Prints wall times, peak RSS and ratios.
#  1. verify a bundle with one 1 GiB attachment  vs  openssl dgst -sha256 then
#     -sha512 of the same file, and bagit.py --validate of the extracted bag;
#  2. verify a bundle of 10,000 4 KiB files  vs  bagit.py --validate and
#     sha256sum -c of the manifest (on the extracted bag);
#  3. seal the 1 GiB bundle  vs  minisign -S of the file and openssl's hashing
#     (best of 3 for seal and openssl).
# SIZE_MB (default 1024) and FILES (default 10000) scale it down for a quick look.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-1024}
FILES=${FILES:-10000}
WORK=bench/work/bundle
rm -rf "$WORK"; mkdir -p "$WORK"
export PATH="$PWD/bench/work/venv/bin:$PATH"
[ -x bench/work/venv/bin/bagit.py ] || { python3 -m venv bench/work/venv; bench/work/venv/bin/pip install --quiet bagit; }
command -v minisign >/dev/null || { apt-get update -qq && apt-get install -y -qq minisign; }
cargo build --release --quiet
DS="$PWD/target/release/docseal"
export SOURCE_DATE_EPOCH=1772186400

# wall seconds and peak RSS (KiB) of a command: prints "SECONDS RSS"
# (GNU time writes "Command exited with non-zero status N" first when the
# command fails: the figures are on the last line.)
measure() { /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || true; tail -1 "$WORK/time"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }

echo "preparing ${SIZE_MB} MiB attachment and ${FILES} small files…"
head -c "$((SIZE_MB << 20))" /dev/urandom > "$WORK/big.bin"
mkdir -p "$WORK/small"
python3 - "$WORK/small" "$FILES" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    with open(f"{d}/f{i:05d}.bin", "wb") as f:
        f.write(os.urandom(4096))
PY
# Written back before timing: otherwise the first command timed (seal, which
# ends with an fsync) pays for flushing the freshly written inputs.
sync
# The test key and its keyring: bundles it seals verify as authentic (exit 0).
KEY=tests/data/keys/kz-test.key.pem; chmod 600 tests/data/keys/*.key.pem
RING=tests/data/keyring
STATEMENT=statements/kz-rs-2026-02-27.json

echo; echo "== 3. seal ${SIZE_MB} MiB"
# Best of 3 for both sides (each seal writes and syncs a 1 GiB bundle).
seal_t=""
for _ in 1 2 3; do
  rm -f "$WORK/big.zip"   # seal never overwrites
  read -r t rss < <(measure "$DS" seal "$STATEMENT" --attach "$WORK/big.bin" --key "$KEY" --keyring "$RING" -o "$WORK/big.zip")
  [ -s "$WORK/big.zip" ] || { echo "seal failed: $(cat "$WORK/stderr")" >&2; exit 1; }
  if [ -z "$seal_t" ] || python3 -c "import sys; sys.exit(not $t < $seal_t)"; then seal_t=$t seal_rss=$rss; fi
done
openssl_t=$(python3 - "$WORK/big.bin" <<'PY'
import subprocess, sys, time
best = None
for _ in range(3):
    t = time.time()
    subprocess.run(["openssl", "dgst", "-sha256", sys.argv[1]], check=True, capture_output=True)
    subprocess.run(["openssl", "dgst", "-sha512", sys.argv[1]], check=True, capture_output=True)
    best = min(best or 1e9, time.time() - t)
print(f"{best:.2f}")
PY
)
rm -f "$WORK/mini.key" "$WORK/mini.pub"
minisign -G -W -p "$WORK/mini.pub" -s "$WORK/mini.key" >/dev/null
read -r mini_t _ < <(measure minisign -S -s "$WORK/mini.key" -m "$WORK/big.bin" -x "$WORK/big.minisig")
printf '%-40s %8s s  %8s KiB\n' "docseal seal" "$seal_t" "$seal_rss"
printf '%-40s %8s s\n' "openssl dgst -sha256 + -sha512" "$openssl_t" "minisign -S" "$mini_t"
echo "seal / openssl = $(ratio "$seal_t" "$openssl_t") (target <= 1.3)   seal / minisign = $(ratio "$seal_t" "$mini_t")"

echo; echo "== 1. verify ${SIZE_MB} MiB"
read -r ver_t ver_rss < <(measure "$DS" verify --keyring "$RING" --require-party KZ "$WORK/big.zip")
mkdir -p "$WORK/x"; (cd "$WORK/x" && unzip -q ../big.zip)
read -r bag_t _ < <(measure bagit.py --validate "$WORK/x/kz-rs-2026-02-27")
printf '%-40s %8s s  %8s KiB\n' "docseal verify" "$ver_t" "$ver_rss"
printf '%-40s %8s s\n' "openssl dgst -sha256 + -sha512" "$openssl_t" "bagit.py --validate" "$bag_t"
echo "verify / openssl = $(ratio "$ver_t" "$openssl_t") (target <= 1.0)   bagit.py / verify = $(ratio "$bag_t" "$ver_t") (target > 1)   peak RSS ${ver_rss} KiB (target <= 65536)"

echo; echo "== 2. verify ${FILES} × 4 KiB"
args=(); for f in "$WORK"/small/*.bin; do args+=(--attach "$f"); done
"$DS" seal "$STATEMENT" "${args[@]}" --key "$KEY" --keyring "$RING" -o "$WORK/small.zip" >/dev/null 2>&1
read -r sv_t sv_rss < <(measure "$DS" verify --keyring "$RING" --require-party KZ "$WORK/small.zip")
mkdir -p "$WORK/y"; (cd "$WORK/y" && unzip -q ../small.zip)
read -r sbag_t _ < <(measure bagit.py --validate "$WORK/y/kz-rs-2026-02-27")
read -r ssum_t _ < <(measure bash -c "cd '$WORK/y/kz-rs-2026-02-27' && sha256sum -c --quiet manifest-sha256.txt")
printf '%-40s %8s s  %8s KiB\n' "docseal verify" "$sv_t" "$sv_rss"
printf '%-40s %8s s\n' "bagit.py --validate" "$sbag_t" "sha256sum -c" "$ssum_t"
echo "bagit.py / verify = $(ratio "$sbag_t" "$sv_t") (target >= 3)   sha256sum / verify = $(ratio "$ssum_t" "$sv_t") (target > 1)"
