//! RFC 3161 time-stamps against a real TSA: `openssl ts -reply` behind an
//! HTTP server on 127.0.0.1 (tests/common/tsa). Every token docseal accepts
//! is also accepted by `openssl ts -verify` and by Python's rfc3161-client;
//! every refusal names its `TokenCheck`, on a token that is genuine except
//! for that one thing.
//!
//! Past 600 lines on purpose: one test per rule of docs/FORMAT.md §6.2, in
//! one file beside the helpers they share, reads like the rule list (and
//! scripts/check-timestamp-rules.py names these tests).
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::tsa::resign::{self, Padding};
use common::tsa::{
    Behaviour, Pki, TsaCert, TsaOptions, TsaServer, openssl_cms_verify, openssl_verify,
    python_verify, stamp, stamp_with_openssl_query,
};
use der::asn1::Any;
use der::{Encode, Tag, Tagged};
use docseal::timestamp::{
    self, FetchError, HashAlgorithm, Nonce, PkiStatus, TokenCheck, TokenError, TsaAnchor,
    VerifiedToken,
};

/// What docseal stamps: the 64 raw bytes of an Ed25519 signature (here a
/// real one, by a fixed test key over a fixed message).
fn signature() -> Vec<u8> {
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    key.sign(b"docseal signed statement").to_bytes().to_vec()
}

fn other_signature() -> Vec<u8> {
    use ed25519_dalek::Signer;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    key.sign(b"another statement").to_bytes().to_vec()
}

fn anchors(names: &[&str]) -> Vec<TsaAnchor> {
    names.iter().map(|n| Pki::get().anchor(n)).collect()
}

/// A token the reference TSA (RSA, root) issued over [`signature`].
fn reference_token() -> (Vec<u8>, Nonce) {
    let server = TsaServer::start(TsaOptions::default());
    stamp(&server, &signature())
}

/// docseal, openssl and rfc3161-client all accept `tsr` over [`signature`]
/// with `root` as the only anchor.
fn accepted_everywhere(
    tsr: &[u8],
    root: &str,
    untrusted: &[&str],
    nonce: Option<&Nonce>,
) -> VerifiedToken {
    let data = signature();
    let token = timestamp::verify(tsr, &data, &anchors(&[root]), nonce)
        .unwrap_or_else(|e| panic!("docseal refused: {e}"));
    openssl_verify(tsr, &data, root, untrusted).unwrap_or_else(|e| panic!("openssl refused: {e}"));
    python_verify(tsr, &data, root, untrusted, nonce)
        .unwrap_or_else(|e| panic!("rfc3161-client refused: {e}"));
    token
}

/// docseal refuses `tsr` over [`signature`] with `check`.
fn refused(
    tsr: &[u8],
    anchors: &[TsaAnchor],
    nonce: Option<&Nonce>,
    check: TokenCheck,
) -> TokenError {
    match timestamp::verify(tsr, &signature(), anchors, nonce) {
        Ok(token) => panic!("accepted, expected {check}: {token:?}"),
        Err(e) => {
            assert_eq!(e.check, check, "{e}");
            e
        }
    }
}

/// Re-signs the reference token with `change` applied.
fn resigned(change: impl FnOnce(&mut resign::Edit)) -> Vec<u8> {
    let (tsr, _) = reference_token();
    resign::resign(&tsr, change)
}

/// Makes `edit` a token of TSA `variant` (same TSTInfo, without the `tsa`
/// name, which named the reference TSA), carrying only its certificate.
fn signed_by(edit: &mut resign::Edit, variant: TsaCert) {
    edit.signer = variant;
    edit.certificates = vec![cert(variant)];
    edit.tst = resign::drop_tsa_name(&edit.tst);
}

/// The DER of a certificate of the PKI, for a token's certificate set.
fn cert(name: TsaCert) -> Vec<u8> {
    Pki::get().der(name.name())
}

