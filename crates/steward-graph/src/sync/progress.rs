//! Progress of a sync as it reads: [`ProgressInfo`] after each page, and the rate and time left
//! a [`Meter`] derives from them ([`Pace`], [`eta_text`]).

use crate::wire::Dataset;

/// Where a dataset's read stands.
#[derive(Debug, Clone, Copy)]
pub struct ProgressInfo {
    pub dataset: Dataset,
    /// Items read so far in this run.
    pub items: u64,
    /// How many items the dataset holds, where Graph says (`@odata.count` on a full round).
    pub total: Option<u64>,
    /// The share of the work done (0–1), where it can be told otherwise: sign-ins by how much of
    /// the time window is read.
    pub fraction: Option<f64>,
}

/// Rate and time left of the dataset being read, from the progress reports of a sync.
#[derive(Debug, Default)]
pub struct Meter {
    current: Option<(Dataset, std::time::Instant)>,
}

/// What a [`Meter`] tells of the dataset in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Items per second since the dataset's read began.
    pub per_sec: f64,
    /// Seconds left, where the total or the share done is known.
    pub eta_secs: Option<f64>,
}

impl Meter {
    pub fn observe(&mut self, p: &ProgressInfo) -> Pace {
        let now = std::time::Instant::now();
        let started = match self.current {
            Some((d, t)) if d == p.dataset => t,
            _ => {
                self.current = Some((p.dataset, now));
                now
            }
        };
        let elapsed = now.duration_since(started).as_secs_f64();
        let per_sec = if elapsed > 0.0 {
            p.items as f64 / elapsed
        } else {
            0.0
        };
        let eta_secs = match (p.total, p.fraction) {
            (Some(total), _) if per_sec > 0.0 => {
                Some(total.saturating_sub(p.items) as f64 / per_sec)
            }
            (_, Some(f)) if f > 0.0 && elapsed > 0.0 => Some(elapsed * (1.0 - f) / f),
            _ => None,
        };
        Pace { per_sec, eta_secs }
    }
}

/// "about 3 min left" and the like, for a number of seconds.
pub fn eta_text(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..=9 => "a few seconds left".into(),
        10..=89 => format!("about {s} s left"),
        90..=5399 => format!("about {} min left", (s + 30) / 60),
        _ => format!("about {:.1} h left", s as f64 / 3600.0),
    }
}

/// Progress of a sync, called after each page.
pub type Progress<'a> = &'a mut dyn FnMut(&ProgressInfo);

pub(super) fn tell(progress: Progress<'_>, dataset: Dataset, items: u64) {
    progress(&ProgressInfo {
        dataset,
        items,
        total: None,
        fraction: None,
    });
}

#[cfg(test)]
mod meter_tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_time_left_comes_from_the_total_or_from_the_share_done() {
        let mut m = Meter::default();
        let at = |items, total, fraction| ProgressInfo {
            dataset: Dataset::SignIns,
            items,
            total,
            fraction,
        };
        m.observe(&at(0, None, None));
        std::thread::sleep(Duration::from_millis(50));
        let half = m.observe(&at(500, None, Some(0.5)));
        let eta = half.eta_secs.unwrap();
        assert!(
            (0.03..0.5).contains(&eta),
            "half done: as long again ({eta})"
        );
        assert!(half.per_sec > 0.0);
        let counted = m.observe(&at(500, Some(1_500), None));
        assert!(
            counted.eta_secs.unwrap() > eta,
            "a third done: twice as long again"
        );
        assert_eq!(eta_text(5.0), "a few seconds left");
        assert_eq!(eta_text(200.0), "about 3 min left");
        assert_eq!(eta_text(7_200.0), "about 2.0 h left");
    }
}
