//! `dates`: a range that ends before it starts, a statement dated before
//! its occasion began, and years far outside a plausible range (before 1800
//! or more than 50 years ahead).

use serde_json::Value;

use super::{LintName, Linter};

fn date_of(value: &Value) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value.as_str()?, &format).ok()
}

/// The statement's date, its occasion and the dates of its references.
pub(super) fn check(linter: &mut Linter<'_>, value: &Value) {
    let mut ranges: Vec<(String, &Value)> = Vec::new();
    if value.get("date").is_some() {
        ranges.push(("/date".into(), &value["date"]));
    }
    if value.get("occasion").is_some() {
        ranges.push(("/occasion".into(), &value["occasion"]));
    }
    for (i, r) in value["references"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if r.get("date").is_some() {
            ranges.push((format!("/references/{i}/date"), &r["date"]));
        }
    }
    let this_year = time::OffsetDateTime::now_utc().year();
    for (pointer, range) in &ranges {
        let (start, end) = (date_of(&range["start"]), date_of(&range["end"]));
        if let (Some(s), Some(e)) = (start, end)
            && s > e
        {
            linter.report(
                LintName::Dates,
                &format!("{pointer}/end"),
                None,
                format!("ends ({e}) before it starts ({s})"),
            );
        }
        for (field, d) in [("start", start), ("end", end)] {
            if let Some(d) = d
                && (d.year() < 1800 || d.year() > this_year + 50)
            {
                linter.report(
                    LintName::Dates,
                    &format!("{pointer}/{field}"),
                    None,
                    format!("{d} is far outside a plausible range for a statement"),
                );
            }
        }
    }
    if let (Some(adopted), Some(began)) = (
        date_of(&value["date"]["start"]),
        date_of(&value["occasion"]["start"]),
    ) && adopted < began
    {
        linter.report(
            LintName::Dates,
            "/date/start",
            None,
            format!("the statement is dated {adopted}, before its occasion began ({began})"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::{findings, rules};

    #[test]
    fn dates() {
        let f = findings(
            r#"{"occasion": {"start": "2026-02-27", "end": "2026-02-26"}, "date": {"start": "2026-02-20"}}"#,
            None,
        );
        assert_eq!(rules(&f), ["lint/dates", "lint/dates"]);
        assert!(
            findings(
                r#"{"references": [{"date": {"start": "1066-10-14"}}]}"#,
                None
            )
            .len()
                == 1
        );
        assert!(findings(r#"{"occasion": {"start": "2026-02-26", "end": "2026-02-27"}, "date": {"start": "2026-02-27"}}"#, None).is_empty());
    }
}
