//! Load runs for clawkit (see `docs/benchmarks.md`, "Load"):
//!
//! - `streams`: 10 000 concurrent streams through the library (the
//!   built-in `openai-compatible` provider as an [`LlmBackend`](clawkit_providers::LlmBackend))
//!   against the scripted [`upstream`] in a process of its own: peak RSS,
//!   and every stream ends with exactly one terminal event.
//! - `serve-load`: `clawkit serve` under 1 000 streaming clients against
//!   the scripted upstream: requests served and lost, the latency it adds
//!   over calling the upstream directly, its RSS, and what every client
//!   sees when the upstream stalls or dies mid-load.
//!
//! Every loop is bounded and everything listens on 127.0.0.1.

pub mod upstream;

use std::time::Duration;

/// Resident memory of process `pid` (`self` for this one) from
/// `/proc/<pid>/status`: (current `VmRSS`, peak `VmHWM`), in bytes.
pub fn rss(pid: &str) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|line| line.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib * 1024)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Ends a run: exit code 0 when it passed, 1 when it failed a check, 2
/// (with the error on stderr) when it could not run.
pub fn exit_with<E: std::fmt::Display>(program: &str, outcome: Result<bool, E>) {
    match outcome {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(error) => {
            eprintln!("{program}: {error}");
            std::process::exit(2);
        }
    }
}

/// Mebibytes, for printing.
pub fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The `q` quantile (0.0–1.0) of `samples`, sorted in place; `None` when empty.
pub fn quantile(samples: &mut [Duration], q: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let rank = ((samples.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize;
    samples.get(rank).copied()
}

/// Milliseconds with two decimals, for printing.
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// The value after `--name` in `args`, parsed, or `default`.
pub fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> Result<T, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(at) => args
            .get(at + 1)
            .and_then(|value| value.parse().ok())
            .ok_or_else(|| format!("{name} needs a value of the right kind")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_pick_the_nearest_rank() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&mut samples, 0.5), Some(Duration::from_millis(51)));
        assert_eq!(
            quantile(&mut samples, 0.99),
            Some(Duration::from_millis(99))
        );
        assert_eq!(quantile(&mut [], 0.5), None);
    }

    #[test]
    fn args_parse_or_say_which() {
        let args: Vec<String> = ["--streams", "12", "--pace-ms", "x"]
            .map(String::from)
            .to_vec();
        assert_eq!(arg(&args, "--streams", 1usize), Ok(12));
        assert_eq!(arg(&args, "--deltas", 7usize), Ok(7));
        assert!(arg(&args, "--pace-ms", 1u64).is_err());
    }

    #[test]
    fn this_process_has_a_resident_size() {
        let (now, peak) = rss("self").unwrap_or_default();
        assert!(now > 0 && peak >= now);
    }
}
