//! Key files: PEM armour, PKCS#8 v1 (plain and encrypted, scrypt) private
//! keys and SPKI public keys.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zeroize::Zeroizing;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.pem");
    let _ = docseal::keys::parse_public_key(text, path);
    // The passphrase of the encrypted seed, so that decryption is reached.
    let mut passphrase = || Some(Zeroizing::new("fuzz passphrase".to_string()));
    let _ = docseal::keys::parse_private_key(text, path, &mut passphrase);
});
