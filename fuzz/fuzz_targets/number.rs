//! `parse_number` on arbitrary UTF-8: never panics, and what parses is a
//! finite number ≥ 0 that survives being printed and parsed again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rangefinder::data::number::parse_number;

fuzz_target!(|text: &str| {
    match parse_number(text) {
        Ok(value) => {
            assert!(value.is_finite() && value >= 0.0, "{text:?} -> {value}");
            assert!(value.is_sign_positive(), "{text:?} -> -0");
            // f64's Display never uses an exponent, so it is a number we accept.
            assert_eq!(parse_number(&value.to_string()), Ok(value), "{text:?}");
        }
        Err(message) => assert!(!message.is_empty()),
    }
});
