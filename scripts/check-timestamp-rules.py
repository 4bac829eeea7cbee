"""Deletes each rule of src/timestamp/ once and runs the test that pins it:
every test must fail (run from anywhere; one cargo build per rule, ~1 min each).

    python3 scripts/check-timestamp-rules.py ["rule name" ...]
"""
import subprocess, sys, pathlib
root = pathlib.Path(__file__).resolve().parent.parent
M = [
 ("status", "verify.rs", "    if !reply.status.is_granted() {", "    if false {", "a_rejection_is_refused"),
 ("size limit", "token.rs", "    if response_der.len() > MAX_DER_BYTES {", "    if false {", "truncated_garbage_and_oversized"),
 ("eContentType", "token.rs", "    if encap.econtent_type != oid::TST_INFO {", "    if false {", "a_token_not_over_tst_info"),
 ("one SignerInfo", "token.rs", "    let [signer_info] = parts.signer_infos.as_slice() else {", "    let Some(signer_info) = parts.signer_infos.first() else {", "two_signer_infos"),
 ("content-type attribute", "verify.rs", "    if content_type != Some(oid::TST_INFO) {", "    if false {", "signed_attributes_without_content_type"),
 ("message-digest equal", "verify.rs", "    if digest.as_bytes() != computed {", "    if false {", "a_message_digest_that_does_not_match"),
 ("message-digest under own algorithm", "verify.rs", "    let computed = algorithm.hash(&token.tst_der);", "    let computed = HashAlgorithm::Sha256.hash(&token.tst_der);", "the_message_digest_is_under_the_signer_infos_own_algorithm"),
 ("signer found by sid", "verify.rs", "                tbs.issuer() == &isn.issuer && tbs.serial_number() == &isn.serial_number", "                let _ = (tbs, isn); true", "the_signing_certificate_must_be_identified"),
 ("signature", "verify.rs", "    key.verify(algorithm, signed, token.signer_info.signature.as_bytes())\n        .map_err(signature_error)", "    let _ = (key, algorithm, signed);\n    Ok(())", "a_corrupted_signature_is_refused"),
 ("PSS salt length", "algorithms.rs", "rsa::Pss::<sha2_11::Sha256>::new_with_salt(salt_length)", "{ let _ = salt_length; rsa::Pss::<sha2_11::Sha256>::new() }", "rsa_pss_is_accepted_with_its_parameters"),
 ("ESS attribute", "verify.rs", "    check_signing_certificate_attribute(&token, tsa)?;\n", "", "the_signing_certificate_must_be_identified"),
 ("EKU present", "chain.rs", "    let Some((critical, usage)) = eku else {", "    let Some((critical, usage)) = eku.or(Some((true, ExtendedKeyUsage(vec![oid::KP_TIME_STAMPING])))) else {", "tsa_certificates_without_the_right_eku"),
 ("EKU critical", "chain.rs", "    if !critical {", "    if false && !critical {", "tsa_certificates_without_the_right_eku"),
 ("EKU exactly timeStamping", "chain.rs", "    if usage.0 != [oid::KP_TIME_STAMPING] {", "    if !usage.0.contains(&oid::KP_TIME_STAMPING) {", "tsa_certificates_without_the_right_eku"),
 ("key usage", "chain.rs", "        && !usage.0.contains(KeyUsages::DigitalSignature)", "        && false", "a_tsa_key_usage_without_signing"),
 ("tsa name", "verify.rs", "    check_tsa_name(&token, tsa)?;\n", "", "a_tsa_name_that_is_not_the_signers"),
 ("critical cert extension", "chain.rs", "            if ext.critical && !known {", "            if false && ext.critical && !known {", "an_unknown_critical_certificate_extension"),
 ("issuer signature", "chain.rs", "                .and_then(|()| current.is_signed_by(candidate))", "", "the_path_needs_each_issuers_signature"),
 ("names chained", "chain.rs", "            candidate.cert.tbs_certificate().subject() == issuer_name\n                && ", "            ", "the_path_needs_chained_names"),
 ("issuer is a CA", "chain.rs", "        Some(bc) if bc.ca => {", "        Some(bc) if bc.ca || true => {", "issuers_must_be_cas"),
 ("keyCertSign", "chain.rs", "        && !usage.0.contains(KeyUsages::KeyCertSign)", "        && false", "issuers_with_key_usage_need_key_cert_sign"),
 ("path length", "chain.rs", "                && below > usize::from(limit)", "                && false && below > usize::from(limit)", "path_length_constraints_hold"),
 ("anchor required", "chain.rs", "        let Some(issuer) = next else { break };", "        let Some(issuer) = next else { return Ok(Path { certs, anchor: &anchors.first().map(|a| &a.0).unwrap_or_else(|| unreachable!()) }) };", "an_anchor_that_is_not_the_tsas_root"),
 ("certificate validity", "chain.rs", "        if !cert.is_valid_at(at) {", "        if false {", "a_tsa_certificate_expired_at_gen_time"),
 ("anchor window", "chain.rs", "    if before || after {", "    if false {", "gen_time_outside_the_anchor_window"),
 ("TSTInfo version", "verify.rs", "    if int_to_i64(&tst.version) != Some(1) {", "    if false {", "tst_info_version_2"),
 ("imprint algorithm", "verify.rs", "    let algorithm = HashAlgorithm::from_identifier(&imprint.hash_algorithm)\n        .filter(|h| h.is_sha2())", "    let algorithm = HashAlgorithm::from_identifier(&imprint.hash_algorithm)", "a_sha1_imprint_is_refused"),
 ("imprint", "verify.rs", "    if imprint.hashed_message.as_bytes() != computed {", "    if false {", "a_token_over_another_signature"),
 ("critical TSTInfo extension", "verify.rs", "find(|ext| ext.critical)", "find(|ext| ext.critical && false)", "an_unknown_critical_tst_info_extension"),
 ("accuracy parts in range", "verify.rs", "                .filter(|n| (if name == \"seconds\" { 0 } else { 1 }..=max).contains(n))", "", "an_out_of_range_accuracy"),
 ("accuracy at most a day", "verify.rs", "    if total > MAX_ACCURACY {", "    if false {", "an_out_of_range_accuracy"),
 ("nonce", "verify.rs", "        && nonce.as_ref() != Some(expected)", "        && false", "a_wrong_nonce_is_refused"),
]
only = sys.argv[1:]
results = []
for name, f, old, new, test in M:
    if only and name not in only:
        continue
    path = root / "src/timestamp" / f
    text = path.read_text()
    assert text.count(old) == 1, (name, text.count(old))
    path.write_text(text.replace(old, new))
    try:
        r = subprocess.run(["cargo", "test", "--test", "timestamp", test], cwd=root, capture_output=True, text=True)
        out = r.stdout + r.stderr
        if "error[" in out or "error:" in out and "could not compile" in out:
            status = "DOES NOT COMPILE"
        elif r.returncode != 0 and "test result: FAILED" in out:
            status = "test fails (good)"
        elif r.returncode == 0:
            status = "TEST STILL PASSES"
        else:
            status = "other failure"
    finally:
        path.write_text(text)
    line = f"{name:40} {test:60} {status}"
    print(line, flush=True)
    results.append(line)
sys.exit(1 if any(not line.endswith("(good)") for line in results) else 0)
