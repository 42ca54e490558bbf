//! `$batch` reads: many GETs twenty to a request, throttled sub-requests sent again, and up to
//! `concurrency` batches in flight on lanes that share one token.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use super::client::{Client, Fetch};
use super::{SyncError, SyncResult};

/// How many requests one `$batch` may carry.
pub(super) const BATCH_MAX: usize = 20;

impl Client {
    /// Another client for requests sent beside this one's: the same connection pool and token,
    /// its own retry count and jitter. Fold it back with [`Client::join`].
    fn lane(&mut self) -> Client {
        Client {
            http: self.http.clone(),
            opts: self.opts.clone(),
            token: self.token.clone(),
            retries: 0,
            rng: ChaCha8Rng::seed_from_u64(self.rng.random()),
            pace: self.pace.clone(),
        }
    }

    /// GETs `paths` through `$batch` as [`Client::batch_get`] does, with up to
    /// `opts.concurrency` batches in flight at once; the answers in the order of `paths`.
    pub(super) async fn batch_get_concurrent(
        &mut self,
        version: &str,
        paths: &[String],
    ) -> SyncResult<Vec<(u16, Value)>> {
        let lanes = self.opts.concurrency.clamp(1, 16);
        if paths.len() <= BATCH_MAX || lanes == 1 {
            return self.batch_get(version, paths).await;
        }
        let mut out = Vec::with_capacity(paths.len());
        for wave in paths.chunks(BATCH_MAX * lanes) {
            let groups: Vec<&[String]> = wave.chunks(BATCH_MAX).collect();
            let mut clients: Vec<Client> = groups.iter().map(|_| self.lane()).collect();
            let answers = futures_util::future::join_all(
                clients
                    .iter_mut()
                    .zip(&groups)
                    .map(|(lane, group)| lane.batch_get(version, group)),
            )
            .await;
            for lane in clients {
                self.join(lane);
            }
            for a in answers {
                out.extend(a?);
            }
        }
        Ok(out)
    }

    fn join(&mut self, lane: Client) {
        self.retries += lane.retries;
        for (family, (interval, sent)) in lane.pace {
            let e = self.pace.entry(family).or_insert((interval, sent));
            e.0 = e.0.max(interval);
            e.1 = e.1.max(sent);
        }
    }
}

impl Client {
    /// GETs each of `paths` (relative to `/v1.0`, e.g. `/servicePrincipals/{id}`) through `$batch`,
    /// twenty to a request. A sub-request throttled or failed on Graph's side is sent again after
    /// the wait Graph names; the others keep their answers. Returns each path's status and body.
    /// GETs `paths` (relative to `/{version}`) through `$batch`, twenty at a time.
    async fn batch_get(
        &mut self,
        version: &str,
        paths: &[String],
    ) -> SyncResult<Vec<(u16, Value)>> {
        let url = format!(
            "{}/{version}/$batch",
            self.opts.graph_url.trim_end_matches('/')
        );
        let mut answers: Vec<Option<(u16, Value)>> = vec![None; paths.len()];
        for chunk_start in (0..paths.len()).step_by(BATCH_MAX) {
            let chunk: Vec<usize> =
                (chunk_start..paths.len().min(chunk_start + BATCH_MAX)).collect();
            let mut pending = chunk;
            let mut attempt = 0;
            while !pending.is_empty() {
                self.check_cancel()?;
                if attempt >= self.opts.max_attempts {
                    return Err(SyncError::GaveUp {
                        url: url.clone(),
                        attempts: attempt,
                        last: format!("{} sub-requests still throttled or failing", pending.len()),
                    });
                }
                let requests: Vec<Value> = pending
                    .iter()
                    .map(|&i| serde_json::json!({"id": i.to_string(), "method": "GET", "url": paths[i]}))
                    .collect();
                let body = serde_json::json!({ "requests": requests });
                let v = match self.fetch(&url, Some(&body)).await? {
                    Fetch::Ok(v) => v,
                    Fetch::Forbidden(why) => {
                        return Err(SyncError::Http {
                            url,
                            status: 403,
                            code: "Forbidden".into(),
                            message: why,
                        })
                    }
                    Fetch::PageTokenExpired | Fetch::DeltaExpired => {
                        return Err(SyncError::Unexpected {
                            url,
                            message: "a $batch was answered as if it carried a page token".into(),
                        })
                    }
                };
                let Some(responses) = v["responses"].as_array() else {
                    return Err(SyncError::Unexpected {
                        url,
                        message: "no `responses` list in the $batch answer".into(),
                    });
                };
                let mut wait: Option<Duration> = None;
                let mut again = Vec::new();
                for r in responses {
                    let Some(i) = r["id"].as_str().and_then(|id| id.parse::<usize>().ok()) else {
                        continue;
                    };
                    if !pending.contains(&i) {
                        continue;
                    }
                    let status = r["status"].as_u64().unwrap_or(0) as u16;
                    if status == 429 || status >= 500 {
                        let named = r["headers"]["Retry-After"]
                            .as_str()
                            .or(r["headers"]["retry-after"].as_str())
                            .and_then(|s| s.trim().parse::<u64>().ok())
                            .map(|s| Duration::from_secs(s).min(super::client::MAX_RETRY_AFTER));
                        if let Some(n) = named {
                            wait = Some(wait.map_or(n, |w| w.max(n)));
                        }
                        again.push(i);
                    } else {
                        answers[i] = Some((status, r["body"].clone()));
                    }
                }
                // A sub-request the answer left out is sent again too.
                for &i in &pending {
                    if answers[i].is_none() && !again.contains(&i) {
                        again.push(i);
                    }
                }
                if !again.is_empty() {
                    self.retries += 1;
                    let d = wait.unwrap_or_else(|| self.backoff(attempt));
                    self.pause(d).await?;
                }
                pending = again;
                attempt += 1;
            }
        }
        Ok(answers
            .into_iter()
            .map(|a| a.unwrap_or((0, Value::Null)))
            .collect())
    }
}
