//! Ed25519 verification against Wycheproof (`tests/data/vectors/ed25519/`),
//! through docseal's own verification path (`verify_strict`).
#![allow(clippy::unwrap_used)]

mod common;

use docseal::keys;
use proptest::prelude::*;

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn wycheproof_vectors_give_the_expected_result() {
    let text = std::fs::read_to_string(
        common::data().join("vectors/ed25519/wycheproof-ed25519_test.json"),
    )
    .unwrap();
    let suite: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    for group in suite["testGroups"].as_array().unwrap() {
        let pk = unhex(group["publicKey"]["pk"].as_str().unwrap());
        let key = keys::public_key_from_bytes(&pk);
        for test in group["tests"].as_array().unwrap() {
            let msg = unhex(test["msg"].as_str().unwrap());
            let sig = unhex(test["sig"].as_str().unwrap());
            let expected = test["result"].as_str().unwrap() == "valid";
            let actual = key.as_ref().is_some_and(|k| keys::verify(k, &msg, &sig));
            if actual != expected {
                mismatches.push(test["tcId"].as_u64().unwrap());
            }
            checked += 1;
        }
    }
    assert_eq!(checked, suite["numberOfTests"].as_u64().unwrap());
    assert!(
        mismatches.is_empty(),
        "test cases with the wrong result: {mismatches:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn sign_then_verify_round_trips(seed in any::<[u8; 32]>(), msg in proptest::collection::vec(any::<u8>(), 0..512), flip in any::<usize>()) {
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        let sig = keys::sign(&key, &msg);
        prop_assert!(keys::verify(&key.verifying_key(), &msg, &sig));
        let mut bad = sig;
        bad[flip % 64] ^= 1 << (flip % 8);
        prop_assert!(!keys::verify(&key.verifying_key(), &msg, &bad));
        if !msg.is_empty() {
            let mut other = msg.clone();
            other[flip % msg.len()] ^= 0x80;
            prop_assert!(!keys::verify(&key.verifying_key(), &other, &sig));
        }
    }
}
