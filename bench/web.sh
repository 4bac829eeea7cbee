#!/usr/bin/env bash
# The browser verifier (web/verify.html, in Debian's Chromium through
# tests/web) against `docseal verify` on the same bundle, in one run: a
# bundle with one SIZE_MB MiB attachment (default 200, random bytes, so
# Stored; KIND=text for words, Deflated), co-signed. Prints, best of RUNS (default 3): wall time, CPU time
# (user + system, of docseal, and of all the browser's processes during the
# verification), peak RSS, the ratio page / CLI, and where the page's time
# went (opening the zip, reading and handing on the large entry, waiting for
# its digests after the last chunk, the rest of the checks). Both use every
# core: docseal hashes SHA-256 and SHA-512 of a large file on two threads;
# the page reads the entry whole (two readers at once), feeding a worker
# (the page's own WebAssembly SHA-512, and CRC-32) as it goes, then
# WebCrypto's SHA-256 of it runs beside the worker — or, `#stream-all`, every
# digest on workers (SHA-256 on one, SHA-512 and CRC-32 on the other), in bounded memory (the
# path of entries over 256 MiB). Each run of the page starts once the
# browser is idle (tests/web/bench.mjs: a new window's own pages otherwise
# take a core for a second). The load average is printed before and after:
# on a shared machine the ratios mean little when it is above the number of
# cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${SIZE_MB:-200}
RUNS=${RUNS:-3}
WORK=bench/work/web
rm -rf "$WORK"; mkdir -p "$WORK"
cargo build --release --quiet
[ -d tests/web/node_modules/playwright-core ] || (cd tests/web && npm ci --silent --no-audit --no-fund)
DS="$PWD/target/release/docseal"
export SOURCE_DATE_EPOCH=1772186400

# KIND=text: the attachment is words instead (`.txt`, so Deflated: the page inflates it once, docseal once per thread).
KIND=${KIND:-binary}
echo "preparing a bundle with a ${SIZE_MB} MiB ${KIND} attachment…"
if [ "$KIND" = text ]; then
  big="$WORK/big.txt"
  python3 - "$big" "$SIZE_MB" <<'EOF'
import random, sys
random.seed(7)
words = "accord treaty border trade water energy Astana Belgrade 1997 cooperation ministers shall".split()
with open(sys.argv[1], "w") as out:
    n = 0
    while n < int(sys.argv[2]) << 20:
        line = " ".join(random.choice(words) for _ in range(12)) + "\n"
        out.write(line)
        n += len(line)
EOF
else
  big="$WORK/big.bin"
  head -c "$((SIZE_MB << 20))" /dev/urandom > "$big"
fi
"$DS" -q seal statements/kz-rs-2026-02-27.json --text statements/kz-rs-2026-02-27.txt \
  --key keys/demo/kz-demo.key.pem --attach "$big" -o "$WORK/big.zip" 2>/dev/null >/dev/null
"$DS" -q cosign "$WORK/big.zip" --key keys/demo/rs-demo.key.pem --keyring keys 2>/dev/null >/dev/null
rm "$big"
# The same bundle without the attachment: what a verification costs the browser whatever the size.
"$DS" -q seal statements/kz-rs-2026-02-27.json --text statements/kz-rs-2026-02-27.txt \
  --key keys/demo/kz-demo.key.pem -o "$WORK/small.zip" 2>/dev/null >/dev/null
"$DS" -q cosign "$WORK/small.zip" --key keys/demo/rs-demo.key.pem --keyring keys 2>/dev/null >/dev/null
sync
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

cli_best=999
cli_cpu=0
cli_rss=0
for _ in $(seq "$RUNS"); do
  # verify exits 1 here (demo keys: intact-untrusted), and time then writes a line about it first.
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$DS" verify --keyring keys "$WORK/big.zip" >/dev/null 2>&1 || true
  read -r t user sys rss < <(tail -n 1 "$WORK/time")
  if python3 -c "import sys; sys.exit(0 if $t < $cli_best else 1)"; then
    cli_best=$t; cli_cpu=$(python3 -c "print(round($user + $sys, 2))"); cli_rss=$rss
  fi
done
printf 'docseal verify:          %5.2f s, CPU %5.2f s, peak RSS %4d MiB\n' "$cli_best" "$cli_cpu" "$((cli_rss / 1024))"
for mode in "" "#stream-all"; do
  out=$(node tests/web/bench.mjs "$WORK/big.zip" "$RUNS" "$mode")
  python3 - "$out" "$cli_best" "$cli_cpu" "${mode:-default}" <<'EOF'
import json, sys
r, cli, cli_cpu, label = json.loads(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
t = r["timings"]
big = t["large_entries"]
print(f"page ({label:<11}): {r['best']:5.2f} s, CPU {r['cpu_seconds']:5.2f} s, peak RSS of the browser {r['peak_rss_mib']:4d} MiB, "
      f"verdict {r['verdict']}, {r['best'] / cli:.2f}x the CLI's time, {r['cpu_seconds'] / cli_cpu:.2f}x its CPU")
print(f"  where the page's time went: zip opened {t['zip']:.2f} s; large entry read and handed on {big['read']:.2f} s, "
      f"then its digests {big['digests']:.2f} s; bag checks done at {t['bag']:.2f} s; all checks at {t['done']:.2f} s")
EOF
done
small=$(node tests/web/bench.mjs "$WORK/small.zip" "$RUNS" "")
python3 - "$small" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
print(f"the same without the attachment ({r['verdict']}): page {r['best']:.2f} s, CPU {r['cpu_seconds']:.2f} s "
      f"(the browser's own cost of a verification: choosing the file, rendering the report), peak RSS {r['peak_rss_mib']} MiB")
EOF
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
