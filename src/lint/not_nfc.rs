//! `not-nfc`: text not in Unicode Normalization Form C, where the same
//! visible text could be signed as different bytes.

use unicode_normalization::UnicodeNormalization;

use super::{LintName, Linter};

/// The index (in characters) of the first character that NFC changes, when
/// `text` is not in NFC.
pub(super) fn first_difference(text: &str) -> Option<usize> {
    // ASCII is always NFC; the check itself is costly on long texts.
    if text.is_ascii() || unicode_normalization::is_nfc(text) {
        return None;
    }
    let nfc: String = text.nfc().collect();
    let first = text
        .chars()
        .zip(nfc.chars())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    Some(first)
}

/// Reports the string at `pointer`, whose character `first` is the first
/// that NFC changes.
pub(super) fn report(linter: &mut Linter<'_>, pointer: &str, first: usize) {
    linter.report(
        LintName::NotNfc,
        pointer,
        Some(first),
        format!("text is not in Unicode NFC (first difference at character {first}); normalize it, or keep it if the source is so"),
    );
}

#[cfg(test)]
mod tests {
    use crate::lint::{findings, rules};

    #[test]
    fn not_nfc() {
        assert_eq!(
            rules(&findings("{\"t\": \"Vuc\u{30c}ic\u{301}\"}", None)),
            ["lint/not-nfc"]
        );
        assert!(findings("{\"t\": \"Vu\u{10d}i\u{107}\"}", None).is_empty());
    }
}
