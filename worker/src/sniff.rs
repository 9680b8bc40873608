//! Tells TLS from plain HTTP by the first byte a client sends, so one port can
//! serve `https://host:PORT` (for https pages, which may not load http) and
//! `http://host:PORT` alike. Pure: the caller peeks, this decides.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// A TLS record of type handshake (a ClientHello).
    Tls,
    /// Starts like an HTTP/1 request line (`GET`, `OPTIONS`, …).
    Http,
    /// Anything else: closed without an answer.
    Unknown,
}

const TLS_HANDSHAKE_RECORD: u8 = 0x16;

pub fn sniff(first: u8) -> Sniffed {
    match first {
        TLS_HANDSHAKE_RECORD => Sniffed::Tls,
        b'A'..=b'Z' => Sniffed::Http,
        _ => Sniffed::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_client_hello_and_request_lines() {
        assert_eq!(sniff(0x16), Sniffed::Tls);
        for request in [
            "GET / HTTP/1.1",
            "OPTIONS /probe HTTP/1.1",
            "HEAD / HTTP/1.0",
        ] {
            assert_eq!(sniff(request.as_bytes()[0]), Sniffed::Http, "{request}");
        }
    }

    #[test]
    fn garbage_is_unknown() {
        for byte in [0x00, 0xff, b'g', b'\r', 0x80, 0x15] {
            assert_eq!(sniff(byte), Sniffed::Unknown, "{byte:#x}");
        }
    }
}
