//! `calculator`: evaluates an arithmetic expression with a small recursive-descent parser.
//! Nothing is executed but arithmetic: numbers, + - * / % ^, parentheses, the constants
//! `pi` and `e`, and a fixed list of functions. Length and nesting are bounded.

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::{Value, json};

use super::Tool;
use crate::conversation::ToolSpec;

const MAX_LEN: usize = 2000;
const MAX_DEPTH: usize = 64;

pub struct Calculator;

impl Tool for Calculator {
    fn read_only(&self) -> bool {
        true
    }

    fn spec(&self) -> ToolSpec {
        ToolSpec {
            name: "calculator".into(),
            description:
                "Evaluates an arithmetic expression exactly as written. Supports + - * / % ^, \
                parentheses, pi, e, and sqrt abs ln log10 log2 exp sin cos tan asin acos atan \
                floor ceil round min max pow."
                    .into(),
            parameters: json!({
                "type": "object",
                "properties": {
                    "expression": {"type": "string", "description": "e.g. (2 + 3) * sqrt(16) / 4"}
                },
                "required": ["expression"],
                "additionalProperties": false
            }),
        }
    }

    fn call(&self, arguments: Value) -> BoxFuture<'_, Result<Value, String>> {
        async move {
            let expression = arguments
                .get("expression")
                .and_then(Value::as_str)
                .ok_or("`expression` (a string) is required")?;
            let value = evaluate(expression)?;
            Ok(json!({"expression": expression, "result": value}))
        }
        .boxed()
    }
}

/// Evaluates `text`; the error says what is wrong and where.
pub fn evaluate(text: &str) -> Result<f64, String> {
    if text.len() > MAX_LEN {
        return Err(format!(
            "the expression is longer than {MAX_LEN} characters"
        ));
    }
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let value = p.expr()?;
    p.skip_space();
    if p.pos < p.chars.len() {
        return Err(format!(
            "unexpected {:?} at position {}",
            p.chars[p.pos], p.pos
        ));
    }
    if !value.is_finite() {
        return Err("the result is not a finite number".into());
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.chars.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// expr := term (('+' | '-') term)*
    fn expr(&mut self) -> Result<f64, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("the expression is nested too deeply".into());
        }
        let mut value = self.term()?;
        loop {
            if self.eat('+') {
                value += self.term()?;
            } else if self.eat('-') {
                value -= self.term()?;
            } else {
                break;
            }
        }
        self.depth -= 1;
        Ok(value)
    }

    /// term := unary (('*' | '/' | '%') unary)*
    fn term(&mut self) -> Result<f64, String> {
        let mut value = self.unary()?;
        loop {
            if self.eat('*') {
                value *= self.unary()?;
            } else if self.eat('/') {
                let d = self.unary()?;
                if d == 0.0 {
                    return Err("division by zero".into());
                }
                value /= d;
            } else if self.eat('%') {
                let d = self.unary()?;
                if d == 0.0 {
                    return Err("modulo by zero".into());
                }
                value %= d;
            } else {
                break;
            }
        }
        Ok(value)
    }

    /// unary := ('-' | '+') unary | power
    fn unary(&mut self) -> Result<f64, String> {
        if self.eat('-') {
            return Ok(-self.unary()?);
        }
        if self.eat('+') {
            return self.unary();
        }
        self.power()
    }

    /// power := atom ('^' unary)?   (right-associative, binds tighter than unary minus
    /// on its left: -2^2 = -4)
    fn power(&mut self) -> Result<f64, String> {
        let base = self.atom()?;
        if self.eat('^') {
            self.depth += 1;
            if self.depth > MAX_DEPTH {
                return Err("the expression is nested too deeply".into());
            }
            let exponent = self.unary()?;
            self.depth -= 1;
            return Ok(base.powf(exponent));
        }
        Ok(base)
    }

    fn atom(&mut self) -> Result<f64, String> {
        self.skip_space();
        let start = self.pos;
        match self.chars.get(self.pos) {
            None => Err("the expression ends too early".into()),
            Some('(') => {
                self.pos += 1;
                let v = self.expr()?;
                if !self.eat(')') {
                    return Err(format!("missing ')' for '(' at position {start}"));
                }
                Ok(v)
            }
            Some(c) if c.is_ascii_digit() || *c == '.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.name(),
            Some(c) => Err(format!("unexpected {c:?} at position {start}")),
        }
    }

    fn number(&mut self) -> Result<f64, String> {
        let start = self.pos;
        let digits = |p: &mut Parser| {
            while p
                .chars
                .get(p.pos)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                p.pos += 1;
            }
        };
        digits(self);
        if matches!(self.chars.get(self.pos), Some('e' | 'E'))
            && self
                .chars
                .get(self.pos + 1)
                .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
        {
            self.pos += 2;
            digits(self);
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        text.parse()
            .map_err(|_| format!("{text:?} at position {start} is not a number"))
    }

    fn name(&mut self) -> Result<f64, String> {
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        let name: String = self.chars[start..self.pos].iter().collect();
        match name.as_str() {
            "pi" => return Ok(std::f64::consts::PI),
            "e" => return Ok(std::f64::consts::E),
            _ => {}
        }
        if !self.eat('(') {
            return Err(format!("unknown name {name:?} at position {start}"));
        }
        let mut args = vec![self.expr()?];
        while self.eat(',') {
            args.push(self.expr()?);
        }
        if !self.eat(')') {
            return Err(format!("missing ')' after the arguments of {name}"));
        }
        apply(&name, &args)
    }
}

