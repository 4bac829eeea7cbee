"""A second RFC 3161 verifier for tests/timestamp.rs: checks a time-stamp reply
with the rfc3161-client package (trailofbits), independently of docseal.

    python tests/rfc3161_client_check.py X.tsr DATA ROOT.pem
        [--intermediate CERT.pem]... [--nonce HEX]

Prints "OK <genTime>" and exits 0 when the reply verifies over DATA with ROOT
as the only trust anchor; prints the reason and exits 1 otherwise.
"""

import argparse
import sys
from pathlib import Path

import cryptography.x509
from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tsr", type=Path)
    parser.add_argument("data", type=Path)
    parser.add_argument("root", type=Path)
    parser.add_argument("--intermediate", type=Path, action="append", default=[])
    parser.add_argument("--nonce")
    args = parser.parse_args()

    def load(path: Path) -> cryptography.x509.Certificate:
        return cryptography.x509.load_pem_x509_certificate(path.read_bytes())

    try:
        response = decode_timestamp_response(args.tsr.read_bytes())
        builder = VerifierBuilder().add_root_certificate(load(args.root))
        for path in args.intermediate:
            builder = builder.add_intermediate_certificate(load(path))
        if args.nonce is not None:
            builder = builder.nonce(int(args.nonce, 16))
        builder.build().verify_message(response, args.data.read_bytes())
    except (VerificationError, ValueError) as error:
        print(f"refused: {error}")
        return 1
    print(f"OK {response.tst_info.gen_time.isoformat()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
