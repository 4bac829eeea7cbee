//! Instants in UTC at second precision — the only precision docseal writes —
//! and their text forms. Pure.
//!
//! Files carry the strict form `YYYY-MM-DDTHH:MM:SSZ`. People may also type
//! any RFC 3339 time (converted to UTC, fractions dropped) or a plain date
//! (midnight UTC).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// An instant in UTC, whole seconds.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(OffsetDateTime);

/// A text that is not a time docseal reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    /// Not in the strict form files use.
    #[error("{found:?} is not a UTC time of the form 2026-02-27T10:00:00Z")]
    NotStrict {
        /// What was given.
        found: String,
    },
    /// Not a time or date at all.
    #[error("{found:?} is not an RFC 3339 time (2026-02-27T10:00:00Z) or a date (2026-02-27)")]
    Unreadable {
        /// What was given.
        found: String,
    },
    /// Out of the range of representable times.
    #[error("{seconds} seconds since 1970 is out of range")]
    OutOfRange {
        /// The value.
        seconds: i64,
    },
}

impl UtcTime {
    /// Now, truncated to the second.
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// Any instant, converted to UTC and truncated to the second.
    pub fn from_datetime(t: OffsetDateTime) -> Self {
        let t = t.to_offset(time::UtcOffset::UTC);
        Self(t.replace_nanosecond(0).unwrap_or(t))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn from_unix(seconds: i64) -> Result<Self, TimeError> {
        OffsetDateTime::from_unix_timestamp(seconds)
            .map(Self)
            .map_err(|_| TimeError::OutOfRange { seconds })
    }

    /// The strict file form, `YYYY-MM-DDTHH:MM:SSZ`, and nothing else.
    pub fn parse_strict(text: &str) -> Result<Self, TimeError> {
        let not_strict = || TimeError::NotStrict {
            found: text.to_string(),
        };
        let b = text.as_bytes();
        let shape = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return Err(not_strict());
        }
        OffsetDateTime::parse(text, &Rfc3339)
            .map(Self)
            .map_err(|_| not_strict())
    }

    /// What people type: RFC 3339 with any offset (fractions of a second
    /// dropped), or a date `YYYY-MM-DD` (midnight UTC).
    pub fn parse_input(text: &str) -> Result<Self, TimeError> {
        if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
            return Ok(Self::from_datetime(t));
        }
        let date_format = time::macros::format_description!("[year]-[month]-[day]");
        time::Date::parse(text, &date_format)
            .map(|d| Self(d.midnight().assume_utc()))
            .map_err(|_| TimeError::Unreadable {
                found: text.to_string(),
            })
    }

    /// The `time` value.
    pub fn datetime(self) -> OffsetDateTime {
        self.0
    }

    /// The UTC date.
    pub fn date(self) -> time::Date {
        self.0.date()
    }

    /// Seconds since 1970.
    pub fn unix(self) -> i64 {
        self.0.unix_timestamp()
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Debug for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for UtcTime {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// In files, only the strict form.
impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_strict(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for fields of older formats that wrote any RFC 3339 time (trust
/// files of version 1 stored fractions of a second): read leniently,
/// truncated to the second.
pub mod lenient {
    use super::UtcTime;
    use serde::Deserialize;

    /// Reads any RFC 3339 time.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<UtcTime, D::Error> {
        let text = String::deserialize(d)?;
        time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339)
            .map(UtcTime::from_datetime)
            .map_err(|_| serde::de::Error::custom(format!("{text:?} is not an RFC 3339 time")))
    }

    /// The optional form.
    pub mod option {
        use super::UtcTime;
        use serde::Deserialize;

        /// Reads an optional RFC 3339 time.
        pub fn deserialize<'de, D: serde::Deserializer<'de>>(
            d: D,
        ) -> Result<Option<UtcTime>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| {
                    time::OffsetDateTime::parse(
                        &text,
                        &time::format_description::well_known::Rfc3339,
                    )
                    .map(UtcTime::from_datetime)
                    .map_err(|_| {
                        serde::de::Error::custom(format!("{text:?} is not an RFC 3339 time"))
                    })
                })
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_form_only_in_files() {
        let t = UtcTime::parse_strict("2026-02-27T10:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-02-27T10:00:00Z");
        for bad in [
            "2026-02-27T10:00:00+00:00",
            "2026-02-27T10:00:00.5Z",
            "2026-02-27t10:00:00z",
            "2026-02-27 10:00:00Z",
            "2026-02-30T10:00:00Z",
            "2026-02-27",
        ] {
            assert!(UtcTime::parse_strict(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn input_is_lenient_and_truncated_to_the_second() {
        let t = UtcTime::parse_input("2026-02-27T12:00:00.999+02:00").unwrap();
        assert_eq!(t.to_string(), "2026-02-27T10:00:00Z");
        assert_eq!(
            UtcTime::parse_input("2026-02-27").unwrap().to_string(),
            "2026-02-27T00:00:00Z"
        );
        assert!(UtcTime::parse_input("2023-13-45").is_err());
        // now() has no fraction: a trust window that starts "now" contains a
        // signature made in the same second (the four-in-five failure).
        let now = UtcTime::now();
        assert_eq!(now.datetime().nanosecond(), 0);
    }
}
