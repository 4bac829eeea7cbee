#!/usr/bin/env bash
# Benchmark of time-stamp token verification against OpenSSL, on the same
# tokens, in one run. For each TSA key (RSA-2048, ECDSA P-256, P-384):
#  - docseal in process: timestamp::verify N times (examples/timestamp_bench),
#    the figure the target is about (<= 2 ms per token);
#  - docseal one process per token, and `openssl ts -verify` one process per
#    token (M runs each, best of 3 rounds): the like-for-like ratio.
# N (default 1000) and M (default 50) scale it.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
M=${M:-50}
WORK=bench/work/timestamp
rm -rf "$WORK"; mkdir -p "$WORK"
cargo build --release --quiet --example timestamp_bench
BENCH="$PWD/target/release/examples/timestamp_bench"

cd "$WORK"
cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[tsa]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
  -subj "/CN=bench TSA root" -config ext.cnf -extensions root
openssl x509 -in root.pem -outform DER -out root.der
head -c 64 /dev/urandom > sig.bin
q openssl ts -query -data sig.bin -sha256 -cert -out query.tsq

ms() { python3 -c "print(f'{$1:.3f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
# best of 3 rounds of M runs of a command: milliseconds per run
per_run() {
  python3 - "$M" "$@" <<'PY'
import subprocess, sys, time
m, cmd = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(3):
    t = time.perf_counter()
    for _ in range(m):
        subprocess.run(cmd, check=True, capture_output=True)
    best = min(best or 1e9, (time.perf_counter() - t) / m)
print(f"{best * 1000:.3f}")
PY
}

printf '%-10s %14s %16s %16s %12s %12s\n' key "docseal µs" "docseal ms/proc" "openssl ms/proc" "proc ratio" "in-proc/ossl"
for key in rsa p256 p384; do
  case $key in
    rsa) q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out $key.key ;;
    p256) q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out $key.key ;;
    p384) q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out $key.key ;;
  esac
  q openssl req -new -key $key.key -subj "/CN=bench TSA $key" -out $key.csr -config ext.cnf
  q openssl x509 -req -in $key.csr -CA root.pem -CAkey root.key -CAcreateserial -days 365 \
    -extfile ext.cnf -extensions tsa -out $key.pem
  cat > $key.cnf <<CNF
[tsa]
default_tsa = t
[t]
serial = ./$key.serial
crypto_device = builtin
signer_cert = ./$key.pem
signer_key = ./$key.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ess_cert_id_alg = sha256
CNF
  echo 01 > $key.serial
  q openssl ts -reply -config $key.cnf -queryfile query.tsq -out $key.tsr
  # Both must accept the token before anything is timed.
  openssl ts -verify -data sig.bin -in $key.tsr -CAfile root.pem -untrusted $key.pem 2>/dev/null | grep -q OK
  "$BENCH" $key.tsr sig.bin root.der 1 >/dev/null
  in_proc=$("$BENCH" $key.tsr sig.bin root.der "$N")
  ds_proc=$(per_run "$BENCH" $key.tsr sig.bin root.der 1)
  ossl_proc=$(per_run openssl ts -verify -data sig.bin -in $key.tsr -CAfile root.pem -untrusted $key.pem)
  printf '%-10s %14s %16s %16s %12s %12s\n' "$key" "$in_proc" "$ds_proc" "$ossl_proc" \
    "$(ratio "$ds_proc" "$ossl_proc")" "$(ratio "$in_proc" "$(python3 -c "print($ossl_proc * 1000)")")"
done
echo "target: docseal in-process <= 2000 µs per token; proc ratio = docseal / openssl per process"

# Verifying a whole bundle with and without tokens: the reference statement
# sealed by KZ and co-signed by RS (the test keys), then the same bundle with
# an RSA token on each signature (obtained offline: request files, `openssl
# ts -reply`, `timestamp --reply`). Best of 3 rounds of M runs each.
echo; echo "== verify a co-signed bundle without and with a token per signature (ms per run)"
DS="$OLDPWD/target/release/docseal"
( cd "$OLDPWD" && cargo build --release --quiet )
ROOT_DIR="$OLDPWD"
chmod 600 "$ROOT_DIR"/tests/data/keys/*.key.pem
export SOURCE_DATE_EPOCH=1772186400
"$DS" seal "$ROOT_DIR/statements/kz-rs-2026-02-27.json" --text "$ROOT_DIR/statements/kz-rs-2026-02-27.txt" \
  --key "$ROOT_DIR/tests/data/keys/kz-test.key.pem" --keyring "$ROOT_DIR/tests/data/keyring" -o plain.zip -q
"$DS" cosign plain.zip --key "$ROOT_DIR/tests/data/keys/rs-test.key.pem" --keyring "$ROOT_DIR/tests/data/keyring" -q >/dev/null
cp plain.zip stamped.zip
"$DS" timestamp stamped.zip --request-out requests -q >/dev/null
for q in requests/*.tsq; do
  q openssl ts -reply -config rsa.cnf -queryfile "$q" -out "${q%.tsq}.tsr"
  "$DS" timestamp stamped.zip --reply "${q%.tsq}.tsr" -q >/dev/null
done
without=$(per_run "$DS" verify -q --keyring "$ROOT_DIR/tests/data/keyring" --trusted-tsa root.pem plain.zip)
with=$(per_run "$DS" verify -q --keyring "$ROOT_DIR/tests/data/keyring" --trusted-tsa root.pem stamped.zip)
"$DS" verify --format json --keyring "$ROOT_DIR/tests/data/keyring" --trusted-tsa root.pem stamped.zip | grep -c '"code": "signature.timestamp"' | grep -q 2
printf '%-22s %10s\n' "without tokens" "$without" "with 2 tokens" "$with"
echo "tokens add $(python3 -c "print(f'{$with - $without:.2f}')") ms ($(ratio "$with" "$without")x)"
