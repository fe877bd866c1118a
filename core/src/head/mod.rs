//! HTTP/1.x heads: finding their end, looking up fields, body framing, and writing them safely.

pub(crate) mod fields;
pub(crate) mod framing;
pub(crate) mod scan;
pub(crate) mod token;
pub(crate) mod write;

pub use framing::BodyFraming;
