//! Figures as JSON lines (`{"figure", "corpus", "round", "value", "unit"}`)
//! for `bench/run.sh`, and the process's own memory.

use std::fs;
use std::io::Write;
use std::time::Duration;

/// Prints one figure as a JSON line.
pub fn emit(figure: &str, corpus: &str, round: u32, value: f64, unit: &str) {
    let line = serde_json::json!({
        "figure": figure,
        "corpus": corpus,
        "round": round,
        "value": (value * 1000.0).round() / 1000.0,
        "unit": unit,
    });
    // A closed stdout (`| head`) ends the output, not the program.
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Peak and current resident memory of this process, in KiB.
pub fn memory_kib() -> (u64, u64) {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
