//! `invisible-character`: soft hyphens, zero-width characters, bidi
//! controls and other format or control characters a reader cannot see but
//! that are part of the signed bytes. Found by the shared scan of `text`.

/// What to do about it, after the finding's message.
pub(super) const ADVICE: &str = "it is part of the signed bytes but cannot be seen";

/// Name of an invisible format or control character, if `c` is one.
pub(super) fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "soft hyphen",
        '\u{200B}' => "zero width space",
        '\u{200C}' => "zero width non-joiner",
        '\u{200D}' => "zero width joiner",
        '\u{200E}' | '\u{200F}' | '\u{061C}' => "bidirectional mark",
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => "bidirectional control",
        '\u{2060}'..='\u{2064}' => "invisible operator or word joiner",
        '\u{FEFF}' => "zero width no-break space (byte order mark)",
        '\u{180E}' => "Mongolian vowel separator",
        '\u{FFF9}'..='\u{FFFB}' => "interlinear annotation",
        '\u{E0000}'..='\u{E007F}' => "tag character",
        '\n' | '\t' | '\r' => return None,
        c if c.is_control() => "control character",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::{findings, rules};

    #[test]
    fn invisible_characters() {
        let f = findings("{\"t\": \"Pre\u{ad}sident\"}", None);
        assert_eq!(rules(&f), ["lint/invisible-character"]);
        assert!(f[0].message.contains("U+00AD"));
        assert!(findings(r#"{"t": "President"}"#, None).is_empty());
    }
}
