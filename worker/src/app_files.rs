//! The built app's files in memory, by path inside the app (`index.html`,
//! `viewer/index.html`, `doorway-….wasm.br`): read from a folder (`--dist`)
//! or taken from the copy compiled into this binary (see `build.rs`).

use std::collections::BTreeMap;
use std::path::Path;

use axum::body::Bytes;

/// Whatever `dist/` held when this binary was built (empty if nothing).
static EMBEDDED: include_dir::Dir<'static> = include_dir::include_dir!("$DOORWAY_EMBEDDED_APP");

#[derive(Debug, Default, Clone)]
pub struct AppFiles {
    by_path: BTreeMap<String, Bytes>,
}

impl AppFiles {
    /// Every file under `dir`, read now.
    pub fn read_dir(dir: &Path) -> std::io::Result<AppFiles> {
        let mut files = AppFiles::default();
        files.read_into(dir, "")?;
        Ok(files)
    }

    fn read_into(&mut self, dir: &Path, prefix: &str) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type()?.is_dir() {
                self.read_into(&entry.path(), &format!("{name}/"))?;
            } else {
                let bytes = Bytes::from(std::fs::read(entry.path())?);
                self.by_path.insert(name, bytes);
            }
        }
        Ok(())
    }

    /// The app compiled into this binary; `None` if it was built without one.
    pub fn embedded() -> Option<AppFiles> {
        fn walk(dir: &'static include_dir::Dir<'static>, files: &mut AppFiles) {
            for file in dir.files() {
                let name = file.path().to_string_lossy().into_owned();
                files
                    .by_path
                    .insert(name, Bytes::from_static(file.contents()));
            }
            for sub in dir.dirs() {
                walk(sub, files);
            }
        }
        let mut files = AppFiles::default();
        walk(&EMBEDDED, &mut files);
        files.has_page().then_some(files)
    }

    /// Whether the checker's page is there: without it there is no app.
    pub fn has_page(&self) -> bool {
        self.by_path.contains_key(crate::shell::CHECKER_PAGE)
    }

    /// The page shells there are (checker, viewer, vendors' page).
    pub fn page_shells(&self) -> impl Iterator<Item = &str> {
        use crate::shell::{CHECKER_PAGE, VENDORS_PAGE, VIEWER_PAGE};
        [CHECKER_PAGE, VIEWER_PAGE, VENDORS_PAGE]
            .into_iter()
            .filter_map(|page| self.text(page))
    }

    pub fn get(&self, path: &str) -> Option<&Bytes> {
        self.by_path.get(path)
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        self.get(path)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Bytes)> {
        self.by_path
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_read_whole_with_paths_inside_it() {
        let dir = std::env::temp_dir().join(format!("doorway-app-files-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("viewer")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>checker</p>").unwrap();
        std::fs::write(dir.join("viewer/index.html"), "<p>viewer</p>").unwrap();
        let files = AppFiles::read_dir(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        let files = files.unwrap();
        assert!(files.has_page());
        assert_eq!(files.text("viewer/index.html"), Some("<p>viewer</p>"));
        assert_eq!(
            files.iter().map(|(path, _)| path).collect::<Vec<_>>(),
            ["index.html", "viewer/index.html"]
        );
    }
}
