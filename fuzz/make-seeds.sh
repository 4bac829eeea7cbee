#!/usr/bin/env bash
# Makes the seed corpora under fuzz/corpus/ (and the keys the targets check
# against, under fuzz/data/) from the repository's real files and from
# bundles, tokens and an archive made here with the test keys, `openssl` and
# the docseal binary. Run from anywhere: fuzz/make-seeds.sh [DOCSEAL]. The
# PKI and the archive key are new on each run, so data/ and the seeds that
# depend on them change together.
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
docseal=${1:-$repo/target/debug/docseal}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Copies of the test keys, private to their owner (docseal warns otherwise).
cp "$repo"/tests/data/keys/{kz,rs}-test.key.pem . && chmod 600 ./*.key.pem
export DOCSEAL_PASSPHRASE="fuzz passphrase"
corpus=$fuzz/corpus
rm -rf "$corpus" "$fuzz/data"
mkdir -p "$fuzz/data"
for t in json keys signed_statement validation_record trust_file tag_files zip verify_bundle \
    timestamp tlog checkpoint proof import; do
  mkdir -p "$corpus/$t"
done
# seed TARGET NAME FILE: copies FILE as the seed NAME of TARGET.
seed() { cp "$2" "$corpus/$1/$(basename "$2" | tr -c 'A-Za-z0-9._\n-' '_')${3:-}"; }
# Seeds that are private keys live under tests/ (private key files are kept
# only in keys/demo/ and tests/): see the end of this script.

# --- A PKI for time-stamping: a root and two TSAs (P-256 and RSA). ---
cat > ts.cnf <<'CNF'
[tsa]
default_tsa = tsa_config
[tsa_config]
serial = ./tsaserial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.2.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_alg = sha256
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[tsa_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
CNF
echo 01 > tsaserial
q() { openssl "$@" 2>>openssl.log || { cat openssl.log >&2; return 1; }; }
q req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
  -subj "/CN=docseal fuzz root" -days 36500 -config ts.cnf -extensions root_ext -out root.pem
q x509 -in root.pem -outform DER -out "$fuzz/data/tsa-root.der"
for kind in ec rsa; do
  if [ $kind = ec ]; then opt=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); else opt=(-newkey rsa:2048); fi
  q req -new "${opt[@]}" -nodes -keyout tsa-$kind.key -subj "/CN=docseal fuzz TSA $kind" -out tsa-$kind.csr
  q x509 -req -in tsa-$kind.csr -CA root.pem -CAkey root.key -CAcreateserial -days 36500 \
    -extfile ts.cnf -extensions tsa_ext -out tsa-$kind.pem
done
# reply QUERY OUT KIND [openssl ts -reply options]
reply() {
  local query=$1 out=$2 kind=$3; shift 3
  q ts -reply -config ts.cnf -queryfile "$query" -signer tsa-$kind.pem -inkey tsa-$kind.key \
    -chain root.pem "$@" -out "$out"
}
printf 'docseal fuzz seed\n' > stamped
q ts -query -data stamped -sha256 -cert -out q-sha256.tsq
q ts -query -data stamped -sha512 -no_nonce -out q-sha512.tsq
reply q-sha256.tsq ec-sha256-cert.tsr ec
reply q-sha512.tsq ec-sha512-nocert.tsr ec
reply q-sha256.tsq rsa-sha256-cert.tsr rsa
reply q-sha256.tsq rsa-sha256-token.tsr rsa -token_out
for f in *.tsr; do seed timestamp "$f"; done
seed timestamp q-sha256.tsq

# --- Bundles sealed with the test keys, cosigned, time-stamped. ---
cp -r "$repo/tests/data/keyring" keyring
"$docseal" -q key trust-tsa --keyring keyring --name fuzz-root root.pem
seal=(-q seal "$repo/statements/kz-rs-2026-02-27.json" --keyring keyring)
"$docseal" "${seal[@]}" --key kz-test.key.pem -o kz.zip
"$docseal" "${seal[@]}" --text "$repo/statements/kz-rs-2026-02-27.txt" \
  --attach "$repo/tests/data/vectors/merkle/reference-proofs.json" \
  --key kz-test.key.pem -o kz-text.zip
"$docseal" -q cosign kz-text.zip --keyring keyring --key rs-test.key.pem \
  -o kz-rs.zip
mkdir requests
"$docseal" -q timestamp kz-rs.zip --request-out requests -o /dev/null 2>/dev/null || true
cp kz-rs.zip kz-rs-ts.zip
for tsq in requests/*.tsq; do
  reply "$tsq" "${tsq%.tsq}.tsr" ec
  "$docseal" -q timestamp kz-rs-ts.zip --keyring keyring --reply "${tsq%.tsq}.tsr"
done
for b in kz kz-rs kz-rs-ts; do
  seed zip $b.zip
  seed verify_bundle $b.zip
  mkdir x-$b && (cd x-$b && unzip -q ../$b.zip)
done
for b in kz kz-rs-ts; do
  root=$(ls x-$b)
  for f in x-$b/"$root"/signatures/*.json; do seed signed_statement "$f" "-$b"; done
  for f in x-$b/"$root"/signatures/*.tsr; do [ -e "$f" ] && seed timestamp "$f" "-$b"; done
  seed validation_record x-$b/"$root"/metadata/validation.json "-$b"
done
seed trust_file "$repo/tests/data/keyring/trust.json" -v2-keys
seed trust_file keyring/trust.json -v2-tsa

# --- An archive of those bundles: checkpoints, entries, proofs. ---
"$docseal" -q archive init --archive arch
"$docseal" -q archive add --archive arch --keyring keyring --allow-partial kz.zip kz-rs-ts.zip
cp arch/key/archive.pub.pem "$fuzz/data/archive.pub.pem"
for f in arch/log/checkpoints/*; do seed checkpoint "$f"; done
i=0
while IFS= read -r line; do printf '%s' "$line" > "$corpus/checkpoint/entry-$i"; i=$((i + 1)); done \
  < arch/log/entries.jsonl
"$docseal" -q archive proof --archive arch kz-rs-2026-02-27 -o proof.json
seed proof proof.json
"$docseal" -q archive proof --archive arch "sha256:$(sha256sum kz.zip | cut -c1-64)" -o proof-first.json
seed proof proof-first.json
# tlog: resource paths (selector byte, then the path) and entry bundles
# (selector byte = width - 1, then the bundle) of the log's entries.
for p in tile/0/000 tile/0/x001/234.p/5 tile/entries/000.p/2 tile/2/000.p/1; do
  name=$(echo "$p" | tr / _)
  printf '\000%s' "$p" > "$corpus/tlog/path-$name"
done
python3 - "$corpus/tlog/entries-bundle" arch/log/entries.jsonl <<'PY'
import sys
lines = open(sys.argv[2], 'rb').read().splitlines()
out = bytes([len(lines) - 1])
for line in lines:
    out += len(line).to_bytes(2, 'big') + line
open(sys.argv[1], 'wb').write(out)
PY

# --- BagIt: the tag files of those bundles and of the conformance bags
# (tests/data/bagit), each after the selector byte of its version and
# encoding (see fuzz_targets/tag_files.rs); a few of those bags as zips. ---
python3 - "$corpus" "$repo/tests/data/bagit" x-kz/*/ x-kz-rs-ts/*/ <<'PY'
import os, sys, zipfile
corpus, bagit, bundles = sys.argv[1], sys.argv[2], sys.argv[3:]
versions = ["0.93", "0.94", "0.95", "0.96", "0.97", "1.0"]
encodings = ["utf-8", "utf-16", "utf-16be", "utf-16le", "utf-32", "iso-8859-1", "us-ascii",
             "shift_jis", "windows-1252"]
cases = [os.path.join(bagit, kind, case) for kind, case in [
    ("valid", "v0.93-basic"), ("valid", "v0.95-package-info"), ("valid", "v0.97-dot-slash-paths"),
    ("valid", "v0.97-utf-16be"), ("valid", "v0.97-whitespace-around-colon"),
    ("valid", "v1.0-bag-info-continuation"), ("valid", "v1.0-cr-endings"),
    ("valid", "v1.0-fetch-present"), ("valid", "v1.0-iso-8859-1"),
    ("valid", "v1.0-percent-encoded-path"), ("valid", "v1.0-utf-16-with-bom"),
    ("valid", "v1.0-windows-1252"), ("valid", "v1.0-md5-sha1"),
    ("warning", "v1.0-md5sum-star"), ("invalid", "v1.0-fetch-outside-bag")]]
for bag in [b.rstrip("/") for b in bundles] + cases:
    declaration = open(os.path.join(bag, "bagit.txt"), "rb").read().lstrip(b"\xef\xbb\xbf").decode()
    fields = dict(l.split(": ", 1) for l in declaration.splitlines() if ": " in l)
    version = versions.index(fields["BagIt-Version"])
    encoding = encodings.index(fields["Tag-File-Character-Encoding"].lower())
    for name in sorted(os.listdir(bag)):
        path = os.path.join(bag, name)
        if name.endswith(".txt") and os.path.isfile(path):
            seed = os.path.join(corpus, "tag_files", os.path.basename(bag) + "-" + name)
            with open(seed, "wb") as out:
                out.write(bytes([encoding * 6 + version]) + open(path, "rb").read())
for case in cases[3:4] + cases[7:8] + cases[14:15]:
    with zipfile.ZipFile(os.path.join(corpus, "verify_bundle", os.path.basename(case) + ".zip"),
                         "w", zipfile.ZIP_DEFLATED) as z:
        for root, dirs, files in os.walk(case):
            dirs.sort()
            for name in sorted(files):
                full = os.path.join(root, name)
                z.write(full, os.path.join(os.path.basename(case),
                                           os.path.relpath(full, case)))
PY

# --- JSON documents, keys, texts from the repository. ---
seed json "$repo/statements/kz-rs-2026-02-27.json"
for f in "$repo"/tests/data/corpus/0*.meta.json; do seed json "$f"; done
for f in $(ls "$repo"/tests/data/vectors/jcs/input/* | head -8); do seed json "$f"; done
seed json proof.json
for f in "$repo"/keys/demo/*.pem "$repo"/tests/data/keys/*.pem "$repo"/tests/data/keyring/*.pem; do
  seed keys "$f"
done
"$docseal" -q key generate --party KZ --signer "fuzz seed" -o encrypted
seed keys encrypted.key.pem
openssl genpkey -algorithm ed25519 -aes-256-cbc -pass "pass:$DOCSEAL_PASSPHRASE" -out openssl-pbkdf2.key.pem
seed keys openssl-pbkdf2.key.pem
seed import "$repo/statements/kz-rs-2026-02-27.txt"
for f in "$repo"/tests/data/corpus/{00,17,18,20,36,39,41}_*.txt; do seed import "$f"; done
du -sh "$corpus" "$fuzz/data"

# The keys target's seeds are private keys: they are kept in
# tests/data/fuzz/seeds/keys/, where fuzz/run-all.sh finds them.
rm -rf "$repo/tests/data/fuzz/seeds/keys"
mkdir -p "$repo/tests/data/fuzz/seeds"
mv "$corpus/keys" "$repo/tests/data/fuzz/seeds/keys"
