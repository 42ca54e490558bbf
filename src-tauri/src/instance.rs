//! The window as a desktop app's window: one window per cache (a second launch on the same cache
//! shows the running window and exits), its size and position kept between runs, and its title
//! following the page's document title.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tauri::{AppHandle, Manager, Runtime, WebviewWindow, WebviewWindowBuilder, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The label of the one window (as in tauri.conf.json).
const MAIN: &str = "main";

/// What is remembered of the window.
const REMEMBERED: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// How long the window must stay put after a move or resize before its state is written.
const SETTLE: Duration = Duration::from_millis(400);

/// The D-Bus name a window holds for its cache (Linux): the app's identifier and a digest of the
/// cache's canonical path, so that a second launch on the same cache finds the first, and a
/// launch on another cache opens its own window. Each name element must not start with a digit.
pub fn dbus_id(identifier: &str, db: &Path) -> String {
    let canonical = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_path_buf());
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("{identifier}.cache_{hex}")
}

/// Registered first, before anything else is set up: a second launch on the same cache asks the
/// running one to show its window, then exits without opening another. On Linux this needs the
/// D-Bus session bus; without one, the plugin warns and each launch opens its own window (the
/// cache's writer lock still keeps two windows from writing at once). On Windows and macOS the
/// plugin knows one instance per user, whatever the cache.
pub fn single_instance<R: Runtime>(identifier: &str, db: &Path) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(dbus_id(identifier, db))
        .callback(|app, _args, _cwd| show_main(app))
        .build()
}

/// Size, position and maximised state, restored when the window opens (on a monitor that is
/// still there; otherwise where the OS puts it). The plugin writes them when the app exits
/// normally; [`keep_state_saved`] also writes them once a move or resize settles, so a session
/// that ends by a signal (a logout, a crash) still finds them.
pub fn window_state<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_state_flags(REMEMBERED)
        .build()
}

/// Writes the window's state (in the app's config folder) once it has not moved or resized for
/// [`SETTLE`]: one small file write per drag, not one per frame of it.
fn keep_state_saved<R: Runtime>(window: &WebviewWindow<R>) {
    let app = window.app_handle().clone();
    let latest = Arc::new(AtomicU64::new(0));
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let this = latest.fetch_add(1, Ordering::SeqCst) + 1;
        let (latest, app) = (latest.clone(), app.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if latest.load(Ordering::SeqCst) == this {
                let _ = app.save_window_state(REMEMBERED);
            }
        });
    });
}

/// Brings the running window to the front, as a second launch asks.
fn show_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Opens the window as tauri.conf.json describes it (`create: false` there), with its title
/// following the document title the UI sets: the page, then the tenant (`documentTitle` in
/// ui/src/App.tsx), so the taskbar and window switcher name what is shown.
pub fn open_main<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
        .ok_or_else(|| tauri::Error::WindowNotFound)?;
    let window = WebviewWindowBuilder::from_config(app, &config)?
        .on_document_title_changed(|window, title| {
            let _ = window.set_title(&title);
        })
        .build()?;
    keep_state_saved(&window);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dbus_name_is_one_per_cache_and_a_valid_name() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.db");
        let b = dir.path().join("b.db");
        std::fs::write(&a, "").unwrap();
        std::fs::write(&b, "").unwrap();
        let id = "dev.steward.desktop";
        let via_dots = dir.path().join(".").join("a.db");
        assert_eq!(
            dbus_id(id, &a),
            dbus_id(id, &via_dots),
            "one cache, one name"
        );
        assert_ne!(dbus_id(id, &a), dbus_id(id, &b), "two caches, two windows");
        let name = format!("{}.SingleInstance", dbus_id(id, &a));
        assert!(name.len() <= 255);
        for element in name.split('.') {
            assert!(!element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()));
            assert!(element
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'));
        }
    }
}
