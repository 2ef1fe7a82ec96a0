//! Which characters a log value may not carry raw, and how they are written instead.
//!
//! A value from outside (model text, a panic message, a request path, a provider's error
//! body) is written on one line: a newline or carriage return would start a forged line,
//! ESC and the other C0/C1 controls drive the operator's terminal, and the Unicode line
//! separators and bidi controls break or reorder a line where it is displayed.

use std::fmt::{self, Write};

/// Whether `c` is escaped in a log value.
pub fn is_escaped(c: char) -> bool {
    c.is_control() // C0, DEL and C1
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{061c}' | '\u{200e}' | '\u{200f}' // bidi marks
            | '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
        )
}

/// Writes `text` with every escaped character spelled as Rust does in a string literal
/// (`\n`, `\r`, `\t`, `\u{1b}`), the rest as it is.
pub fn write_escaped(out: &mut dyn Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_escaped(c)) {
        out.write_str(&rest[..at])?;
        match c {
            '\n' => out.write_str("\\n")?,
            '\r' => out.write_str("\\r")?,
            '\t' => out.write_str("\\t")?,
            c => write!(out, "\\u{{{:x}}}", u32::from(c))?,
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_str(rest)
}

/// A value whose `Debug` text is written escaped.
pub struct Escaped<T>(pub T);

impl<T: fmt::Debug> fmt::Debug for Escaped<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(EscapingWriter(f), "{:?}", self.0)
    }
}

/// Passes everything written through `write_escaped`.
struct EscapingWriter<'a, 'f>(&'a mut fmt::Formatter<'f>);

impl Write for EscapingWriter<'_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_escaped(self.0, s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        format!("{:?}", Escaped(format_args!("{text}")))
    }

    #[test]
    fn controls_separators_and_bidi_are_spelled_out() {
        assert_eq!(
            escaped("a\nb\r\tc\x1b[31m\u{9b}\u{7f}\0"),
            r"a\nb\r\tc\u{1b}[31m\u{9b}\u{7f}\u{0}"
        );
        assert_eq!(
            escaped("x\u{2028}y\u{2029}\u{202e}z\u{2066}\u{200f}"),
            r"x\u{2028}y\u{2029}\u{202e}z\u{2066}\u{200f}"
        );
    }

    #[test]
    fn ordinary_text_is_untouched() {
        let text = "naïve café — 東京 🚀 \"quoted\" back\\slash";
        assert_eq!(escaped(text), text);
    }
}
