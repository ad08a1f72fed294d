//! When a scheduled search runs and over what time window.
//!
//! The window is the detection's own where it has one (the span of a `bin`
//! on the event time, which is also where a Sigma correlation's timespan
//! lands), else 15 minutes; the search runs once per window. Metadata
//! `schedule: {cron: "...", window: "1h"}` overrides both.

use serde::Serialize;

use crate::ir::{Detection, Duration, FieldKind, StageKind, TIMESTAMP};

/// A schedule in Splunk's terms (other packages convert from it).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Schedule {
    /// Cron expression.
    pub cron: String,
    /// Relative start of the search window, e.g. `-1h`.
    pub earliest: String,
    /// Relative end, `now`.
    pub latest: String,
    /// The window as a duration, e.g. `1h`.
    pub window: String,
    /// The window in seconds.
    pub window_seconds: u64,
}

const DEFAULT_WINDOW: Duration = Duration {
    amount: 15,
    unit: crate::ir::TimeUnit::M,
};

impl Schedule {
    /// The schedule of a detection.
    pub fn of(det: &Detection) -> Schedule {
        let meta = det.meta.extra.get("schedule");
        let window = meta
            .and_then(|m| m.get("window"))
            .and_then(|w| w.as_str())
            .and_then(Duration::parse)
            .or_else(|| time_window(det))
            .unwrap_or(DEFAULT_WINDOW);
        let cron = meta
            .and_then(|m| m.get("cron"))
            .and_then(|c| c.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| cron_for(window));
        Schedule {
            cron,
            earliest: format!("-{window}"),
            latest: "now".to_string(),
            window: window.to_string(),
            window_seconds: window.millis() / 1000,
        }
    }
}

/// The span of the first `bin` on the event time.
fn time_window(det: &Detection) -> Option<Duration> {
    det.pipeline.iter().find_map(|s| match &s.kind {
        StageKind::Bin { field, span }
            if field.kind == FieldKind::Event && field.path.is(TIMESTAMP) =>
        {
            Some(*span)
        }
        _ => None,
    })
}

/// A cron expression that runs once per window (rounded to what cron can say).
fn cron_for(w: Duration) -> String {
    let minutes = (w.millis() / 60_000).max(1);
    match minutes {
        m if m < 60 && 60 % m == 0 => format!("*/{m} * * * *"),
        m if m < 60 => "*/5 * * * *".to_string(),
        m if m % 60 == 0 && m / 60 < 24 && 24 % (m / 60) == 0 => {
            if m == 60 {
                "0 * * * *".to_string()
            } else {
                format!("0 */{} * * *", m / 60)
            }
        }
        m if m < 1440 => "0 * * * *".to_string(),
        // A day or more: run daily over the whole window (cron cannot count
        // days across month boundaries reliably).
        _ => "0 0 * * *".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::TimeUnit;

    fn d(amount: u64, unit: TimeUnit) -> Duration {
        Duration { amount, unit }
    }

    #[test]
    fn cron_runs_once_per_window() {
        assert_eq!(cron_for(d(15, TimeUnit::M)), "*/15 * * * *");
        assert_eq!(cron_for(d(1, TimeUnit::H)), "0 * * * *");
        assert_eq!(cron_for(d(6, TimeUnit::H)), "0 */6 * * *");
        assert_eq!(cron_for(d(30, TimeUnit::D)), "0 0 * * *");
        assert_eq!(cron_for(d(7, TimeUnit::M)), "*/5 * * * *");
    }
}
