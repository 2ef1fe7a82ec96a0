//! Field formatting for text logs: tracing-subscriber's default layout (`name=value`, the
//! message bare), every value escaped. Events and span fields (the HTTP root span's path
//! and user agent) both go through it, so no call site can forget to escape.

use std::error::Error;
use std::fmt;

use tracing::field::{Field, Visit};
use tracing_subscriber::field::{MakeVisitor, VisitFmt, VisitOutput};
use tracing_subscriber::fmt::format::{DefaultVisitor, Writer};

use super::escape::Escaped;

/// Formats fields as `DefaultFields` does, with escaped values.
#[derive(Debug, Clone, Copy, Default)]
pub struct EscapingFields;

impl<'w> MakeVisitor<Writer<'w>> for EscapingFields {
    type Visitor = EscapingVisitor<'w>;

    fn make_visitor(&self, target: Writer<'w>) -> Self::Visitor {
        EscapingVisitor(DefaultVisitor::new(target, true))
    }
}

/// Hands every value to the default visitor wrapped in `Escaped`.
pub struct EscapingVisitor<'w>(DefaultVisitor<'w>);

impl Visit for EscapingVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        // As the default visitor: the message bare, other strings quoted.
        if field.name() == "message" {
            self.0
                .record_debug(field, &Escaped(format_args!("{value}")));
        } else {
            self.0.record_debug(field, &Escaped(value));
        }
    }

    fn record_error(&mut self, field: &Field, value: &(dyn Error + 'static)) {
        self.0
            .record_debug(field, &Escaped(format_args!("{}", Chain(value))));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.record_debug(field, &Escaped(value));
    }
}

impl VisitOutput<fmt::Result> for EscapingVisitor<'_> {
    fn finish(self) -> fmt::Result {
        self.0.finish()
    }
}

impl VisitFmt for EscapingVisitor<'_> {
    fn writer(&mut self) -> &mut dyn fmt::Write {
        self.0.writer()
    }
}

/// An error and its causes, `error: cause: cause`.
struct Chain<'a>(&'a (dyn Error + 'static));

impl fmt::Display for Chain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}