fn apply(name: &str, args: &[f64]) -> Result<f64, String> {
    let one = |f: fn(f64) -> f64| match args {
        [x] => Ok(f(*x)),
        _ => Err(format!("{name} takes one argument")),
    };
    let two = |f: fn(f64, f64) -> f64| match args {
        [x, y] => Ok(f(*x, *y)),
        _ => Err(format!("{name} takes two arguments")),
    };
    match name {
        "sqrt" => one(f64::sqrt),
        "abs" => one(f64::abs),
        "ln" => one(f64::ln),
        "log10" => one(f64::log10),
        "log2" => one(f64::log2),
        "exp" => one(f64::exp),
        "sin" => one(f64::sin),
        "cos" => one(f64::cos),
        "tan" => one(f64::tan),
        "asin" => one(f64::asin),
        "acos" => one(f64::acos),
        "atan" => one(f64::atan),
        "floor" => one(f64::floor),
        "ceil" => one(f64::ceil),
        "round" => one(f64::round),
        "pow" => two(f64::powf),
        "min" if !args.is_empty() => Ok(args.iter().copied().fold(f64::INFINITY, f64::min)),
        "max" if !args.is_empty() => Ok(args.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
        _ => Err(format!("unknown function {name:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::evaluate;

    #[test]
    fn arithmetic_follows_precedence() {
        assert_eq!(evaluate("1 + 2 * 3"), Ok(7.0));
        assert_eq!(evaluate("(1 + 2) * 3"), Ok(9.0));
        assert_eq!(evaluate("2 ^ 3 ^ 2"), Ok(512.0));
        assert_eq!(evaluate("-2^2"), Ok(-4.0));
        assert_eq!(evaluate("10 % 4 + sqrt(16) - max(1, 7, 3)"), Ok(-1.0));
        assert_eq!(evaluate("1.5e3 / 3"), Ok(500.0));
    }

    #[test]
    fn bad_input_is_explained() {
        assert_eq!(evaluate("1 / 0"), Err("division by zero".into()));
        assert!(evaluate("2 +").is_err());
        assert!(
            evaluate("system(1)")
                .expect_err("unknown")
                .contains("unknown function")
        );
        assert!(
            evaluate("x + 1")
                .expect_err("unknown")
                .contains("unknown name")
        );
        assert!(evaluate(&"(".repeat(100)).is_err());
        assert!(evaluate("sqrt(-1)").is_err());
    }
}
