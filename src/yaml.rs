//! Reading YAML into typed structs, with errors turned into a position and a
//! message a content editor can act on.

use serde::de::DeserializeOwned;

use crate::problem::Pos;
use crate::suggest::did_you_mean;

/// A YAML error: where in the YAML text (line and column from 1) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Deserialises `text` into `T`, explaining any failure in editors' terms.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml_ng::from_str(text).map_err(|e| explain(&e))
}

/// Turns a serde_yaml_ng error into a position and a plain message.
pub fn explain(error: &serde_yaml_ng::Error) -> YamlError {
    let pos = error
        .location()
        .map_or(Pos::START, |l| Pos::new(l.line(), l.column()));
    YamlError {
        pos,
        message: plain_message(&error.to_string()),
    }
}

/// Drops the position serde_yaml_ng appends (we report it separately) and
/// rewrites serde's phrasing of the common mistakes.
fn plain_message(raw: &str) -> String {
    let message = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => raw,
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        return match did_you_mean(field, known.iter().copied()) {
            Some(best) => format!("unknown field \"{field}\"; did you mean \"{best}\"?"),
            None if !known.is_empty() => format!(
                "unknown field \"{field}\"; expected one of: {}",
                known.join(", ")
            ),
            None => format!("unknown field \"{field}\""),
        };
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return format!("missing required field \"{field}\"");
    }
    message.replace("expected f64", "expected a number")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        title: String,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn unknown_field_gets_a_suggestion_and_its_line() {
        let err = from_str::<Sample>("title: x\ntagz: [a]\n").unwrap_err();
        assert_eq!(
            err.message,
            "unknown field \"tagz\"; did you mean \"tags\"?"
        );
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn missing_field_is_named() {
        let err = from_str::<Sample>("tags: [a]\n").unwrap_err();
        assert_eq!(err.message, "missing required field \"title\"");
    }

    #[test]
    fn syntax_error_has_a_position_without_repeating_it() {
        let err = from_str::<Sample>("title: x\n  - broken: [\n").unwrap_err();
        assert!(!err.message.contains(" at line "), "{}", err.message);
        assert!(err.pos.line >= 2, "{:?}", err.pos);
    }
}
