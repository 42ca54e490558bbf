//! Which files an import reads and their text. Only regular files are read: a FIFO, a device or
//! a socket is refused by name (opening a FIFO would wait forever for a writer). Inside a folder
//! given, a symbolic link is followed only to a file or folder inside that folder, and each folder
//! is read once however many links lead to it. A file the admin names directly is read wherever
//! its link points, as they asked. A JSON document over the size cap is refused before it is
//! read; the text is UTF-8 (with or without a BOM) or UTF-16 with a BOM.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The largest JSON document an import reads (512 MiB): a document is parsed whole, and its
/// parsed form takes several times its size in memory. Graph's own pages are far smaller.
pub const MAX_DOCUMENT_BYTES: u64 = 512 * 1024 * 1024;

fn read_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Read {
        path: path.to_path_buf(),
        source,
    }
}

/// What a path is that is not a regular file or folder, for the message.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "not a regular file"
}

fn not_regular(path: &Path, meta: &std::fs::Metadata) -> Error {
    Error::Shape {
        path: path.to_path_buf(),
        message: format!(
            "this is {}, and an import reads only regular files: export the data to a file and import that",
            kind_of(meta)
        ),
    }
}

/// The `.json` (and `.csv`) files of `paths`: files as given, folders searched recursively, each folder's
/// files in name order (a folder of pages is one unit, whatever the order they were saved in);
/// and the other regular files found in the folders, which the summary lists as skipped.
pub(super) fn expand(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut out = Vec::new();
    let mut others = Vec::new();
    for p in paths {
        // A path the admin names is followed wherever it points.
        let meta = std::fs::metadata(p).map_err(read_error(p))?;
        if meta.is_dir() {
            let root = p.canonicalize().map_err(read_error(p))?;
            let mut seen = HashSet::new();
            let before = out.len();
            walk(&root, p, &mut seen, &mut out, &mut others)?;
            if out.len() == before {
                return Err(Error::NoFiles {
                    path: p.clone(),
                    message: "this folder holds no .json file; point at the folder of Graph JSON exports or at the files themselves".into(),
                });
            }
        } else if meta.is_file() {
            out.push(p.clone());
        } else {
            return Err(not_regular(p, &meta));
        }
    }
    Ok((out, others))
}

/// Adds the `.json` files under `dir` (shown to the admin as it was given) to `out`, and its other
/// regular files to `others`. `root` is the folder given, resolved: links are followed only
/// inside it.
fn walk(
    root: &Path,
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    out: &mut Vec<PathBuf>,
    others: &mut Vec<PathBuf>,
) -> Result<()> {
    let here = dir.canonicalize().map_err(read_error(dir))?;
    if !seen.insert(here) {
        // Reached again through a link: its files are in already.
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_error(dir))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .map_err(read_error(dir))?;
    entries.sort();
    for e in entries {
        let own = std::fs::symlink_metadata(&e).map_err(read_error(&e))?;
        let meta = if own.file_type().is_symlink() {
            let Ok(target) = e.canonicalize() else {
                // A dangling link holds nothing to import.
                continue;
            };
            if !target.starts_with(root) {
                if is_json(&e) || target.is_dir() {
                    return Err(Error::Shape {
                        path: e,
                        message: format!(
                            "a symbolic link to {}, outside the folder being imported; it is not followed: copy what it points at into the folder, or give that path to the import directly",
                            target.display()
                        ),
                    });
                }
                continue;
            }
            std::fs::metadata(&e).map_err(read_error(&e))?
        } else {
            own
        };
        if meta.is_dir() {
            walk(root, &e, seen, out, others)?;
        } else if is_json(&e) {
            if !meta.is_file() {
                return Err(not_regular(&e, &meta));
            }
            out.push(e);
        } else if meta.is_file() {
            others.push(e);
        }
    }
    Ok(())
}

/// A file an import reads: JSON, or CSV (Log Analytics' portal export).
fn is_json(path: &Path) -> bool {
    path.extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json") || x.eq_ignore_ascii_case("csv"))
}

