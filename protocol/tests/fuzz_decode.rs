//! Fuzzing the host's decoding of controller frames (issue 11): whatever bytes or JSON a
//! controller sends, decoding never panics; a frame is a message or an error, never a crash,
//! and repairing lone surrogates always yields text that is no worse than it was.

use proctor_protocol::{replace_lone_surrogates, ControllerMessage};
use proptest::prelude::*;

/// JSON-ish text: fragments of real frames, escapes (lone and paired surrogates among them),
/// quotes, braces and arbitrary characters, in any order.
fn frame_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(r#"{"type":"console","run":1,"stream":"stdout","level":"log","text":""#.to_string()),
        Just(r#"{"type":"test-finished","run":1,"replyTo":2,"test":"a","status":"passed","durationMs":1}"#.to_string()),
        Just(r#"{"type":"hook-started","run":1,"command":2,"hook":"after-all","file":"a","groups":[]}"#.to_string()),
        Just(r#"{"type":"loaded","run":1,"replyTo":1,"tests":[],"loadErrors":[]}"#.to_string()),
        Just("\"}".to_string()),
        Just("\\".to_string()),
        Just("\\\\".to_string()),
        Just("\\u".to_string()),
        Just("\\ud800".to_string()),
        Just("\\udc00".to_string()),
        Just("\\uD83D\\uDE00".to_string()),
        Just("\\u00".to_string()),
        "[0-9a-fA-F]{0,4}",
        any::<char>().prop_map(String::from),
        "[{}\\[\\]\":,]",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    #[test]
    fn any_text_decodes_or_errs_without_panicking(text in any::<String>()) {
        let _ = ControllerMessage::from_json(&text);
        let _ = replace_lone_surrogates(&text);
    }

    #[test]
    fn frame_like_text_decodes_or_errs_without_panicking(text in frame_like()) {
        let _ = ControllerMessage::from_json(&text);
        let repaired = replace_lone_surrogates(&text);
        // Only 6-byte escapes are rewritten, to 6-byte escapes.
        prop_assert_eq!(repaired.len(), text.len());
    }

    #[test]
    fn bytes_decode_lossily_without_panicking(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = ControllerMessage::from_json(&text);
    }

    #[test]
    fn console_text_with_any_utf16_survives(units in prop::collection::vec(any::<u16>(), 0..64)) {
        // What JSON.stringify writes for a JS string of these code units.
        let mut escaped = String::new();
        for unit in &units {
            escaped.push_str(&format!("\\u{unit:04x}"));
        }
        let frame = format!(r#"{{"type":"console","run":1,"stream":"stdout","level":"log","text":"{escaped}"}}"#);
        let decoded = ControllerMessage::from_json(&frame);
        prop_assert!(decoded.is_ok(), "{:?}", decoded);
        if let Ok(ControllerMessage::Console { text, .. }) = decoded {
            prop_assert_eq!(text, String::from_utf16_lossy(&units));
        }
    }
}
