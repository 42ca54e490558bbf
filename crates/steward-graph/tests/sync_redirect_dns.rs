//! Dangling redirect domains: a sync asked to look up the own apps' redirect hosts records what a
//! resolver answers (a stub here: nothing leaves the machine), `unsafeRedirectUri` then names the
//! hosts that no longer resolve, offline, and a later sync whose lookups go unanswered keeps the
//! verdict it had.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use graph_sim::Faults;
use steward_core::recommendations::{recommendations, RecommendationSettings};
use steward_core::store::{self, redirect_domains, tenants};
use steward_graph::sync::{sync, Resolution, Resolve};

#[path = "sync_support.rs"]
mod sync_support;
use sync_support::*;

/// Answers from a table; a host not in it resolves. Counts the lookups.
struct Stub {
    answers: HashMap<String, Resolution>,
    asked: Mutex<Vec<String>>,
}

impl Resolve for Stub {
    fn resolve(&self, host: &str) -> Resolution {
        self.asked.lock().unwrap().push(host.to_string());
        self.answers
            .get(host)
            .cloned()
            .unwrap_or(Resolution::Resolves)
    }
}

fn unsafe_evidence(conn: &rusqlite::Connection, app_host: &str) -> Option<String> {
    let (key, t) = tenants::resolve_tenant(conn, None).unwrap();
    let r = recommendations(
        conn,
        key,
        &t.id,
        as_of(),
        &RecommendationSettings::default(),
        None,
    )
    .unwrap();
    let rec = r
        .recommendations
        .iter()
        .find(|r| r.recommendation_type == "unsafeRedirectUri")
        .unwrap();
    rec.impacted
        .iter()
        .flat_map(|i| i.evidence.iter())
        .map(|e| e.value.clone())
        .find(|v| v.contains(app_host) && v.contains("did not resolve"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_records_which_redirect_hosts_no_longer_resolve_and_the_check_names_them() {
    let sim = start(Faults::default()).await;
    let dir = tempfile::tempdir().unwrap();
    let conn = store::open(&dir.path().join("cache.db")).unwrap();

    // Without a resolver nothing is looked up and nothing is judged dangling.
    let summary = sync(&conn, &options(&sim), as_of(), &mut |_| {})
        .await
        .unwrap();
    assert!(summary.redirect_domains.is_none());
    let (key, _) = tenants::resolve_tenant(&conn, None).unwrap();
    assert_eq!(redirect_domains::last_check(&conn, key).unwrap(), None);
    let hosts = redirect_domains::own_redirect_hosts(&conn, key).unwrap();
    assert!(hosts.len() >= 3, "{hosts:?}");
    assert!(
        hosts.iter().all(|h| !h.contains('*') && h != "localhost"),
        "wildcards and loopback are not looked up: {hosts:?}"
    );

    // One host is gone, one cannot be answered for; the rest resolve.
    let (gone, unsure) = (hosts[0].clone(), hosts[1].clone());
    let stub = Arc::new(Stub {
        answers: HashMap::from([
            (gone.clone(), Resolution::NoSuchName),
            (unsure.clone(), Resolution::Unknown("timed out".into())),
        ]),
        asked: Mutex::new(Vec::new()),
    });
    let mut opts = options(&sim);
    opts.redirect_resolver = Some(stub.clone());
    let summary = sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    let report = summary.redirect_domains.unwrap();
    assert_eq!(report.hosts, hosts.len() as u64);
    assert_eq!((report.dangling, report.unanswered), (1, 1));
    assert_eq!(
        report.detail.as_deref(),
        Some(&*format!("{unsure}: timed out"))
    );
    let mut asked = stub.asked.lock().unwrap().clone();
    asked.sort();
    assert_eq!(asked, hosts, "each host is asked about once");

    let why = unsafe_evidence(&conn, &gone).expect("the dangling host is named");
    assert!(why.contains("a dangling domain"), "{why}");
    assert!(
        unsafe_evidence(&conn, &unsure).is_none(),
        "unanswered is not judged"
    );

    // A later sync whose lookups all go unanswered keeps the verdict.
    let silent = Arc::new(Stub {
        answers: hosts
            .iter()
            .map(|h| (h.clone(), Resolution::Unknown("no network".into())))
            .collect(),
        asked: Mutex::new(Vec::new()),
    });
    opts.redirect_resolver = Some(silent);
    let report = sync(&conn, &opts, as_of(), &mut |_| {})
        .await
        .unwrap()
        .redirect_domains
        .unwrap();
    assert_eq!(report.unanswered, hosts.len() as u64);
    assert!(unsafe_evidence(&conn, &gone).is_some(), "the verdict stays");

    // Once it resolves again, the finding goes.
    opts.redirect_resolver = Some(Arc::new(Stub {
        answers: HashMap::new(),
        asked: Mutex::new(Vec::new()),
    }));
    sync(&conn, &opts, as_of(), &mut |_| {}).await.unwrap();
    assert!(unsafe_evidence(&conn, &gone).is_none());
}
