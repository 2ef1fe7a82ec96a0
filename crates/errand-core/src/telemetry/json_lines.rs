//! The writer for JSON logs. serde_json already escapes C0 controls in strings, so no value
//! can break a line; it leaves DEL, C1 controls, the Unicode line separators and bidi
//! controls raw, which a terminal showing the log still obeys. This writer spells those as
//! `\uXXXX`: JSON's own escape, so a log reader parses the same text back. They occur only
//! inside strings (the rest of a line is the formatter's own ASCII), and the formatter hands
//! each event over in one write, so no character is split between writes.

use std::io;

use tracing_subscriber::fmt::MakeWriter;

use super::escape::is_escaped;

/// Wraps a `MakeWriter` so every writer it makes escapes as above.
#[derive(Debug, Clone, Copy)]
pub struct JsonLines<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for JsonLines<M> {
    type Writer = EscapingJson<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        EscapingJson(self.0.make_writer())
    }
}

pub struct EscapingJson<W>(W);

/// Escaped by this writer: what `is_escaped` covers beyond serde_json's C0 escapes (a C0
/// byte here is the formatter's own line end).
fn needs_escape(c: char) -> bool {
    u32::from(c) >= 0x7f && is_escaped(c)
}

impl<W: io::Write> io::Write for EscapingJson<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Ok(text) = std::str::from_utf8(buf) else {
            return self.0.write(buf);
        };
        if !text.chars().any(needs_escape) {
            return self.0.write(buf);
        }
        let mut escaped = String::with_capacity(text.len() + 16);
        for c in text.chars() {
            if needs_escape(c) {
                // Every such character is in the Basic Multilingual Plane: one `\uXXXX`.
                escaped.push_str(&format!("\\u{:04x}", u32::from(c)));
            } else {
                escaped.push(c);
            }
        }
        self.0.write_all(escaped.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
