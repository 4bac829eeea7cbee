//! The rules on entry names: UTF-8, relative, no `..`, `.` or empty
//! components, no backslash, drive letter or NUL.

use super::code::{ContainerCode, UnsafeArchive};

fn refuse(code: ContainerCode, name: &str, offset: u64, reason: &str) -> UnsafeArchive {
    UnsafeArchive::new(code, name, Some(offset), reason)
}

/// Checks an entry name (`utf8_flag`: general-purpose bit 11); returns it.
/// `offset` is where its central header starts, for the report.
pub(super) fn check_name(
    raw: &[u8],
    utf8_flag: bool,
    offset: u64,
) -> Result<String, UnsafeArchive> {
    let Ok(name) = std::str::from_utf8(raw) else {
        let shown = String::from_utf8_lossy(raw);
        return Err(refuse(
            ContainerCode::BadName,
            &shown,
            offset,
            "name is not UTF-8",
        ));
    };
    match broken_rule(name, utf8_flag) {
        Some((code, reason)) => Err(refuse(code, name, offset, reason)),
        None => Ok(name.to_string()),
    }
}

/// The first rule a UTF-8 name breaks, in the order they are checked.
fn broken_rule(name: &str, utf8_flag: bool) -> Option<(ContainerCode, &'static str)> {
    let bytes = name.as_bytes();
    let whole = [
        (name.is_empty(), ContainerCode::BadName, "empty name"),
        // Without bit 11 a reader decodes the name as IBM code page 437,
        // and would see another name than this one.
        (
            !utf8_flag && !name.is_ascii(),
            ContainerCode::BadName,
            "non-ASCII name without the UTF-8 flag (bit 11): other readers decode it as CP437",
        ),
        (
            name.contains('\0'),
            ContainerCode::BadName,
            "name contains NUL",
        ),
        (
            name.contains('\\'),
            ContainerCode::BadName,
            "name contains a backslash",
        ),
        (
            name.starts_with('/'),
            ContainerCode::AbsolutePath,
            "absolute path",
        ),
        (
            bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':',
            ContainerCode::AbsolutePath,
            "drive letter",
        ),
    ];
    if let Some((_, code, reason)) = whole.into_iter().find(|(broken, _, _)| *broken) {
        return Some((code, reason));
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    trimmed.split('/').find_map(|part| match part {
        ".." => Some((ContainerCode::PathTraversal, "`..` component")),
        "" | "." => Some((ContainerCode::BadName, "empty or `.` component")),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(check_name(b"bag/data/a.txt", false, 0).is_ok());
        assert!(check_name("bag/data/é".as_bytes(), true, 0).is_ok());
        for (bad, code) in [
            (&b"/etc/passwd"[..], ContainerCode::AbsolutePath),
            (b"bag/../x", ContainerCode::PathTraversal),
            (b"bag\\x", ContainerCode::BadName),
            (b"C:x", ContainerCode::AbsolutePath),
            (b"bag/a\0b", ContainerCode::BadName),
            (b"bag//x", ContainerCode::BadName),
            (b"bag/./x", ContainerCode::BadName),
            (b"", ContainerCode::BadName),
            (b"bag/\xff", ContainerCode::BadName),
        ] {
            let e = check_name(bad, true, 0).unwrap_err();
            assert_eq!(e.code, code, "{}", String::from_utf8_lossy(bad));
        }
        let e = check_name("bag/é".as_bytes(), false, 0).unwrap_err();
        assert_eq!(e.code, ContainerCode::BadName);
    }
}
