//! Server text made harmless for a terminal. Commit messages, author names, spec names, test
//! titles, errors and action names come from whoever pushed them, and a terminal obeys control
//! sequences wherever they appear: OSC 52 writes the clipboard, OSC 8 hides a link behind other
//! words, `CSI 2J` clears the screen. A service that prints them, or logs them to a console, passes
//! them through [`terminal_safe`]; the `currents` command prints everything for a person so.

use std::borrow::Cow;

/// `text` with every control sequence (CSI, OSC, DCS, SOS/PM/APC and other ESC sequences,
/// whether introduced by ESC or by their 8-bit C1 form) removed whole, and every other control
/// character (C0 but newline and tab, DEL, C1) removed; the visible text stays. The test
/// runner's colour escapes in error messages go with them.
///
/// ```
/// let message = "\x1b[31mexpected\x1b[39m 1 \x1b]52;c;b3duZWQ=\x07to be 2";
/// assert_eq!(currents::terminal_safe(message), "expected 1 to be 2");
/// ```
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    // vte parses the 7-bit forms; the 8-bit introducers are rewritten to them first, so that a
    // C1 CSI takes its parameters with it as a terminal would.
    let mut seven_bit = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{90}' => seven_bit.push_str("\x1bP"),
            '\u{98}' => seven_bit.push_str("\x1bX"),
            '\u{9b}' => seven_bit.push_str("\x1b["),
            '\u{9c}' => seven_bit.push_str("\x1b\\"),
            '\u{9d}' => seven_bit.push_str("\x1b]"),
            '\u{9e}' => seven_bit.push_str("\x1b^"),
            '\u{9f}' => seven_bit.push_str("\x1b_"),
            c => seven_bit.push(c),
        }
    }
    let mut visible = Visible(String::with_capacity(text.len()));
    vte::Parser::new().advance(&mut visible, seven_bit.as_bytes());
    Cow::Owned(visible.0)
}

/// A character a terminal may act on rather than show.
fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Keeps what a terminal would print, and the two layout controls; drops every sequence.
struct Visible(String);

impl vte::Perform for Visible {
    fn print(&mut self, c: char) {
        if !is_unsafe(c) {
            self.0.push(c);
        }
    }

    fn execute(&mut self, byte: u8) {
        if matches!(byte, b'\n' | b'\t') {
            self.0.push(char::from(byte));
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn sequences_go_whole_and_words_stay() {
        let cases = [
            ("plain text", "plain text"),
            ("tab\tand\nnewline", "tab\tand\nnewline"),
            ("\x1b[31mred\x1b[39m text", "red text"),
            ("before\x1b[2Jafter", "beforeafter"),
            ("copy\x1b]52;c;aGVsbG8=\x07done", "copydone"),
            ("title\x1b]0;owned\x1b\\shown", "titleshown"),
            (
                "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\ here",
                "click here",
            ),
            ("c1\u{9b}2Jcsi", "c1csi"),
            ("c1\u{9d}52;c;eA==\u{9c}osc", "c1osc"),
            ("bell\x07nul\x00del\x7fcr\r", "bellnuldelcr"),
            ("dcs\x1bPq#0;2;0;0;0\x1b\\end", "dcsend"),
            ("apc\x1b_payload\x1b\\end", "apcend"),
            ("charset\x1b(Bend", "charsetend"),
            ("keypad\x1b=end", "keypadend"),
            ("ünïcödé ✓", "ünïcödé ✓"),
        ];
        for (input, expected) in cases {
            assert_eq!(terminal_safe(input), expected, "for {input:?}");
        }
    }

    #[test]
    fn clean_text_is_not_copied() {
        assert!(matches!(terminal_safe("a clean line"), Cow::Borrowed(_)));
    }

    /// 10,000 cases per property in a full reliability run (`RELIABILITY_FULL=1`), 256 in CI.
    fn cases() -> u32 {
        if std::env::var_os("RELIABILITY_FULL").is_some() {
            10_000
        } else {
            256
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        // Strings built from the characters that matter most often: escape introducers, the
        // bytes of sequences, C1, and ordinary text.
        #[test]
        fn no_control_character_survives(
            text in proptest::collection::vec(
                prop_oneof![
                    Just('\x1b'), Just('\u{9b}'), Just('\u{9d}'), Just('\u{9c}'), Just('\x07'),
                    Just('['), Just(']'), Just(';'), Just('\\'), Just('\n'), Just('\t'),
                    proptest::char::range('\0', '\u{a0}'), any::<char>(),
                ],
                0..64,
            ).prop_map(|chars| chars.into_iter().collect::<String>())
        ) {
            let out = terminal_safe(&text);
            prop_assert!(!out.chars().any(is_unsafe), "{text:?} -> {out:?}");
            let again = terminal_safe(&out);
            prop_assert_eq!(again.as_ref(), out.as_ref(), "idempotent");
        }

        #[test]
        fn text_around_a_sequence_survives(
            before in "[a-zA-Z0-9 .,:!?-]{0,20}",
            after in "[a-zA-Z0-9 .,:!?-]{0,20}",
            sequence in prop_oneof![
                Just("\x1b]52;c;aGVsbG8=\x07"), Just("\x1b]0;title\x07"),
                Just("\x1b]8;;https://x.example\x1b\\"), Just("\x1b[2J"), Just("\x1b[1;31m"),
                Just("\u{9b}2J"), Just("\x07"), Just("\0"),
            ],
        ) {
            let text = format!("{before}{sequence}{after}");
            prop_assert_eq!(terminal_safe(&text), format!("{before}{after}"));
        }

        #[test]
        fn text_without_controls_is_unchanged(text in any::<String>()) {
            prop_assume!(!text.chars().any(is_unsafe));
            let out = terminal_safe(&text);
            prop_assert_eq!(out.as_ref(), text.as_str());
        }
    }
}
