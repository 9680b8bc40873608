//! Port lists from the page's address (`?tcp=443,9998-9999`) and the worker's
//! flags: parsed or refused, and what parses prints back to itself.
#![no_main]

use doorway_core::PortList;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(list) = text.parse::<PortList>() else {
        return;
    };
    let printed = list.to_string();
    let again: PortList = printed.parse().expect("a printed list parses");
    assert_eq!(again, list);
});
