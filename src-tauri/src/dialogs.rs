//! The native file dialogs, and the paths they returned in this session: the only paths the
//! window's backend reads (imports, certificate files) or writes (reports) for the webview. A
//! path the webview sends that no dialog returned is refused, so a script that found its way
//! into the webview cannot name a file to read or overwrite.
//!
//! The end-to-end suite cannot drive a native dialog: debug builds take a dialog's answer from
//! the first line of the file `STEWARD_TEST_DIALOG_ANSWERS` names (an empty line is a cancel).
//! Release builds ignore it.

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::AppError;

/// Which dialog to open.
pub enum Pick {
    /// One or more files to read, of the extensions given.
    Files {
        title: &'static str,
        filter: (&'static str, &'static [&'static str]),
    },
    /// One file to read.
    File {
        title: &'static str,
        filter: (&'static str, &'static [&'static str]),
    },
    /// A folder to read.
    Folder { title: &'static str },
    /// A file to write, suggested name first.
    Save {
        title: &'static str,
        name: String,
        filter: (String, Vec<String>),
    },
}

/// The paths the dialogs returned in this session.
#[derive(Default)]
pub struct Dialogs {
    granted: Mutex<HashSet<PathBuf>>,
    /// Debug builds only: where the end-to-end suite writes the dialogs' answers.
    answers: Option<PathBuf>,
}

impl Dialogs {
    pub fn from_env() -> Dialogs {
        Dialogs {
            granted: Mutex::default(),
            answers: cfg!(debug_assertions)
                .then(|| std::env::var_os("STEWARD_TEST_DIALOG_ANSWERS"))
                .flatten()
                .map(PathBuf::from),
        }
    }

    /// Opens the dialog (on the blocking pool: its blocking form must not run on the main
    /// thread) and grants what it returned; `None` when the admin cancelled it.
    pub async fn pick(
        self: std::sync::Arc<Self>,
        app: AppHandle,
        pick: Pick,
    ) -> Result<Option<Vec<PathBuf>>, AppError> {
        let answers = self.answers.clone();
        let chosen = tauri::async_runtime::spawn_blocking(move || match &answers {
            Some(file) => scripted(file),
            None => native(&app, pick),
        })
        .await
        .map_err(|e| AppError::Internal {
            message: format!("the file dialog failed ({e}); try again"),
        })?;
        if let Some(paths) = &chosen {
            let mut granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
            granted.extend(paths.iter().cloned());
        }
        Ok(chosen)
    }

    /// `path` if a dialog of this session returned it; `what` names the file for the message
    /// ("the certificate file").
    pub fn granted(&self, path: &str, what: &str) -> Result<PathBuf, AppError> {
        let path = Path::new(path);
        let granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
        if granted.contains(path) {
            Ok(path.to_path_buf())
        } else {
            Err(AppError::InvalidInput {
                message: format!(
                    "choose {what} with Steward's Choose… button: the window reads and writes only files picked in its own dialog"
                ),
            })
        }
    }
}

fn native(app: &AppHandle, pick: Pick) -> Option<Vec<PathBuf>> {
    let dialog = app.dialog().file();
    let one = |p: tauri_plugin_dialog::FilePath| p.into_path().ok().map(|p| vec![p]);
    match pick {
        Pick::Files {
            title,
            filter: (name, extensions),
        } => dialog
            .set_title(title)
            .add_filter(name, extensions)
            .blocking_pick_files()
            .map(|ps| ps.into_iter().filter_map(|p| p.into_path().ok()).collect()),
        Pick::File {
            title,
            filter: (name, extensions),
        } => dialog
            .set_title(title)
            .add_filter(name, extensions)
            .blocking_pick_file()
            .and_then(one),
        Pick::Folder { title } => dialog.set_title(title).blocking_pick_folder().and_then(one),
        Pick::Save {
            title,
            name,
            filter: (label, extensions),
        } => {
            let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
            dialog
                .set_title(title)
                .set_file_name(&name)
                .add_filter(label, &extensions)
                .blocking_save_file()
                .and_then(one)
        }
    }
}

/// The next answer the end-to-end suite wrote: the file's first line, taken off it.
fn scripted(file: &Path) -> Option<Vec<PathBuf>> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut lines: VecDeque<&str> = text.lines().collect();
    let first = lines.pop_front()?;
    let rest: Vec<&str> = lines.into_iter().collect();
    let _ = std::fs::write(file, rest.join("\n"));
    (!first.trim().is_empty()).then(|| vec![PathBuf::from(first.trim())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_a_dialog_returned_is_granted() {
        let dialogs = Dialogs::default();
        dialogs
            .granted
            .lock()
            .unwrap()
            .insert(PathBuf::from("/home/admin/report.csv"));
        assert!(dialogs
            .granted("/home/admin/report.csv", "the file")
            .is_ok());
        let e = dialogs
            .granted("/home/admin/.bashrc", "the file")
            .unwrap_err()
            .to_string();
        assert!(e.contains("Choose…"), "{e}");
    }

    #[test]
    fn scripted_answers_are_taken_in_order_and_a_blank_line_is_a_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("answers");
        std::fs::write(&file, "/a.json\n\n/b").unwrap();
        assert_eq!(scripted(&file), Some(vec![PathBuf::from("/a.json")]));
        assert_eq!(scripted(&file), None);
        assert_eq!(scripted(&file), Some(vec![PathBuf::from("/b")]));
        assert_eq!(scripted(&file), None, "no answer left");
    }
}
