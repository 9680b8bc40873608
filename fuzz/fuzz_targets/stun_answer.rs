//! Any datagram to a STUN port: an answer only to a Binding request, and
//! never one that amplifies (at most 52 bytes, at most 2.2× the request).
#![no_main]

use std::net::SocketAddr;

use doorway_worker::stun::{answer, MAX_ANSWER};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|datagram: &[u8]| {
    let senders: [SocketAddr; 2] = [
        SocketAddr::from(([198, 18, 0, 1], 40000)),
        SocketAddr::from(([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1], 40000)),
    ];
    for sender in senders {
        let mut out = [0u8; MAX_ANSWER];
        if let Some(n) = answer(datagram, sender, &mut out) {
            assert!(n <= 52, "answer of {n} bytes");
            assert!(
                n * 10 <= datagram.len() * 22,
                "{n} bytes for {}",
                datagram.len()
            );
        }
    }
});
