//! The window as the desktop sees it: its title names the page and the tenant, it opens where and
//! as large as it was closed, and a second launch on the same cache shows the running window
//! instead of opening another (scripts/test.sh runs this suite in a D-Bus session, as a desktop
//! session has one).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{binary, os_window_titles, App, Cache};

#[tokio::test(flavor = "current_thread")]
async fn the_os_window_title_names_the_page_and_the_tenant() {
    let cache = Cache::demo(60, 500);
    let app = App::start("window-title", &cache).await;
    for (page, name) in [("identities", "Identities"), ("licensing", "Licensing")] {
        app.open_page(page).await;
        let want = format!("{name} — Steward — Contoso Demo (demo tenant)");
        app.until(&format!("the OS window title is \"{want}\""), || async {
            os_window_titles().contains(&want)
        })
        .await;
    }
    app.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_window_opens_where_and_as_large_as_it_was_closed() {
    let cache = Cache::demo(60, 500);
    let config = tempfile::tempdir().expect("temp dir");
    let env = [("XDG_CONFIG_HOME", config.path().to_str().unwrap())];
    let app = App::start_with_env("window-state", &cache, &env).await;
    app.find("page-overview").await;
    let first = app.window_rect().await;
    let moved = (120, 70, 1100, 720);
    assert_ne!(
        (first.0, first.1, first.2, first.3),
        moved,
        "the test moves it somewhere new"
    );
    app.set_window_rect(120, 70, 1100, 720).await;
    app.until("the window moved and resized", || async {
        app.window_rect().await == moved
    })
    .await;
    // Written once the move settles, so even a window that is killed (as the test stops it, and
    // as a logout may) opens there again.
    let saved = config.path().join("dev.steward.desktop/.window-state.json");
    app.until("the window's state is written", || async {
        std::fs::read_to_string(&saved)
            .ok()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(&s).ok())
            .is_some_and(|v| v["main"]["width"] == 1100 && v["main"]["x"] == 120)
    })
    .await;
    app.stop().await;

    let again = App::start_with_env("window-state-again", &cache, &env).await;
    again.find("page-overview").await;
    assert_eq!(
        again.window_rect().await,
        moved,
        "the window opens where and as large as it was closed"
    );
    again.stop().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_second_launch_on_the_same_cache_shows_the_running_window() {
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "run the e2e suite in a D-Bus session (dbus-run-session), as scripts/test.sh does"
    );
    let cache = Cache::demo(60, 500);
    let app = App::start("second-launch", &cache).await;
    app.find("page-overview").await;
    // Windows of earlier tests may still be closing: count from what is there now.
    app.until("the window is on the display", || async {
        !os_window_titles().is_empty()
    })
    .await;
    let before = os_window_titles().len();

    // The same cache: the second process hands over to the first and ends, opening nothing.
    let mut second = Command::new(binary("steward-desktop"))
        .arg("--db")
        .arg(&cache.path)
        .env("STEWARD_SECRET_STORE", "memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a second steward-desktop");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = second.try_wait().expect("wait for the second launch") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            panic!(
                "a second launch on the same cache kept running; windows: {:?}",
                os_window_titles()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "the second launch ended with {status}");
    assert!(
        os_window_titles().len() <= before,
        "no second window opened"
    );
    app.find("page-overview").await;

    // Another cache is another window.
    let other = Cache::demo(20, 100);
    let mut third = Command::new(binary("steward-desktop"))
        .arg("--db")
        .arg(&other.path)
        .env("STEWARD_SECRET_STORE", "memory")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start steward-desktop on another cache");
    app.until("a launch on another cache opens its own window", || async {
        os_window_titles().len() > before
    })
    .await;
    let _ = third.kill();
    let _ = third.wait();
    app.stop().await;
}
