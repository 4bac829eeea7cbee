//! Regression tests for what fuzzing found (fuzz/README.md): each input
//! under tests/data/fuzz/ once made a parser hang, crash or allocate without
//! bound; each test is named after its bug.

use std::path::Path;

use docseal::keys::{self, KeyError};
use zeroize::Zeroizing;

/// Reads a key file of tests/data/fuzz/ with a passphrase prompt that
/// records whether it was asked; a key whose derivation is refused must be
/// refused before the passphrase is asked (and so before any derivation).
fn read_key(name: &str) -> (Result<keys::LoadedKey, KeyError>, bool) {
    let path = Path::new("tests/data/fuzz").join(name);
    let mut asked = false;
    let result = keys::read_private_key(&path, &mut || {
        asked = true;
        // No passphrase: had the cost not been checked first, reading would
        // stop here with `PassphraseRequired` instead of running for hours.
        None::<Zeroizing<String>>
    });
    (result, asked)
}

#[test]
fn encrypted_key_with_2_pow_31_pbkdf2_iterations_does_not_hang() {
    let (result, asked) = read_key("pbkdf2-2147483647-iterations.key.pem");
    assert!(
        !asked,
        "the passphrase was asked for a key that cannot be derived in time"
    );
    match result {
        Err(KeyError::Malformed { message, .. }) => {
            assert!(message.contains("2147483647 iterations"), "{message}");
        }
        other => panic!(
            "expected a refusal of the PBKDF2 cost, got {:?}",
            other.err()
        ),
    }
}

#[test]
fn encrypted_key_with_scrypt_n_2_pow_38_does_not_allocate_256_tib() {
    let (result, asked) = read_key("scrypt-n-2-38.key.pem");
    assert!(
        !asked,
        "the passphrase was asked for a key that cannot be derived in memory"
    );
    match result {
        Err(KeyError::Malformed { message, .. }) => {
            assert!(
                message.contains("N = 274877906944, r = 8, p = 1"),
                "{message}"
            );
        }
        other => panic!(
            "expected a refusal of the scrypt cost, got {:?}",
            other.err()
        ),
    }
}

/// Found by the `json` target: 77777777777777776 (exactly a double) is
/// canonicalized as `77777777777777780`, which the spec's number rule
/// refuses as input (docs/FORMAT.md §1: canonical bytes are for hashing,
/// not always valid input). Pinned here: the canonical form, that its
/// refusal is the number rule's and names the number, and that an integer
/// that is not a double stays refused.
#[test]
fn a_large_integer_canonicalizes_as_rfc_8785_says_and_its_literal_is_refused_as_input() {
    let canonical = docseal::canonical::canonicalize(b"77777777777777776\n ").unwrap();
    assert_eq!(canonical, b"77777777777777780");
    match docseal::canonical::canonicalize(&canonical) {
        Err(docseal::canonical::CanonicalError::InexactNumber { number, .. }) => {
            assert_eq!(number, "77777777777777780")
        }
        other => panic!("{other:?}"),
    }
    assert!(docseal::canonical::canonicalize(b"9007199254740993").is_err());
    assert!(docseal::canonical::canonicalize(b"9007199254740992").is_ok());
}
