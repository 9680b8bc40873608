//! The built app as the edge's platform serves it (`edge/build/assets`): the
//! files of `dist/` without their `.br`/`.gz` copies (the platform compresses
//! by itself), and a `_headers` file that gives them the headers the native
//! worker sends: nosniff and no referrer on every file, Trunk's hashed files
//! cached for good (everything else keeps the platform's revalidation), and
//! no framing of a plain HTML file, and the catalogues (`.ftl`, which the
//! platform does not know) typed as text. The pages themselves come from the edge's
//! worker, which sends its own.

use std::path::Path;

use anyhow::{Context, Result};
use doorway_precompress::{content_type, is_compressed_copy, is_content_hashed, IMMUTABLE};

/// Copies `dist` into a fresh `assets` folder and writes its `_headers`;
/// answers how many files were copied.
pub fn stage(dist: &Path, assets: &Path) -> Result<usize> {
    if assets.exists() {
        std::fs::remove_dir_all(assets)
            .with_context(|| format!("removing the old {}", assets.display()))?;
    }
    let mut paths = Vec::new();
    copy_dir(dist, assets, "", &mut paths)?;
    paths.sort();
    std::fs::write(assets.join("_headers"), headers_file(&paths))
        .with_context(|| format!("writing {}/_headers", assets.display()))?;
    Ok(paths.len())
}

fn copy_dir(from: &Path, to: &Path, prefix: &str, paths: &mut Vec<String>) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    let entries = std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}/{name}");
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &to.join(&name), &path, paths)?;
        } else if !is_compressed_copy(&name) {
            std::fs::copy(entry.path(), to.join(&name))
                .with_context(|| format!("copying {}", entry.path().display()))?;
            paths.push(path);
        }
    }
    Ok(())
}

/// The platform's `_headers` for these files (URL paths, `/app-….wasm`).
fn headers_file(paths: &[String]) -> String {
    let mut file = String::from(
        "# Written by `cargo xtask` (xtask/src/edge_assets.rs) for the files the\n\
         # platform serves itself; the edge's worker sends the pages' headers.\n\
         /*\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: no-referrer\n",
    );
    for path in paths {
        let name = path.rsplit('/').next().unwrap_or(path);
        if is_content_hashed(name) {
            file.push_str(&format!("{path}\n  Cache-Control: {IMMUTABLE}\n"));
        } else if name.ends_with(".ftl") {
            // The platform does not know the catalogues' extension.
            let text = content_type(name);
            file.push_str(&format!("{path}\n  Content-Type: {text}\n"));
        } else if name.ends_with(".html") && name != "index.html" {
            file.push_str(&format!(
                "{path}\n  X-Frame-Options: DENY\n  Content-Security-Policy: frame-ancestors 'none'\n"
            ));
        }
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_files_are_immutable_plain_html_unframed_catalogues_typed_the_rest_revalidated() {
        let paths = [
            "/app-0123456789abcdef.css",
            "/doorway-frontend-8f1c2e7a9b3d4c5e_bg.wasm",
            "/viewer/doorway-viewer-5e5452ff143aa40.js",
            "/embed-demo.html",
            "/embed-demo.js",
            "/index.html",
            "/locales/de.ftl",
        ]
        .map(String::from);
        let file = headers_file(&paths);
        let rules: Vec<(&str, Vec<&str>)> = file
            .split('\n')
            .filter(|line| line.starts_with('/'))
            .map(|path| {
                let after = file.split(&format!("{path}\n")).nth(1).unwrap_or_default();
                let headers = after
                    .lines()
                    .take_while(|line| line.starts_with("  "))
                    .map(str::trim)
                    .collect();
                (path, headers)
            })
            .collect();
        let immutable = format!("Cache-Control: {IMMUTABLE}");
        assert_eq!(
            rules,
            [
                (
                    "/*",
                    vec![
                        "X-Content-Type-Options: nosniff",
                        "Referrer-Policy: no-referrer"
                    ]
                ),
                ("/app-0123456789abcdef.css", vec![immutable.as_str()]),
                (
                    "/doorway-frontend-8f1c2e7a9b3d4c5e_bg.wasm",
                    vec![immutable.as_str()]
                ),
                (
                    "/viewer/doorway-viewer-5e5452ff143aa40.js",
                    vec![immutable.as_str()]
                ),
                (
                    "/embed-demo.html",
                    vec![
                        "X-Frame-Options: DENY",
                        "Content-Security-Policy: frame-ancestors 'none'"
                    ]
                ),
                (
                    "/locales/de.ftl",
                    vec!["Content-Type: text/plain; charset=utf-8"]
                ),
            ]
        );
    }

    #[test]
    fn staging_leaves_out_the_precompressed_copies() {
        let root = std::env::temp_dir().join(format!("doorway-edge-assets-{}", std::process::id()));
        let dist = root.join("dist");
        std::fs::create_dir_all(dist.join("viewer")).unwrap();
        for name in [
            "index.html",
            "app-0123456789abcdef.css",
            "app-0123456789abcdef.css.br",
        ] {
            std::fs::write(dist.join(name), name).unwrap();
        }
        std::fs::write(dist.join("viewer/index.html.gz"), "gz").unwrap();
        std::fs::write(dist.join("viewer/index.html"), "viewer").unwrap();
        let assets = root.join("assets");
        std::fs::create_dir_all(&assets).unwrap();
        std::fs::write(assets.join("stale.js"), "from an older build").unwrap();

        let copied = stage(&dist, &assets).unwrap();

        let mut found: Vec<String> = walk(&assets, "");
        found.sort();
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(copied, 3);
        assert_eq!(
            found,
            [
                "/_headers",
                "/app-0123456789abcdef.css",
                "/index.html",
                "/viewer/index.html"
            ]
        );
    }

    fn walk(dir: &Path, prefix: &str) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .flat_map(|entry| {
                let entry = entry.unwrap();
                let path = format!("{prefix}/{}", entry.file_name().to_string_lossy());
                if entry.file_type().unwrap().is_dir() {
                    walk(&entry.path(), &path)
                } else {
                    vec![path]
                }
            })
            .collect()
    }
}
