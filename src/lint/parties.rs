//! `parties`: an occasion host or guest that is not among the parties, and
//! a party without a representative.

use serde_json::Value;

use super::{LintName, Linter};

/// The occasion's host and guests, and the parties' representatives.
pub(super) fn check(linter: &mut Linter<'_>, value: &Value) {
    hosts_and_guests(linter, value);
    representatives(linter, value);
}

/// The host and every guest must be among the parties.
fn hosts_and_guests(linter: &mut Linter<'_>, value: &Value) {
    let ids: Vec<&str> = value["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["id"].as_str())
        .collect();
    if let Some(host) = value["occasion"]["host"].as_str()
        && !ids.contains(&host)
    {
        linter.report(
            LintName::Parties,
            "/occasion/host",
            None,
            format!(
                "the host {host:?} is not among the parties ({})",
                ids.join(", ")
            ),
        );
    }
    for (i, guest) in value["occasion"]["guests"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(g) = guest.as_str()
            && !ids.contains(&g)
        {
            linter.report(
                LintName::Parties,
                &format!("/occasion/guests/{i}"),
                None,
                format!(
                    "the guest {g:?} is not among the parties ({})",
                    ids.join(", ")
                ),
            );
        }
    }
}

/// Every party has someone who speaks for it.
fn representatives(linter: &mut Linter<'_>, value: &Value) {
    for (i, party) in value["parties"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if party["representatives"]
            .as_array()
            .is_none_or(Vec::is_empty)
        {
            linter.report(
                LintName::Parties,
                &format!("/parties/{i}"),
                None,
                format!(
                    "party {} has no representative",
                    party["id"].as_str().unwrap_or("?")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::findings;

    #[test]
    fn parties() {
        let f = findings(
            r#"{"parties": [{"id": "KZ", "representatives": [{"name": "A"}]}, {"id": "RS"}], "occasion": {"host": "KZ", "guests": ["RS", "FR"]}}"#,
            None,
        );
        let messages: Vec<&str> = f.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("\"FR\" is not among the parties"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("RS has no representative"))
        );
        let fine = r#"{"parties": [{"id": "KZ", "representatives": [{"name": "A"}]}, {"id": "RS", "representatives": [{"name": "B"}]}], "occasion": {"host": "KZ", "guests": ["RS"]}}"#;
        assert!(findings(fine, None).is_empty());
    }
}
