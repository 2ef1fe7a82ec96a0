//! Structured output, negotiated per provider and model: a call asks in the strongest mode
//! the server is known (or assumed) to accept; a refusal that names the response format —
//! at any status, a 500 included — moves it to the next weaker mode at once (it is not a
//! transient failure), and the mode that worked is remembered for the process. A runner's
//! own mode, then the provider's configured one, take precedence over the search.

use crate::cache::BoundedCache;

use super::StructuredOutput;

/// Models per provider whose mode is remembered.
const REMEMBERED_MODELS: usize = 256;

/// Identical failures in a row after which an error is taken as deterministic: the same
/// answer to the same request will not change by waiting.
pub const IDENTICAL_LIMIT: u32 = 3;

pub struct Modes {
    configured: Option<StructuredOutput>,
    remembered: BoundedCache<String, StructuredOutput>,
}

impl Modes {
    /// `configured`: the provider's `structured_output` setting, if any.
    pub fn new(configured: Option<StructuredOutput>) -> Self {
        Self {
            configured: configured.filter(|m| *m != StructuredOutput::Auto),
            remembered: BoundedCache::new(REMEMBERED_MODELS),
        }
    }

    /// The mode to ask `model` in, given what the runner wants.
    pub fn pick(&self, model: &str, wanted: StructuredOutput) -> StructuredOutput {
        if wanted != StructuredOutput::Auto {
            return wanted;
        }
        self.configured
            .or_else(|| self.remembered.get(&model.to_owned()))
            .unwrap_or(StructuredOutput::JsonSchema)
    }

    /// Whether a refusal may be answered by trying a weaker mode (only when searching).
    pub fn searching(&self, wanted: StructuredOutput) -> bool {
        wanted == StructuredOutput::Auto && self.configured.is_none()
    }

    pub fn remember(&self, model: &str, mode: StructuredOutput) {
        // Replace what was remembered: the server showed it does not accept that.
        self.remembered.remove(&model.to_owned());
        self.remembered.insert(model.to_owned(), mode);
    }
}

/// Whether a provider's error is about the structured-output request.
pub fn refuses_format(message: &str, code: Option<&str>) -> bool {
    let text = format!("{} {}", message, code.unwrap_or_default()).to_lowercase();
    [
        "response_format",
        "json_schema",
        "json_object",
        "guided_json",
        "structured output",
        "'text' or 'json_object'",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

/// Whether a provider's error is about `stream_options` (servers that predate it, or
/// proxies that refuse fields they do not know).
pub fn refuses_stream_options(message: &str) -> bool {
    message.contains("stream_options")
}

/// Whether an answer with this status can be deterministic: a server fault (500, 501) or a
/// client error other than a timeout, a conflict or a rate limit. Gateways (502–504), rate
/// limits and network failures pass with time.
pub fn deterministic(status: Option<u16>) -> bool {
    match status {
        Some(500 | 501) => true,
        Some(408 | 409 | 429) => false,
        Some(s) => (400..500).contains(&s),
        None => false,
    }
}

/// Whether a provider's error says it does not do tool calling (for this model).
pub fn refuses_tools(message: &str) -> bool {
    let text = message.to_lowercase();
    ["tool", "function call", "function_call"]
        .iter()
        .any(|needle| text.contains(needle))
        && [
            "not support",
            "unsupported",
            "does not",
            "doesn't",
            "not enabled",
            "not allowed",
            // vLLM without `--enable-auto-tool-choice`.
            "requires --enable-auto-tool-choice",
        ]
        .iter()
        .any(|needle| text.contains(needle))
}

/// Counts identical failures in a row.
#[derive(Default)]
pub struct Repeats {
    last: Option<(Option<u16>, String)>,
    count: u32,
}

impl Repeats {
    /// Records a failure; how many times in a row it has now been seen.
    pub fn see(&mut self, status: Option<u16>, message: &str) -> u32 {
        let this = (status, message.to_owned());
        if self.last.as_ref() == Some(&this) {
            self.count += 1;
        } else {
            self.last = Some(this);
            self.count = 1;
        }
        self.count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_runner_s_then_the_configured_then_the_remembered_mode() {
        let modes = Modes::new(None);
        assert_eq!(
            modes.pick("m", StructuredOutput::Auto),
            StructuredOutput::JsonSchema
        );
        modes.remember("m", StructuredOutput::JsonObject);
        assert_eq!(
            modes.pick("m", StructuredOutput::Auto),
            StructuredOutput::JsonObject
        );
        assert_eq!(
            modes.pick("m", StructuredOutput::Prompt),
            StructuredOutput::Prompt
        );
        let fixed = Modes::new(Some(StructuredOutput::Prompt));
        assert_eq!(
            fixed.pick("m", StructuredOutput::Auto),
            StructuredOutput::Prompt
        );
        assert!(!fixed.searching(StructuredOutput::Auto));
    }

    #[test]
    fn recognises_format_refusals() {
        assert!(refuses_format(
            "Input should be 'text' or 'json_object'",
            None
        ));
        assert!(refuses_format("Unsupported response_format type", None));
        assert!(!refuses_format("upstream exploded", Some("server_error")));
    }

    #[test]
    fn recognises_tool_refusals() {
        assert!(refuses_tools(
            "registry.ollama.ai/library/gemma does not support tools"
        ));
        assert!(refuses_tools(
            "Function calling is not enabled for this model"
        ));
        assert!(refuses_tools(
            "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set"
        ));
        assert!(!refuses_tools("tool call timed out, retry"));
    }

    #[test]
    fn counts_identical_failures_in_a_row() {
        let mut r = Repeats::default();
        assert_eq!(r.see(Some(500), "x"), 1);
        assert_eq!(r.see(Some(500), "x"), 2);
        assert_eq!(r.see(Some(500), "y"), 1);
    }
}
