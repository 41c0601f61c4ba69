//! `DateSpec::parse` on arbitrary UTF-8: never panics, and what parses is a
//! closed window whose text round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rangefinder::data::DateSpec;

fuzz_target!(|text: &str| {
    let Ok(spec) = DateSpec::parse(text) else {
        return;
    };
    assert!(spec.start <= spec.end, "{text:?}: {spec:?}");
    assert_eq!(spec.text, text.trim(), "the text is the trimmed input");
    assert_eq!(spec.to_string(), spec.text, "Display is the text");
    assert!(spec.text.is_ascii(), "only ASCII specs parse: {text:?}");
    assert!(!(spec.approximate && spec.uncertain), "{text:?}");
    assert_eq!(spec.approximate, spec.text.ends_with('~'));
    assert_eq!(spec.uncertain, spec.text.ends_with('?'));
    assert_eq!(DateSpec::parse(&spec.text), Ok(spec.clone()), "round trip");
    // A single day (no window, no month or year) is exactly that day.
    let body = spec.text.trim_end_matches(['~', '?']);
    if body.len() == 10 && !body.contains('/') {
        assert_eq!(spec.start, spec.end);
        assert_eq!(spec.start.format("%Y-%m-%d").to_string(), body);
    }
});
