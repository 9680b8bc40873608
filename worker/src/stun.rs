//! STUN Binding (RFC 8489): the answer that turns into a server-reflexive
//! candidate in the browser, proving UDP to this port goes out and comes back.
//! Pure: a datagram and its sender in, a datagram out; sockets live in
//! `server.rs`. The codec is stun-rs.

use std::net::SocketAddr;

use stun_rs::attributes::stun::{Fingerprint, XorMappedAddress};
use stun_rs::methods::BINDING;
use stun_rs::{
    get_input_text, MessageClass, MessageDecoderBuilder, MessageEncoderBuilder, StunMessageBuilder,
};

/// An answer is never larger than this: header, XOR-MAPPED-ADDRESS (IPv6: 24
/// bytes) and FINGERPRINT make 52. FINGERPRINT is only echoed to a request
/// that has one (28 bytes or more), so a spoofed sender gets at most 2.2× the
/// request's bytes (IPv6, bare 20-byte request: 44 bytes), 1.6× over IPv4.
/// The address must be in the answer, so a bare request (what Chromium sends)
/// cannot get an answer as short as itself.
pub const MAX_ANSWER: usize = 64;

/// Anything shorter is not a STUN message; anything longer than a request
/// needs to be is ignored before decoding.
const STUN_HEADER: usize = 20;
const MAX_REQUEST: usize = 548;

