//! A result carried in a link (`/r/#…`): base64, bounded inflate, strict JSON.
#![no_main]

use doorway_core::fragment;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = fragment::decode(text);
});