// ---------------------------------------------------------------- accepted

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn rsa_token_is_accepted_by_docseal_openssl_and_rfc3161_client() {
    let (tsr, nonce) = reference_token();
    let token = accepted_everywhere(&tsr, "root", &[TsaCert::Rsa.name()], Some(&nonce));
    let now = time::OffsetDateTime::now_utc();
    assert!(
        (now - token.gen_time).abs() < time::Duration::minutes(5),
        "{token:?}"
    );
    assert_eq!(token.accuracy, Duration::from_micros(1_500_100));
    assert_eq!(
        token.latest,
        token.gen_time + Duration::from_micros(1_500_100)
    );
    assert_eq!(
        token.earliest,
        token.gen_time - Duration::from_micros(1_500_100)
    );
    assert_eq!(token.status, PkiStatus::Granted);
    assert_eq!(token.policy.to_string(), common::tsa::server::POLICY);
    assert_eq!(token.tsa_subject, "CN=docseal test tsa-rsa");
    assert_eq!(token.tsa_name.as_deref(), Some("CN=docseal test tsa-rsa"));
    assert_eq!(token.anchor_name, "root");
    assert_eq!(token.imprint_algorithm, HashAlgorithm::Sha256);
    assert_eq!(token.signer_digest, HashAlgorithm::Sha256);
    assert_eq!(token.nonce.as_ref(), Some(&nonce));
    assert!(!token.serial_number.is_empty());
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn ecdsa_tokens_are_accepted_everywhere() {
    for (cert, digest) in [
        (TsaCert::P256, "sha256"),
        (TsaCert::P256, "sha512"),
        (TsaCert::P384, "sha384"),
        (TsaCert::P384, "sha256"),
    ] {
        let server = TsaServer::start(TsaOptions {
            cert,
            signer_digest: digest,
            ..TsaOptions::default()
        });
        // ECDSA signatures are randomised: several tokens exercise both halves of s.
        for _ in 0..3 {
            let (tsr, nonce) = stamp(&server, &signature());
            let token = accepted_everywhere(&tsr, "root", &[cert.name()], Some(&nonce));
            assert_eq!(token.signer_digest.name(), digest);
        }
    }
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn sha384_and_sha512_signer_digests_are_accepted_everywhere() {
    for (digest, expected) in [
        ("sha384", HashAlgorithm::Sha384),
        ("sha512", HashAlgorithm::Sha512),
    ] {
        let server = TsaServer::start(TsaOptions {
            signer_digest: digest,
            ..TsaOptions::default()
        });
        let (tsr, nonce) = stamp(&server, &signature());
        let token = accepted_everywhere(&tsr, "root", &[TsaCert::Rsa.name()], Some(&nonce));
        assert_eq!(token.signer_digest, expected);
    }
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn chain_through_an_intermediate_and_pinned_anchors() {
    let server = TsaServer::start(TsaOptions {
        cert: TsaCert::ViaIntermediate,
        chain: vec!["intermediate"],
        ..TsaOptions::default()
    });
    let (tsr, nonce) = stamp(&server, &signature());
    let untrusted = [TsaCert::ViaIntermediate.name(), "intermediate"];
    // OpenSSL writes the two certificates unsorted, which rfc3161-client
    // refuses as non-DER ("InvalidSetOrdering"); the order is not signed, and
    // docseal and openssl accept the token as it is.
    let data = signature();
    let python = python_verify(&tsr, &data, "root", &untrusted, Some(&nonce)).unwrap_err();
    assert!(python.contains("InvalidSetOrdering"), "{python}");
    timestamp::verify(&tsr, &data, &anchors(&["root"]), Some(&nonce)).unwrap();
    openssl_verify(&tsr, &data, "root", &untrusted).unwrap();
    accepted_everywhere(
        &resign::sort_certificates(&tsr),
        "root",
        &untrusted,
        Some(&nonce),
    );
    // The intermediate, or the TSA certificate itself, may be the anchor.
    for anchor in ["intermediate", TsaCert::ViaIntermediate.name()] {
        let token =
            timestamp::verify(&tsr, &signature(), &anchors(&[anchor]), Some(&nonce)).unwrap();
        assert_eq!(token.anchor_name, anchor);
    }
    // Among several anchors, the one reached is named.
    let token =
        timestamp::verify(&tsr, &signature(), &anchors(&["other-root", "root"]), None).unwrap();
    assert_eq!(token.anchor_name, "root");
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn without_accuracy_the_proven_time_is_gen_time() {
    let server = TsaServer::start(TsaOptions {
        accuracy: None,
        clock_precision_digits: 0,
        ..TsaOptions::default()
    });
    let (tsr, nonce) = stamp(&server, &signature());
    let token = accepted_everywhere(&tsr, "root", &[TsaCert::Rsa.name()], Some(&nonce));
    assert_eq!(token.accuracy, Duration::ZERO);
    assert_eq!(token.latest, token.gen_time);
    assert_eq!(token.gen_time.nanosecond(), 0);
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn signing_certificate_v1_is_accepted_everywhere() {
    let server = TsaServer::start(TsaOptions {
        ess_cert_id_alg: "sha1",
        ..TsaOptions::default()
    });
    let (tsr, nonce) = stamp(&server, &signature());
    let der = tsr.clone();
    assert!(
        contains(&der, &resign::ID_SIGNING_CERTIFICATE.to_der().unwrap()),
        "openssl wrote a SigningCertificate (v1)"
    );
    accepted_everywhere(&tsr, "root", &[TsaCert::Rsa.name()], Some(&nonce));
}

#[test]
#[cfg_attr(
    not(all(docseal_test_openssl, docseal_test_rfc3161_client)),
    ignore = "needs openssl and python rfc3161-client (scripts/test installs it into .venv)"
)]
fn a_resigned_token_without_change_is_accepted_everywhere() {
    // The re-signer that makes the refusal tokens below makes valid tokens.
    let tsr = resigned(|_| {});
    accepted_everywhere(&tsr, "root", &[TsaCert::Rsa.name()], None);
    let tsr = resigned(|edit| {
        signed_by(edit, TsaCert::P384);
        edit.digest = "sha384";
    });
    accepted_everywhere(&tsr, "root", &[TsaCert::P384.name()], None);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_tsa_name_that_is_not_the_signers_is_refused() {
    // The reference TSTInfo names tsa-rsa; signed by tsa-p384, it lies.
    let tsr = resigned(|edit| {
        edit.signer = TsaCert::P384;
        edit.certificates = vec![cert(TsaCert::P384)];
    });
    let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::TsaName);
    assert!(e.message.contains("tsa-rsa"), "{e}");
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::P384.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn rsa_pss_is_accepted_with_its_parameters() {
    for (digest, salt) in [("sha256", 32), ("sha512", 64), ("sha384", 0)] {
        let tsr = resigned(|edit| {
            edit.digest = digest;
            edit.padding = Padding::Pss {
                salt,
                declared: salt,
            };
        });
        timestamp::verify(&tsr, &signature(), &anchors(&["root"]), None).unwrap();
        // OpenSSL 3.0's ts -verify (PKCS #7) has no RSA-PSS; its CMS code does.
        openssl_cms_verify(&tsr, "root").unwrap();
    }
    // A salt length other than the declared one is refused.
    let tsr = resigned(|edit| {
        edit.padding = Padding::Pss {
            salt: 32,
            declared: 20,
        }
    });
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::Signature);
    openssl_cms_verify(&tsr, "root").unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn granted_with_mods_is_accepted() {
    let (tsr, nonce) = reference_token();
    // The status is outside the signature: grantedWithMods (1) is a token too.
    let fields = resign::fields(&tsr);
    let status = resign::sequence(&[&[0x02, 0x01, 0x01]]);
    let tsr = resign::sequence(&[&status, &fields[1].to_der().unwrap()]);
    let token = timestamp::verify(&tsr, &signature(), &anchors(&["root"]), Some(&nonce)).unwrap();
    assert_eq!(token.status, PkiStatus::GrantedWithMods);
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn inspect_reads_without_trust() {
    let (tsr, _) = reference_token();
    let summary = timestamp::inspect(&tsr).unwrap();
    let token = timestamp::verify(&tsr, &signature(), &anchors(&["root"]), None).unwrap();
    assert_eq!(summary.gen_time, token.gen_time);
    assert_eq!(summary.tsa_name.as_deref(), Some("CN=docseal test tsa-rsa"));
    assert_eq!(
        summary.signer_subject.as_deref(),
        Some("CN=docseal test tsa-rsa")
    );
    assert_eq!(summary.status, PkiStatus::Granted);
    assert_eq!(summary.imprint_algorithm, Some(HashAlgorithm::Sha256));
    assert_eq!(summary.hashed_message, resign::hash("sha256", &signature()));
    // Even a token that fails verification can be inspected.
    let forged = resigned(|edit| edit.corrupt_signature = true);
    assert_eq!(timestamp::inspect(&forged).unwrap().policy, summary.policy);
}

// ----------------------------------------------------------------- refused

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_token_over_another_signature_is_refused() {
    let (tsr, nonce) = reference_token();
    let e =
        timestamp::verify(&tsr, &other_signature(), &anchors(&["root"]), Some(&nonce)).unwrap_err();
    assert_eq!(e.check, TokenCheck::Imprint, "{e}");
    openssl_verify(&tsr, &other_signature(), "root", &[TsaCert::Rsa.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_wrong_nonce_is_refused() {
    let (tsr, nonce) = reference_token();
    let wrong = Nonce::from_be_bytes(&[0x12, 0x34]).unwrap();
    assert_ne!(wrong, nonce);
    refused(&tsr, &anchors(&["root"]), Some(&wrong), TokenCheck::Nonce);
    // Without an expected nonce the token stands.
    timestamp::verify(&tsr, &signature(), &anchors(&["root"]), None).unwrap();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn tsa_certificates_without_the_right_eku_are_refused() {
    for variant in [TsaCert::NoEku, TsaCert::NonCriticalEku, TsaCert::ExtraEku] {
        let tsr = resigned(|edit| signed_by(edit, variant));
        let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::Eku);
        assert!(e.message.contains(variant.name()), "{e}");
        openssl_verify(&tsr, &signature(), "root", &[variant.name()]).unwrap_err();
    }
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_tsa_key_usage_without_signing_is_refused() {
    let tsr = resigned(|edit| signed_by(edit, TsaCert::BadKeyUsage));
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::KeyUsage);
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::BadKeyUsage.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn an_unknown_critical_certificate_extension_is_refused() {
    let tsr = resigned(|edit| signed_by(edit, TsaCert::CriticalUnknown));
    let e = refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::CriticalExtension,
    );
    assert!(e.message.contains("1.3.6.1.4.1.99999.1"), "{e}");
    openssl_verify(
        &tsr,
        &signature(),
        "root",
        &[TsaCert::CriticalUnknown.name()],
    )
    .unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn an_anchor_that_is_not_the_tsas_root_is_refused() {
    let (tsr, _) = reference_token();
    refused(&tsr, &anchors(&["other-root"]), None, TokenCheck::Chain);
    refused(&tsr, &[], None, TokenCheck::Chain);
    openssl_verify(&tsr, &signature(), "other-root", &[TsaCert::Rsa.name()]).unwrap_err();
    // Through an intermediate the token does not carry, there is no path either.
    let server = TsaServer::start(TsaOptions {
        cert: TsaCert::ViaIntermediate,
        ..TsaOptions::default()
    });
    let (tsr, _) = stamp(&server, &signature());
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::Chain);
}

/// A token by TSA `cert`, whose reply carries `chain` too.
fn token_by(cert: TsaCert, chain: Vec<&'static str>) -> Vec<u8> {
    let server = TsaServer::start(TsaOptions {
        cert,
        chain,
        ..TsaOptions::default()
    });
    stamp(&server, &signature()).0
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn the_path_needs_each_issuers_signature() {
    // An anchor with the root's name but another key.
    let (tsr, _) = reference_token();
    let e = refused(&tsr, &anchors(&["impostor-root"]), None, TokenCheck::Chain);
    assert!(e.message.contains("does not verify"), "{e}");
    openssl_verify(&tsr, &signature(), "impostor-root", &[TsaCert::Rsa.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn the_path_needs_chained_names() {
    // An anchor with the root's key but another name.
    let (tsr, _) = reference_token();
    refused(&tsr, &anchors(&["renamed-root"]), None, TokenCheck::Chain);
    openssl_verify(&tsr, &signature(), "renamed-root", &[TsaCert::Rsa.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn issuers_must_be_cas() {
    let tsr = token_by(TsaCert::UnderNotCa, vec!["not-a-ca"]);
    let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::Chain);
    assert!(e.message.contains("not a CA"), "{e}");
    let untrusted = [TsaCert::UnderNotCa.name(), "not-a-ca"];
    openssl_verify(&tsr, &signature(), "root", &untrusted).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn issuers_with_key_usage_need_key_cert_sign() {
    let tsr = token_by(TsaCert::UnderNoCertSign, vec!["no-cert-sign"]);
    let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::Chain);
    assert!(e.message.contains("keyCertSign"), "{e}");
    let untrusted = [TsaCert::UnderNoCertSign.name(), "no-cert-sign"];
    openssl_verify(&tsr, &signature(), "root", &untrusted).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn path_length_constraints_hold() {
    // root → intermediate (pathlen 0) → sub-intermediate → TSA: one CA too many.
    let tsr = token_by(
        TsaCert::UnderSubIntermediate,
        vec!["sub-intermediate", "intermediate"],
    );
    let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::Chain);
    assert!(e.message.contains("pathLenConstraint"), "{e}");
    let untrusted = [
        TsaCert::UnderSubIntermediate.name(),
        "sub-intermediate",
        "intermediate",
    ];
    openssl_verify(&tsr, &signature(), "root", &untrusted).unwrap_err();
    // An anchor's own constraints count too: trusting the intermediate
    // directly does not lift its pathlen 0.
    refused(&tsr, &anchors(&["intermediate"]), None, TokenCheck::Chain);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_tsa_certificate_expired_at_gen_time_is_refused() {
    let server = TsaServer::start(TsaOptions {
        cert: TsaCert::Expired,
        ..TsaOptions::default()
    });
    let (tsr, _) = stamp(&server, &signature());
    refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::CertificateValidity,
    );
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Expired.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn gen_time_outside_the_anchor_window_is_refused() {
    let (tsr, _) = reference_token();
    let gen_time = timestamp::inspect(&tsr).unwrap().gen_time;
    let day = time::Duration::days(1);
    let window = |from: Option<time::OffsetDateTime>, until: Option<time::OffsetDateTime>| {
        vec![TsaAnchor {
            valid_from: from,
            valid_until: until,
            ..Pki::get().anchor("root")
        }]
    };
    refused(
        &tsr,
        &window(None, Some(gen_time - day)),
        None,
        TokenCheck::AnchorValidity,
    );
    refused(
        &tsr,
        &window(Some(gen_time + day), None),
        None,
        TokenCheck::AnchorValidity,
    );
    let inside = window(Some(gen_time - day), Some(gen_time + day));
    timestamp::verify(&tsr, &signature(), &inside, None).unwrap();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_corrupted_signature_is_refused() {
    let tsr = resigned(|edit| edit.corrupt_signature = true);
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::Signature);
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap_err();
    // The same with an ECDSA signature.
    let tsr = resigned(|edit| {
        signed_by(edit, TsaCert::P256);
        edit.corrupt_signature = true;
    });
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::Signature);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_message_digest_that_does_not_match_is_refused() {
    // Genuinely signed attributes, whose message-digest is not the TSTInfo's.
    let tsr = resigned(|edit| edit.message_digest = Some(vec![0x5a; 32]));
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::MessageDigest);
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap_err();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn the_message_digest_is_under_the_signer_infos_own_algorithm() {
    // SignerInfo digest SHA-384, message-digest = SHA-256 of the TSTInfo: refused.
    let tsr = resigned(|edit| {
        edit.digest = "sha384";
        edit.message_digest = Some(resign::hash("sha256", &edit.tst));
    });
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::MessageDigest);
    // … and SHA-512 with its own SHA-512 digest: accepted.
    let tsr = resigned(|edit| edit.digest = "sha512");
    let token = timestamp::verify(&tsr, &signature(), &anchors(&["root"]), None).unwrap();
    assert_eq!(token.signer_digest, HashAlgorithm::Sha512);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_sha1_imprint_is_refused() {
    let server = TsaServer::start(TsaOptions::default());
    let tsr = stamp_with_openssl_query(&server, &signature(), &["-sha1"]);
    let e = refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::ImprintAlgorithm,
    );
    assert!(e.message.contains("sha1"), "{e}");
    // OpenSSL, for its part, accepts it.
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn an_unknown_critical_tst_info_extension_is_refused() {
    let tsr = resigned(|edit| {
        let mut fields = resign::fields(&edit.tst);
        // [1] IMPLICIT Extensions { Extension { 1.3.6.1.4.1.99999.2, critical, NULL } }
        let extension = x509_cert::ext::Extension {
            extn_id: der::asn1::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.99999.2"),
            critical: true,
            extn_value: der::asn1::OctetString::new(vec![0x05, 0x00]).unwrap(),
        };
        let tag = Tag::ContextSpecific {
            constructed: true,
            number: der::TagNumber(1),
        };
        fields.push(Any::new(tag, extension.to_der().unwrap()).unwrap());
        edit.tst = resign::from_fields(&fields);
    });
    let e = refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::CriticalExtension,
    );
    assert!(e.message.contains("1.3.6.1.4.1.99999.2"), "{e}");
    // OpenSSL does not look at TSTInfo extensions: for it the token is valid,
    // which shows it is genuine but for the extension.
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap();
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn tst_info_version_2_is_refused() {
    let tsr = resigned(|edit| {
        let mut fields = resign::fields(&edit.tst);
        fields[0] = Any::new(Tag::Integer, vec![0x02]).unwrap();
        edit.tst = resign::from_fields(&fields);
    });
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::Version);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn an_out_of_range_accuracy_is_refused() {
    for accuracy in [
        vec![0x80, 0x02, 0x03, 0xe8],       // millis 1000
        vec![0x81, 0x01, 0x00],             // micros 0
        vec![0x02, 0x01, 0xff],             // seconds −1
        vec![0x02, 0x03, 0x01, 0x51, 0x81], // seconds 86401, over a day
        vec![0x02, 0x03, 0x01, 0x51, 0x80, 0x80, 0x02, 0x01, 0xf4], // a day and 500 ms
    ] {
        let tsr = resigned(|edit| {
            let mut fields = resign::fields(&edit.tst);
            // version, policy, messageImprint, serialNumber, genTime, accuracy
            assert_eq!(fields[5].tag(), Tag::Sequence);
            fields[5] = Any::new(Tag::Sequence, accuracy.clone()).unwrap();
            edit.tst = resign::from_fields(&fields);
        });
        refused(&tsr, &anchors(&["root"]), None, TokenCheck::Accuracy);
    }
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_rejection_is_refused() {
    let server = TsaServer::start(TsaOptions::default());
    let tsr = stamp_with_openssl_query(&server, &signature(), &["-tspolicy", "1.2.3.9.9"]);
    let e = refused(&tsr, &anchors(&["root"]), None, TokenCheck::Status);
    assert!(
        e.message.contains("rejection") && e.message.contains("unacceptedPolicy"),
        "{e}"
    );
}

#[test]
fn a_granted_reply_without_a_token_is_refused() {
    // TimeStampResp { PKIStatusInfo { granted } }
    let tsr = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00];
    refused(&tsr, &[], None, TokenCheck::Token);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn a_token_not_over_tst_info_is_refused() {
    let tsr = resigned(|edit| edit.econtent_type = resign::ID_DATA);
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::ContentType);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn two_signer_infos_are_refused() {
    let tsr = resigned(|edit| edit.second_signer = true);
    refused(&tsr, &anchors(&["root"]), None, TokenCheck::SignerCount);
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn signed_attributes_without_content_type_are_refused() {
    let tsr = resigned(|edit| edit.attrs.retain(|a| a.oid != resign::ID_CONTENT_TYPE));
    refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::SignedAttributes,
    );
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn the_signing_certificate_must_be_identified() {
    // No SigningCertificate(V2) attribute.
    let tsr = resigned(|edit| edit.drop_ess = true);
    refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::SigningCertificate,
    );
    // A SigningCertificateV2 over another certificate.
    let tsr = resigned(|edit| edit.ess_cert = Some(cert(TsaCert::P256)));
    refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::SigningCertificate,
    );
    openssl_verify(&tsr, &signature(), "root", &[TsaCert::Rsa.name()]).unwrap_err();
    // The signer's certificate is not in the token.
    let tsr = resigned(|edit| edit.certificates = vec![cert(TsaCert::P256)]);
    refused(
        &tsr,
        &anchors(&["root"]),
        None,
        TokenCheck::SigningCertificate,
    );
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn truncated_garbage_and_oversized_replies_are_refused() {
    let (tsr, _) = reference_token();
    for cut in [0, 1, 2, tsr.len() / 2, tsr.len() - 1] {
        refused(&tsr[..cut], &anchors(&["root"]), None, TokenCheck::Parse);
    }
    let mut trailing = tsr.clone();
    trailing.push(0);
    refused(&trailing, &anchors(&["root"]), None, TokenCheck::Parse);
    refused(
        b"not a time-stamp reply at all",
        &anchors(&["root"]),
        None,
        TokenCheck::Parse,
    );
    let oversized = vec![0x30; timestamp::MAX_DER_BYTES + 1];
    let e = refused(&oversized, &anchors(&["root"]), None, TokenCheck::Parse);
    assert!(e.message.contains("limit"), "{e}");
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn mutated_tokens_never_panic() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let (tsr, nonce) = reference_token();
    let anchors = anchors(&["root"]);
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        ..Config::default()
    });
    let strategy = (
        proptest::collection::vec((0..tsr.len(), any::<u8>()), 1..4),
        0..=tsr.len(),
    );
    runner
        .run(&strategy, |(flips, cut)| {
            let mut mutated = tsr.clone();
            for (at, value) in flips {
                mutated[at] = value;
            }
            mutated.truncate(cut);
            // Any outcome but a panic; an acceptance must still be over the right bytes.
            if let Ok(token) = timestamp::verify(&mutated, &signature(), &anchors, Some(&nonce)) {
                prop_assert_eq!(token.imprint_algorithm, HashAlgorithm::Sha256);
            }
            let _ = timestamp::inspect(&mutated);
            Ok(())
        })
        .unwrap();
}

#[test]
fn anchors_that_are_not_certificates_are_refused() {
    let bad = TsaAnchor {
        name: "broken".into(),
        certificate_der: vec![0x30, 0x00],
        valid_from: None,
        valid_until: None,
    };
    let tsr = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00];
    let e = timestamp::verify(&tsr, &signature(), &[bad], None).unwrap_err();
    assert_eq!(e.check, TokenCheck::Chain, "{e}");
    assert!(e.message.contains("broken"), "{e}");
}

// ------------------------------------------------------------------- fetch

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn fetch_refuses_what_is_not_a_tsa_reply() {
    let query = timestamp::query(&signature()).unwrap();
    let timeout = Duration::from_secs(10);
    let server = TsaServer::start_with(TsaOptions::default(), Behaviour::WrongContentType);
    let e = timestamp::fetch(server.url(), &query.der, timeout).unwrap_err();
    assert!(
        matches!(&e, FetchError::ContentType { found, .. } if found == "text/html"),
        "{e:?}"
    );
    assert!(e.to_string().contains(server.url()), "{e}");
    let server = TsaServer::start_with(TsaOptions::default(), Behaviour::ServerError);
    let e = timestamp::fetch(server.url(), &query.der, timeout).unwrap_err();
    assert!(matches!(e, FetchError::Status { status: 500, .. }), "{e:?}");
    let server = TsaServer::start_with(TsaOptions::default(), Behaviour::Oversized);
    let e = timestamp::fetch(server.url(), &query.der, timeout).unwrap_err();
    assert!(matches!(e, FetchError::TooLarge { .. }), "{e:?}");
}

#[test]
#[cfg_attr(not(docseal_test_openssl), ignore = "needs openssl")]
fn fetch_times_out_and_reports_an_unreachable_tsa() {
    let query = timestamp::query(&signature()).unwrap();
    let server = TsaServer::start_with(TsaOptions::default(), Behaviour::Silent);
    let started = std::time::Instant::now();
    let e = timestamp::fetch(server.url(), &query.der, Duration::from_millis(500)).unwrap_err();
    assert!(matches!(e, FetchError::TimedOut { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(server);
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/tsr");
    let e = timestamp::fetch(&url, &query.der, Duration::from_secs(5)).unwrap_err();
    assert!(
        matches!(&e, FetchError::Unreachable { url: u, .. } if *u == url),
        "{e:?}"
    );
    let e = timestamp::fetch("ftp://127.0.0.1/", &query.der, Duration::from_secs(5)).unwrap_err();
    assert!(matches!(e, FetchError::InvalidUrl { .. }), "{e:?}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The codes FORMAT.md documents are exactly the module's.
#[test]
fn format_md_lists_every_check_code() {
    let format =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/FORMAT.md")).unwrap();
    for check in TokenCheck::ALL {
        assert!(
            format.contains(&format!("`{}`", check.code())),
            "{} missing",
            check.code()
        );
    }
    let documented = format.matches("`timestamp.").count();
    assert!(documented >= TokenCheck::ALL.len());
}
