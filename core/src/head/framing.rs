//! How the body after a head is delimited (RFC 9112 §6.3), reported to the adapter that reads it.

use super::fields::{Fields, Name, list_elements};
use super::token::trim_ows;

/// How the body that follows a head is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BodyFraming {
    /// There is no body (a response to `HEAD`, a 1xx, 204 or 304 response, a request without
    /// `Content-Length` or `Transfer-Encoding`).
    None,
    /// Exactly this many bytes follow.
    Length(u64),
    /// The body is chunked; decode it with [`ChunkedDecoder`](crate::ChunkedDecoder).
    Chunked,
    /// The body runs until the peer closes the connection (a response without length or with a
    /// transfer coding other than chunked last). The connection cannot be reused afterwards.
    UntilClose,
}

/// Why the framing headers could not be understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FramingError {
    /// `Content-Length` is not a number, or several disagree.
    InvalidContentLength,
    /// A request's `Transfer-Encoding` does not end in `chunked`.
    InvalidTransferEncoding,
}

/// The framing of a response, given whether its request was `HEAD` and its status.
pub(crate) fn response_framing(
    fields: &Fields<'_, '_>,
    request_was_head: bool,
    status: u16,
) -> Result<BodyFraming, FramingError> {
    if request_was_head || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(BodyFraming::None);
    }
    if let Some(chunked_last) = transfer_coding(fields) {
        // A transfer coding other than chunked last leaves the length to the closing of the
        // connection.
        return Ok(if chunked_last { BodyFraming::Chunked } else { BodyFraming::UntilClose });
    }
    match content_length(fields)? {
        Some(len) => Ok(BodyFraming::Length(len)),
        None => Ok(BodyFraming::UntilClose),
    }
}

/// The framing of a request body. Requests without length are bodiless, and a transfer coding that
/// is not chunked last cannot be delimited at all (RFC 9112 §6.3 rule 4: answer 400).
pub(crate) fn request_framing(fields: &Fields<'_, '_>) -> Result<BodyFraming, FramingError> {
    if let Some(chunked_last) = transfer_coding(fields) {
        return if chunked_last {
            Ok(BodyFraming::Chunked)
        } else {
            Err(FramingError::InvalidTransferEncoding)
        };
    }
    match content_length(fields)? {
        Some(0) | None => Ok(BodyFraming::None),
        Some(len) => Ok(BodyFraming::Length(len)),
    }
}

/// Whether `Transfer-Encoding` is present, and if so whether its last coding is `chunked`.
fn transfer_coding(fields: &Fields<'_, '_>) -> Option<bool> {
    let mut last: Option<&[u8]> = None;
    let mut present = false;
    for value in fields.values(Name::TransferEncoding) {
        present = true;
        for element in list_elements(value) {
            last = Some(element);
        }
    }
    present.then(|| last.is_some_and(|c| trim_ows(c).eq_ignore_ascii_case(b"chunked")))
}

/// `Content-Length`, if present. Repeated lines or list members must all agree (RFC 9110 §8.6).
fn content_length(fields: &Fields<'_, '_>) -> Result<Option<u64>, FramingError> {
    let mut found: Option<u64> = None;
    for value in fields.values(Name::ContentLength) {
        let mut any = false;
        for element in list_elements(value) {
            any = true;
            let len = parse_length(element).ok_or(FramingError::InvalidContentLength)?;
            if found.is_some_and(|f| f != len) {
                return Err(FramingError::InvalidContentLength);
            }
            found = Some(len);
        }
        if !any {
            return Err(FramingError::InvalidContentLength);
        }
    }
    Ok(found)
}

/// `1*DIGIT` as a u64, refusing signs, spaces inside and overflow.
fn parse_length(text: &[u8]) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u64, |acc, &b| {
        if b.is_ascii_digit() {
            acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::head::fields::test_fields;

    fn response(
        headers: &[(&str, &str)],
        head: bool,
        status: u16,
    ) -> Result<BodyFraming, FramingError> {
        test_fields(headers, |f| response_framing(f, head, status))
    }

    fn request(headers: &[(&str, &str)]) -> Result<BodyFraming, FramingError> {
        test_fields(headers, request_framing)
    }

    #[test]
    fn response_table() {
        use BodyFraming::*;
        let cl = [("Content-Length", "12")];
        assert_eq!(response(&cl, false, 200), Ok(Length(12)));
        assert_eq!(response(&cl, true, 200), Ok(None), "response to HEAD");
        assert_eq!(response(&cl, false, 204), Ok(None));
        assert_eq!(response(&cl, false, 304), Ok(None));
        assert_eq!(response(&cl, false, 100), Ok(None));
        assert_eq!(response(&[], false, 200), Ok(UntilClose));
        assert_eq!(response(&[("Transfer-Encoding", "chunked")], false, 200), Ok(Chunked));
        assert_eq!(response(&[("Transfer-Encoding", "gzip, Chunked")], false, 200), Ok(Chunked));
        assert_eq!(response(&[("Transfer-Encoding", "chunked, gzip")], false, 200), Ok(UntilClose));
        assert_eq!(
            response(&[("Transfer-Encoding", "chunked"), ("Content-Length", "5")], false, 200),
            Ok(Chunked),
            "Transfer-Encoding overrides Content-Length"
        );
        assert_eq!(response(&[("Content-Length", "7, 7")], false, 200), Ok(Length(7)));
        assert_eq!(
            response(&[("Content-Length", "7"), ("content-length", "7")], false, 200),
            Ok(Length(7))
        );
    }

    #[test]
    fn bad_lengths_are_refused() {
        for bad in ["", "-1", "+5", "1 2", "0x10", "99999999999999999999", "7, 8", ","] {
            assert_eq!(
                response(&[("Content-Length", bad)], false, 200),
                Err(FramingError::InvalidContentLength),
                "{bad:?}"
            );
        }
        assert_eq!(
            response(&[("Content-Length", "7"), ("Content-Length", "8")], false, 200),
            Err(FramingError::InvalidContentLength)
        );
    }

    #[test]
    fn request_table() {
        use BodyFraming::*;
        assert_eq!(request(&[]), Ok(None));
        assert_eq!(request(&[("Content-Length", "0")]), Ok(None));
        assert_eq!(request(&[("Content-Length", "3")]), Ok(Length(3)));
        assert_eq!(request(&[("Transfer-Encoding", "chunked")]), Ok(Chunked));
        assert_eq!(
            request(&[("Transfer-Encoding", "gzip")]),
            Err(FramingError::InvalidTransferEncoding)
        );
    }
}