/// The file's bytes, if it is a regular file within `cap` bytes.
fn read_bounded(path: &Path, cap: u64) -> Result<Vec<u8>> {
    let too_big = |size: u64| {
        Error::Shape {
        path: path.to_path_buf(),
        message: format!(
            "{} MiB, over the {} MiB an import reads as one JSON document: import Graph's pages as they come (one file per page), or split the export into several files",
            size.div_ceil(1024 * 1024),
            cap / (1024 * 1024)
        ),
    }
    };
    let meta = std::fs::metadata(path).map_err(read_error(path))?;
    if !meta.is_file() {
        return Err(not_regular(path, &meta));
    }
    if meta.len() > cap {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(read_error(path))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file that grows while it is read is held to the cap too.
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error(path))?;
    if bytes.len() as u64 > cap {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The file's text: UTF-8 (with or without a BOM) or UTF-16 with a BOM, which Windows
/// PowerShell's `Out-File` writes.
pub(super) fn read_text(path: &Path, cap: u64) -> Result<String> {
    let bytes = read_bounded(path, cap)?;
    let shape = |message: &str| Error::Shape {
        path: path.to_path_buf(),
        message: message.into(),
    };
    let utf16 = |le: bool| -> Result<String> {
        let body = &bytes[2..];
        if body.len() % 2 != 0 {
            return Err(shape("the file is UTF-16 text but ends in half a character, so it was cut short: export it again"));
        }
        let units: Vec<u16> = body
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        String::from_utf16(&units)
            .map_err(|_| shape("the file starts like UTF-16 text but is not; save it as UTF-8"))
    };
    match bytes.as_slice() {
        [0xFF, 0xFE, ..] => utf16(true),
        [0xFE, 0xFF, ..] => utf16(false),
        [0xEF, 0xBB, 0xBF, rest @ ..] => {
            String::from_utf8(rest.to_vec()).map_err(|e| not_utf8(path, e))
        }
        _ => String::from_utf8(bytes.clone()).map_err(|e| not_utf8(path, e)),
    }
}

fn not_utf8(path: &Path, e: std::string::FromUtf8Error) -> Error {
    Error::Shape {
        path: path.to_path_buf(),
        message: format!(
            "not UTF-8 text (invalid byte at offset {}); Graph JSON is UTF-8: export it again",
            e.utf8_error().valid_up_to()
        ),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn message(e: Error) -> String {
        e.to_string()
    }

    #[test]
    fn links_are_followed_inside_the_folder_only_and_each_folder_is_read_once() {
        let outer = tempfile::tempdir().unwrap();
        let root = outer.path().join("export");
        std::fs::create_dir_all(root.join("pages")).unwrap();
        std::fs::write(root.join("pages/1.json"), "[]").unwrap();
        std::fs::write(outer.path().join("secret.json"), "[]").unwrap();
        // A link back up the tree (a loop) and a link to a file inside: both fine.
        std::os::unix::fs::symlink(&root, root.join("pages/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("pages/1.json"), root.join("again.json")).unwrap();
        std::fs::write(root.join("pages/README.md"), "notes").unwrap();
        let (files, others) = expand(std::slice::from_ref(&root)).unwrap();
        assert_eq!(
            files,
            vec![root.join("again.json"), root.join("pages/1.json")]
        );
        assert_eq!(
            others,
            vec![root.join("pages/README.md")],
            "listed, to skip by name"
        );
        // A link out of the folder is refused by name, with what to do.
        std::os::unix::fs::symlink(outer.path().join("secret.json"), root.join("out.json"))
            .unwrap();
        let e = message(expand(std::slice::from_ref(&root)).unwrap_err());
        assert!(
            e.contains("out.json") && e.contains("outside the folder"),
            "{e}"
        );
        // Given directly, the same link is read: the admin named it.
        assert_eq!(expand(&[root.join("out.json")]).unwrap().0.len(), 1);
    }

    #[test]
    fn a_fifo_is_refused_by_name_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        for given in [fifo.clone(), dir.path().to_path_buf()] {
            let e = message(expand(&[given]).unwrap_err());
            assert!(e.contains("pipe.json") && e.contains("FIFO"), "{e}");
        }
        let e = message(read_text(&fifo, MAX_DOCUMENT_BYTES).unwrap_err());
        assert!(e.contains("FIFO"), "{e}");
    }

    #[test]
    fn a_document_over_the_cap_is_refused_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("big.json");
        std::fs::write(&f, vec![b' '; 3 * 1024 * 1024]).unwrap();
        assert!(
            read_text(&f, 3 * 1024 * 1024).is_ok(),
            "the cap itself is allowed"
        );
        let e = message(read_text(&f, 2 * 1024 * 1024).unwrap_err());
        assert!(
            e.contains("3 MiB, over the 2 MiB") && e.contains("split"),
            "{e}"
        );
    }

    #[test]
    fn utf16_with_an_odd_last_byte_is_an_error_not_a_silent_loss() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("ps.json");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("[]".encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&f, &bytes).unwrap();
        assert_eq!(read_text(&f, MAX_DOCUMENT_BYTES).unwrap(), "[]");
        bytes.push(b'}');
        std::fs::write(&f, &bytes).unwrap();
        let e = message(read_text(&f, MAX_DOCUMENT_BYTES).unwrap_err());
        assert!(e.contains("half a character"), "{e}");
    }
}
