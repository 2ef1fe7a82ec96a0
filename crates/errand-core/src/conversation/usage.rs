//! Tokens and their cost: per model call, and summed over a task.

use serde::{Deserialize, Serialize};

/// What a provider charges for a model's tokens (`providers.<name>.prices`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_million: f64,
    /// Price of cached prompt tokens; defaults to the input price.
    #[serde(default)]
    pub cached_input_per_million: Option<f64>,
    pub output_per_million: f64,
}

/// Tokens of one call, or summed over a task. Cached tokens are part of the input and
/// reasoning tokens part of the output, as providers report them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub cached_input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    /// The provider reported no usage: the counts are Errand's estimate (`llm::estimate_usage`).
    #[serde(default)]
    pub estimated: bool,
}

impl Usage {
    /// A call the provider reported no usage for, until it is estimated.
    pub const UNREPORTED: Usage = Usage {
        input_tokens: 0,
        cached_input_tokens: 0,
        output_tokens: 0,
        reasoning_tokens: 0,
        estimated: true,
    };

    /// USD at `price` per million tokens.
    pub fn cost(&self, price: &Price) -> f64 {
        let cached = self.cached_input_tokens.min(self.input_tokens) as f64;
        let fresh = self.input_tokens as f64 - cached;
        let cached_price = price
            .cached_input_per_million
            .unwrap_or(price.input_per_million);
        (fresh * price.input_per_million
            + cached * cached_price
            + self.output_tokens as f64 * price.output_per_million)
            / 1_000_000.0
    }
}
