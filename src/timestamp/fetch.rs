//! Sending a request to a TSA over HTTP (RFC 3161 §3.4): the only network
//! access in docseal.

use std::time::Duration;

/// The largest reply read from a TSA. Real replies are a few KiB; the
/// verifier refuses anything over [`super::MAX_DER_BYTES`] anyway.
pub const MAX_RESPONSE_BYTES: u64 = 1024 * 1024;

/// The request's media type (RFC 3161 §3.4).
const QUERY_TYPE: &str = "application/timestamp-query";
/// The reply's media type (RFC 3161 §3.4).
const REPLY_TYPE: &str = "application/timestamp-reply";

/// Why no reply came back from a TSA. Each names the URL.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL is not an `http` or `https` URL docseal can send to.
    #[error("{url}: not a usable TSA URL: {reason}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No connection could be made: the name does not resolve, nothing
    /// listens, or connecting took longer than the timeout.
    #[error("{url}: the TSA cannot be reached: {reason}")]
    Unreachable {
        /// The TSA's URL.
        url: String,
        /// What failed.
        reason: String,
    },
    /// Connected, but the reply did not arrive within the timeout.
    #[error("{url}: no reply from the TSA within {timeout:?}")]
    TimedOut {
        /// The TSA's URL.
        url: String,
        /// The timeout that ran out.
        timeout: Duration,
    },
    /// The TSA answered with an HTTP error status.
    #[error("{url}: the TSA answered HTTP {status}")]
    Status {
        /// The TSA's URL.
        url: String,
        /// The HTTP status code.
        status: u16,
    },
    /// The reply is not `application/timestamp-reply`.
    #[error("{url}: the reply is {found:?}, expected {REPLY_TYPE}")]
    ContentType {
        /// The TSA's URL.
        url: String,
        /// The `Content-Type` received (empty when absent).
        found: String,
    },
    /// The reply is longer than [`MAX_RESPONSE_BYTES`].
    #[error("{url}: the reply is over {limit} bytes")]
    TooLarge {
        /// The TSA's URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// Any other failure of the exchange (TLS, HTTP protocol, I/O).
    #[error("{url}: the exchange with the TSA failed: {reason}")]
    Transport {
        /// The TSA's URL.
        url: String,
        /// What failed.
        reason: String,
    },
}

/// POSTs `query_der` to the TSA at `url` and returns the reply's bytes
/// (unverified: pass them to [`super::verify`]).
///
/// `timeout` bounds connecting, and also the whole exchange (connecting
/// included, up to the last byte of the reply). Redirects are not followed (RFC 3161 gives them no meaning, and a
/// POST body is not resent). Proxies are taken from the usual environment
/// variables (`HTTPS_PROXY`, `NO_PROXY`, …).
pub fn fetch(url: &str, query_der: &[u8], timeout: Duration) -> Result<Vec<u8>, FetchError> {
    let owned = || url.to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(FetchError::InvalidUrl {
            url: owned(),
            reason: "it must start with http:// or https://".into(),
        });
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(timeout))
        .timeout_per_call(Some(timeout))
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .header("Content-Type", QUERY_TYPE)
        .header("Accept", REPLY_TYPE)
        .send(query_der)
        .map_err(|e| classify(url, timeout, e))?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(FetchError::Status {
            url: owned(),
            status,
        });
    }
    let found = response
        .headers()
        .get("content-type")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    // Parameters (`; charset=…`) are allowed; the media type is not case-sensitive.
    let media_type = found.split(';').next().unwrap_or_default().trim();
    if !media_type.eq_ignore_ascii_case(REPLY_TYPE) {
        return Err(FetchError::ContentType {
            url: owned(),
            found,
        });
    }
    response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| classify(url, timeout, e))
}

/// Sorts a ureq error into the variant the CLI needs to tell apart.
fn classify(url: &str, timeout: Duration, error: ureq::Error) -> FetchError {
    use std::io::ErrorKind;
    let url = url.to_string();
    let reason = error.to_string();
    match error {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => FetchError::InvalidUrl { url, reason },
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
            FetchError::Unreachable { url, reason }
        }
        ureq::Error::Timeout(ureq::Timeout::Resolve | ureq::Timeout::Connect) => {
            FetchError::Unreachable { url, reason }
        }
        ureq::Error::Timeout(_) => FetchError::TimedOut { url, timeout },
        ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge {
            url,
            limit: MAX_RESPONSE_BYTES,
        },
        ureq::Error::Io(io)
            if matches!(
                io.kind(),
                ErrorKind::ConnectionRefused
                    | ErrorKind::HostUnreachable
                    | ErrorKind::NetworkUnreachable
                    | ErrorKind::AddrNotAvailable
            ) =>
        {
            FetchError::Unreachable { url, reason }
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::TimedOut => {
            FetchError::TimedOut { url, timeout }
        }
        _ => FetchError::Transport { url, reason },
    }
}