/// The Binding success response for a Binding request, or `None` for anything
/// else (garbage, other methods, responses, a bad FINGERPRINT): those get no
/// answer at all.
pub fn answer(datagram: &[u8], sender: SocketAddr, out: &mut [u8; MAX_ANSWER]) -> Option<usize> {
    if !(STUN_HEADER..=MAX_REQUEST).contains(&datagram.len()) {
        return None;
    }
    let (request, _) = MessageDecoderBuilder::default()
        .build()
        .decode(datagram)
        .ok()?;
    if request.method() != BINDING || request.class() != MessageClass::Request {
        return None;
    }
    // Decoding without a context does not check FINGERPRINT; do it here so a
    // corrupted request is not answered.
    let fingerprinted = match request.get::<Fingerprint>() {
        Some(fingerprint) => {
            let input = get_input_text::<Fingerprint>(datagram)?;
            if !fingerprint.as_fingerprint().ok()?.validate(&input) {
                return None;
            }
            true
        }
        None => false,
    };
    let mut response = StunMessageBuilder::new(BINDING, MessageClass::SuccessResponse)
        .with_transaction_id(*request.transaction_id())
        .with_attribute(XorMappedAddress::from(sender));
    // FINGERPRINT only for a client that uses it (RFC 8489 section 7.3): a bare
    // request gets the shortest answer that carries the address.
    if fingerprinted {
        response = response.with_attribute(Fingerprint::default());
    }
    let response = response.build();
    MessageEncoderBuilder::default()
        .build()
        .encode(out, &response)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stun_rs::attributes::stun::{MessageIntegrity, UserName};
    use stun_rs::{DecoderContextBuilder, HMACKey, StunMessage};

    // RFC 5769 section 2.1: sample request (short-term credentials).
    const SAMPLE_REQUEST: [u8; 108] = [
        0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e, 0x20, 0x74,
        0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24, 0x00, 0x04, 0x6e,
        0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1, 0x51, 0x26, 0x3b, 0x36,
        0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68, 0x36, 0x76, 0x59, 0x20, 0x20,
        0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c, 0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e,
        0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5, 0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5,
        0x7a, 0x3b, 0xcf,
    ];
    // RFC 5769 section 2.2: sample IPv4 response, mapped address 192.0.2.1:32853.
    const SAMPLE_IPV4_RESPONSE: [u8; 80] = [
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76,
        0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1,
        0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
        0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00,
        0x04, 0xc0, 0x7d, 0x4c, 0x96,
    ];
    const RFC5769_PASSWORD: &str = "VOkJxbRl1RmTxUk/WvJxBt";

    fn validating_decode(bytes: &[u8]) -> Result<StunMessage, String> {
        let key = HMACKey::new_short_term(RFC5769_PASSWORD).map_err(|e| e.to_string())?;
        let context = DecoderContextBuilder::default()
            .with_key(key)
            .with_validation()
            .build();
        MessageDecoderBuilder::default()
            .with_context(context)
            .build()
            .decode(bytes)
            .map(|(message, _)| message)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn codec_passes_rfc5769_sample_request() {
        let request = validating_decode(&SAMPLE_REQUEST).unwrap();
        assert_eq!(request.method(), BINDING);
        assert_eq!(request.class(), MessageClass::Request);
        let user = request.get::<UserName>().unwrap().as_user_name().unwrap();
        let user: &str = user.as_ref();
        assert_eq!(user, "evtj:h6vY");
        assert!(request.get::<MessageIntegrity>().is_some());
        let mut tampered = SAMPLE_REQUEST;
        tampered[30] ^= 1;
        assert!(validating_decode(&tampered).is_err(), "integrity must fail");
    }

    #[test]
    fn codec_passes_rfc5769_sample_ipv4_response() {
        let response = validating_decode(&SAMPLE_IPV4_RESPONSE).unwrap();
        assert_eq!(response.class(), MessageClass::SuccessResponse);
        let mapped = response
            .get::<XorMappedAddress>()
            .unwrap()
            .as_xor_mapped_address()
            .unwrap();
        assert_eq!(mapped.socket_address().to_string(), "192.0.2.1:32853");
    }

    fn answer_to(request: &[u8], sender: &str) -> Option<Vec<u8>> {
        let mut out = [0u8; MAX_ANSWER];
        answer(request, sender.parse().unwrap(), &mut out).map(|n| out[..n].to_vec())
    }

    #[test]
    fn answers_a_binding_request_with_the_senders_address() {
        let bytes = answer_to(&SAMPLE_REQUEST, "192.0.2.1:32853").unwrap();
        let (response, _) = MessageDecoderBuilder::default()
            .with_context(DecoderContextBuilder::default().with_validation().build())
            .build()
            .decode(&bytes)
            .expect("valid response with a correct FINGERPRINT");
        assert_eq!(response.class(), MessageClass::SuccessResponse);
        assert_eq!(&bytes[8..20], &SAMPLE_REQUEST[8..20], "same transaction id");
        let mapped = response
            .get::<XorMappedAddress>()
            .unwrap()
            .as_xor_mapped_address()
            .unwrap();
        assert_eq!(mapped.socket_address().to_string(), "192.0.2.1:32853");
        // The mapped-address bytes of RFC 5769's own response.
        assert!(bytes
            .windows(6)
            .any(|w| w == [0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43]));
    }

    /// What Chromium sends to a STUN server: a Binding request with no
    /// attributes at all (measured: 20 bytes).
    fn bare_request() -> [u8; 20] {
        let mut request = [0u8; 20];
        request[..8].copy_from_slice(&[0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
        request[8..20].copy_from_slice(b"DtjzcRs1nw6C");
        request
    }

    #[test]
    fn a_bare_request_gets_the_shortest_answer_that_carries_the_address() {
        let ipv4 = answer_to(&bare_request(), "198.18.0.1:5000").unwrap();
        assert_eq!(ipv4.len(), 32, "header and XOR-MAPPED-ADDRESS only");
        let ipv6 = answer_to(&bare_request(), "[2001:db8::1]:40000").unwrap();
        assert_eq!(ipv6.len(), 44);
        let (response, _) = MessageDecoderBuilder::default()
            .build()
            .decode(&ipv4)
            .unwrap();
        assert!(response.get::<Fingerprint>().is_none());
        assert!(response.get::<XorMappedAddress>().is_some());
    }

    #[test]
    fn answers_stay_within_the_bound_and_amplify_little() {
        let bytes = answer_to(&SAMPLE_REQUEST, "[2001:db8::1]:40000").unwrap();
        assert_eq!(bytes.len(), 52, "IPv6 with FINGERPRINT");
        assert!(bytes.len() <= MAX_ANSWER);
        assert!(bytes.len() < SAMPLE_REQUEST.len(), "no amplification");
        // The smallest request that carries a FINGERPRINT.
        let request = StunMessageBuilder::new(BINDING, MessageClass::Request)
            .with_attribute(Fingerprint::default())
            .build();
        let mut buffer = [0u8; 64];
        let n = MessageEncoderBuilder::default()
            .build()
            .encode(&mut buffer, &request)
            .unwrap();
        assert_eq!(n, 28);
        let answer = answer_to(&buffer[..n], "[2001:db8::1]:40000").expect("a valid request");
        assert_eq!(answer.len(), 52, "FINGERPRINT echoed");
        assert!(answer.len() * 10 <= n * 22, "at most 2.2× the request");
    }

    #[test]
    fn ignores_garbage_responses_and_corruption() {
        let sender = "198.18.0.1:5000";
        for garbage in [
            &b""[..],
            b"hello",
            &[0u8; 20],
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
            &[0xffu8; 1400],
        ] {
            assert!(answer_to(garbage, sender).is_none(), "{garbage:?}");
        }
        assert!(
            answer_to(&SAMPLE_IPV4_RESPONSE, sender).is_none(),
            "a response is not answered"
        );
        let mut corrupted = SAMPLE_REQUEST;
        corrupted[104] ^= 0xff; // inside FINGERPRINT
        assert!(answer_to(&corrupted, sender).is_none());
    }
}
