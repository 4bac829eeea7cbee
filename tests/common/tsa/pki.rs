//! The test PKI, made once per test process with the `openssl` binary: a
//! root, an unrelated root, an intermediate CA, and TSA certificates (RSA,
//! P-256, P-384, through the intermediate, and the broken variants the
//! refusal tests need).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use docseal::timestamp::TsaAnchor;

/// `openssl ca` configuration: the extensions of each kind of certificate.
const CA_CNF: &str = r#"
[ca]
default_ca = ca_section
[ca_section]
dir = .
database = ./index.txt
new_certs_dir = ./issued
serial = ./ca.serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[policy_any]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[root_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[not_a_ca_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,keyCertSign,digitalSignature
subjectKeyIdentifier = hash
[no_cert_sign_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,cRLSign
subjectKeyIdentifier = hash
[tsa_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[no_eku_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
subjectKeyIdentifier = hash
[noncritical_eku_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = timeStamping
subjectKeyIdentifier = hash
[extra_eku_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping,serverAuth
subjectKeyIdentifier = hash
[bad_key_usage_ext]
basicConstraints = CA:FALSE
keyUsage = critical,keyEncipherment
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
[critical_unknown_ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
1.3.6.1.4.1.99999.1 = critical,ASN1:NULL
"#;

/// A TSA certificate of the test PKI (the file stem of its `.pem`).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub enum TsaCert {
    /// RSA-2048, issued by the root: the reference TSA.
    Rsa,
    /// ECDSA P-256, issued by the root.
    P256,
    /// ECDSA P-384, issued by the root.
    P384,
    /// The RSA key, issued by the intermediate CA.
    ViaIntermediate,
    /// The RSA key, without extendedKeyUsage.
    NoEku,
    /// The RSA key, with a non-critical timeStamping EKU.
    NonCriticalEku,
    /// The RSA key, with timeStamping and serverAuth.
    ExtraEku,
    /// The RSA key, valid only in 2020.
    Expired,
    /// The RSA key, with keyUsage keyEncipherment only.
    BadKeyUsage,
    /// The RSA key, with an unknown critical extension.
    CriticalUnknown,
    /// The RSA key, issued by a certificate that is not a CA.
    UnderNotCa,
    /// The RSA key, issued by a CA whose keyUsage lacks keyCertSign.
    UnderNoCertSign,
    /// The RSA key, issued by a CA under the intermediate (pathlen 0).
    UnderSubIntermediate,
}

impl TsaCert {
    /// Every TSA certificate, for generation.
    const ALL: [TsaCert; 13] = [
        Self::Rsa,
        Self::P256,
        Self::P384,
        Self::ViaIntermediate,
        Self::NoEku,
        Self::NonCriticalEku,
        Self::ExtraEku,
        Self::Expired,
        Self::BadKeyUsage,
        Self::CriticalUnknown,
        Self::UnderNotCa,
        Self::UnderNoCertSign,
        Self::UnderSubIntermediate,
    ];

    /// The file stem.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rsa => "tsa-rsa",
            Self::P256 => "tsa-p256",
            Self::P384 => "tsa-p384",
            Self::ViaIntermediate => "tsa-via-intermediate",
            Self::NoEku => "tsa-no-eku",
            Self::NonCriticalEku => "tsa-noncritical-eku",
            Self::ExtraEku => "tsa-extra-eku",
            Self::Expired => "tsa-expired",
            Self::BadKeyUsage => "tsa-bad-key-usage",
            Self::CriticalUnknown => "tsa-critical-unknown",
            Self::UnderNotCa => "tsa-under-not-a-ca",
            Self::UnderNoCertSign => "tsa-under-no-cert-sign",
            Self::UnderSubIntermediate => "tsa-under-sub-intermediate",
        }
    }

    /// The private key's file stem.
    pub fn key(self) -> &'static str {
        match self {
            Self::P256 => "key-p256",
            Self::P384 => "key-p384",
            _ => "key-rsa",
        }
    }

    /// (issuer, extensions section, validity arguments of `openssl ca`).
    fn issuance(self) -> (&'static str, &'static str, &'static [&'static str]) {
        const TEN_YEARS: &[&str] = &["-days", "3650"];
        match self {
            Self::Rsa | Self::P256 | Self::P384 => ("root", "tsa_ext", TEN_YEARS),
            Self::ViaIntermediate => ("intermediate", "tsa_ext", TEN_YEARS),
            Self::NoEku => ("root", "no_eku_ext", TEN_YEARS),
            Self::NonCriticalEku => ("root", "noncritical_eku_ext", TEN_YEARS),
            Self::ExtraEku => ("root", "extra_eku_ext", TEN_YEARS),
            Self::Expired => (
                "root",
                "tsa_ext",
                &[
                    "-startdate",
                    "20200101000000Z",
                    "-enddate",
                    "20201231235959Z",
                ],
            ),
            Self::BadKeyUsage => ("root", "bad_key_usage_ext", TEN_YEARS),
            Self::CriticalUnknown => ("root", "critical_unknown_ext", TEN_YEARS),
            Self::UnderNotCa => ("not-a-ca", "tsa_ext", TEN_YEARS),
            Self::UnderNoCertSign => ("no-cert-sign", "tsa_ext", TEN_YEARS),
            Self::UnderSubIntermediate => ("sub-intermediate", "tsa_ext", TEN_YEARS),
        }
    }
}

/// The generated PKI: a folder of `.pem`/`.key`/`.der` files.
pub struct Pki {
    dir: PathBuf,
}

/// Runs `openssl` in `dir` and panics with its stderr when it fails.
pub fn openssl(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

impl Pki {
    /// The PKI of this test process, made on first use.
    pub fn get() -> &'static Pki {
        static PKI: OnceLock<Pki> = OnceLock::new();
        PKI.get_or_init(Pki::generate)
    }

    fn generate() -> Pki {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale(base);
        let dir = base.join(format!("tsa-pki-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("issued")).unwrap();
        std::fs::write(dir.join("ca.cnf"), CA_CNF).unwrap();
        std::fs::write(dir.join("index.txt"), "").unwrap();
        std::fs::write(dir.join("ca.serial"), "1000\n").unwrap();
        let run = |args: &[&str]| openssl(&dir, args);
        for (key, algorithm) in [
            ("key-root", "rsa"),
            ("key-other-root", "rsa"),
            ("key-intermediate", "rsa"),
            ("key-rsa", "rsa"),
            ("key-p256", "P-256"),
            ("key-p384", "P-384"),
        ] {
            let file = format!("{key}.key");
            match algorithm {
                "rsa" => run(&[
                    "genpkey",
                    "-algorithm",
                    "RSA",
                    "-pkeyopt",
                    "rsa_keygen_bits:2048",
                    "-out",
                    &file,
                ]),
                curve => run(&[
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    &format!("ec_paramgen_curve:{curve}"),
                    "-out",
                    &file,
                ]),
            };
        }
        // Self-signed: (name, key, subject). The impostor has the root's
        // name and another key; the renamed root the root's key and another name.
        for (name, key, cn) in [
            ("root", "key-root", "docseal test TSA root"),
            ("other-root", "key-other-root", "docseal unrelated root"),
            ("impostor-root", "key-other-root", "docseal test TSA root"),
            ("renamed-root", "key-root", "docseal renamed root"),
        ] {
            run(&[
                "req",
                "-x509",
                "-config",
                "ca.cnf",
                "-extensions",
                "root_ext",
                "-key",
                &format!("{key}.key"),
                "-subj",
                &format!("/CN={cn}"),
                "-days",
                "7300",
                "-out",
                &format!("{name}.pem"),
            ]);
        }
        // Issuers below the root: (name, issuer, extensions).
        for (name, issuer, extensions) in [
            ("intermediate", "root", "intermediate_ext"),
            ("not-a-ca", "root", "not_a_ca_ext"),
            ("no-cert-sign", "root", "no_cert_sign_ext"),
            ("sub-intermediate", "intermediate", "root_ext"),
        ] {
            let cn = format!("docseal test {name}");
            issue(
                &dir,
                name,
                "key-intermediate",
                &cn,
                (issuer, extensions, &["-days", "3650"]),
            );
        }
        for tsa in TsaCert::ALL {
            let cn = format!("docseal test {}", tsa.name());
            issue(&dir, tsa.name(), tsa.key(), &cn, tsa.issuance());
        }
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pem") {
                let der = path.with_extension("der");
                run(&[
                    "x509",
                    "-in",
                    path.to_str().unwrap(),
                    "-outform",
                    "DER",
                    "-out",
                    der.to_str().unwrap(),
                ]);
            }
        }
        Pki { dir }
    }

    /// The PKI's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A certificate's PEM file (`root`, `other-root`, `intermediate`, or a TSA's name).
    pub fn pem(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.pem"))
    }

    /// A certificate's DER.
    pub fn der(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.join(format!("{name}.der"))).unwrap()
    }

    /// A private key's PEM file.
    pub fn key(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.key"))
    }

    /// The certificate `name` as an anchor, trusted at all times.
    pub fn anchor(&self, name: &str) -> TsaAnchor {
        TsaAnchor {
            name: name.to_string(),
            certificate_der: self.der(name),
            valid_from: None,
            valid_until: None,
        }
    }
}

/// Issues certificate `name` for `key` with `openssl ca`.
fn issue(
    dir: &Path,
    name: &str,
    key: &str,
    cn: &str,
    (issuer, extensions, validity): (&str, &str, &[&str]),
) {
    let csr = format!("{name}.csr");
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-config",
            "ca.cnf",
            "-key",
            &format!("{key}.key"),
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            &csr,
        ],
    );
    let mut args = vec![
        "ca".to_string(),
        "-batch".into(),
        "-config".into(),
        "ca.cnf".into(),
        "-cert".into(),
        format!("{issuer}.pem"),
        "-keyfile".into(),
        format!("{}.key", issuer_key(issuer)),
        "-in".into(),
        csr,
        "-out".into(),
        format!("{name}.pem"),
        "-extensions".into(),
        extensions.into(),
        "-notext".into(),
    ];
    args.extend(validity.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    openssl(dir, &args);
}

/// The private key of an issuing certificate.
fn issuer_key(issuer: &str) -> &'static str {
    match issuer {
        "root" => "key-root",
        _ => "key-intermediate",
    }
}

/// Removes the PKI folders of test processes that have ended.
fn remove_stale(base: &Path) {
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("tsa-pki-")) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}
