//! Shrinks the boundary between a page's wasm and wasm-bindgen's JS glue,
//! after Trunk built the page and before the files are compressed.
//!
//! wasm-bindgen names every import after the function and a 16-digit hash
//! (`__wbg_fetch_858ffa201963e190`), once in the wasm and once in the JS: a
//! few kilobytes that brotli cannot shrink, since hashes do not repeat.
//! Binaryen's `--minify-imports-and-exports-and-modules` renames both sides'
//! names to one or two letters and prints the mapping; the glue is rewritten
//! to match, then minified by esbuild (Trunk's own minifier cannot parse
//! wasm-bindgen's output). Trunk's `integrity` attributes in the page are
//! rewritten for the new bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha384};

/// Binaryen merges every import module into one of this name when it
/// minifies modules (WebAssembly/binaryen#2620).
const MINIFIED_MODULE: &str = "a";

/// The tools, as xtask installed them.
pub struct Tools<'a> {
    pub wasm_opt: &'a Path,
    pub esbuild: &'a Path,
}

/// What one page's files weighed before and after, uncompressed.
pub struct Shrunk {
    pub js: (usize, usize),
    pub wasm: (usize, usize),
}

/// Shrinks the Trunk-built page in `dir`: its one `*_bg.wasm`, the glue next
/// to it and the `index.html` that loads them.
pub fn shrink(dir: &Path, tools: &Tools) -> Result<Shrunk> {
    let wasm = single_wasm(dir)?;
    let wasm_name = file_name(&wasm)?;
    let js = dir.join(format!(
        "{}.js",
        wasm_name.trim_end_matches(".wasm").trim_end_matches("_bg")
    ));
    let html = dir.join("index.html");
    let old_js = read(&js)?;
    let old_wasm = read(&wasm)?;

    let mapping = minify_wasm(&wasm, tools.wasm_opt)?;
    let glue =
        std::str::from_utf8(&old_js).with_context(|| format!("{} is not UTF-8", js.display()))?;
    let glue = rename_in_glue(glue, &mapping)
        .with_context(|| format!("rewriting {} for the minified wasm", js.display()))?;
    std::fs::write(&js, glue).with_context(|| format!("writing {}", js.display()))?;
    minify_js(&js, tools.esbuild)?;

    let new_js = read(&js)?;
    let new_wasm = read(&wasm)?;
    let mut page = String::from_utf8(read(&html)?)
        .with_context(|| format!("{} is not UTF-8", html.display()))?;
    for (old, new) in [(&old_js, &new_js), (&old_wasm, &new_wasm)] {
        page = replace_integrity(&page, old, new)
            .with_context(|| format!("updating the integrity in {}", html.display()))?;
    }
    std::fs::write(&html, page).with_context(|| format!("writing {}", html.display()))?;
    Ok(Shrunk {
        js: (old_js.len(), new_js.len()),
        wasm: (old_wasm.len(), new_wasm.len()),
    })
}

fn single_wasm(dir: &Path) -> Result<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.to_string_lossy().ends_with("_bg.wasm") {
            found.push(path);
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        _ => bail!(
            "{} should hold exactly one *_bg.wasm from Trunk, it holds {}",
            dir.display(),
            found.len()
        ),
    }
}

fn file_name(path: &Path) -> Result<&str> {
    path.file_name()
        .and_then(|n| n.to_str())
        .with_context(|| format!("{} has no plain file name", path.display()))
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// The old names and their new ones.
#[derive(Debug, Default, PartialEq)]
struct Mapping {
    /// The one module the glue provides imports as.
    module: String,
    imports: HashMap<String, String>,
    exports: HashMap<String, String>,
}

/// Minifies the wasm's import and export names in place; answers how they
/// were renamed.
fn minify_wasm(wasm: &Path, wasm_opt: &Path) -> Result<Mapping> {
    let printed = minify_with(
        Command::new(wasm_opt)
            .arg(wasm)
            // No feature flags: the wasm's own target_features section
            // decides. With all features on, binaryen writes encodings that
            // browsers do not read yet (a compact import section).
            .arg("--minify-imports-and-exports-and-modules")
            .arg("-o")
            .arg(wasm),
        wasm,
    )?;
    parse_mapping(&printed)
}

/// Runs a minifier over `file`; answers what it printed.
fn minify_with(command: &mut Command, file: &Path) -> Result<String> {
    let tool = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("cannot start {tool}"))?;
    ensure!(
        output.status.success(),
        "{tool} could not minify {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Binaryen's mapping: `{"imports": [[module, name, new name], …],
/// "exports": [[name, new name], …]}`.
fn parse_mapping(text: &str) -> Result<Mapping> {
    #[derive(serde::Deserialize)]
    struct Printed {
        imports: Vec<(String, String, String)>,
        exports: Vec<(String, String)>,
    }
    let printed: Printed =
        serde_json::from_str(text).context("wasm-opt printed no mapping of the names")?;
    let mut modules: Vec<&str> = printed.imports.iter().map(|(m, _, _)| m.as_str()).collect();
    modules.sort_unstable();
    modules.dedup();
    let [module] = modules.as_slice() else {
        bail!("the wasm imports from {modules:?}; the glue rewrite expects one module");
    };
    Ok(Mapping {
        module: (*module).to_owned(),
        imports: printed
            .imports
            .iter()
            .map(|(_, old, new)| (old.clone(), new.clone()))
            .collect(),
        exports: printed.exports.into_iter().collect(),
    })
}

fn is_identifier_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// The glue with the new names: the import object's keys (`name:`), the
/// module's key (`"module":`) and the uses of exports (`wasm.name`). Every
/// import must be provided exactly once and every export used must be known,
/// or the page would fail to start.
fn rename_in_glue(glue: &str, mapping: &Mapping) -> Result<String> {
    let module_key = format!("\"{}\":", mapping.module);
    ensure!(
        glue.matches(&module_key).count() == 1,
        "the glue does not provide the module {module_key} once"
    );
    let glue = glue.replacen(&module_key, &format!("\"{MINIFIED_MODULE}\":"), 1);

    let bytes = glue.as_bytes();
    let mut out = String::with_capacity(glue.len());
    let mut provided = std::collections::HashSet::new();
    let mut at = 0;
    while at < bytes.len() {
        let starts_token =
            is_identifier_byte(bytes[at]) && (at == 0 || !is_identifier_byte(bytes[at - 1]));
        if !starts_token {
            let next = glue[at..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&glue[at..at + next]);
            at += next;
            continue;
        }
        let end = bytes[at..]
            .iter()
            .position(|b| !is_identifier_byte(*b))
            .map_or(bytes.len(), |n| at + n);
        let token = &glue[at..end];
        // `wasm.name`, and not `my_wasm.name`.
        let after_export_access =
            bytes[..at].ends_with(b"wasm.") && (at == 5 || !is_identifier_byte(bytes[at - 6]));
        let is_key = glue[end..].trim_start().starts_with(':');
        if after_export_access {
            let new = mapping.exports.get(token).with_context(|| {
                format!("the glue uses `wasm.{token}`, which the wasm does not export")
            })?;
            out.push_str(new);
        } else if let Some(new) = mapping.imports.get(token).filter(|_| is_key) {
            ensure!(provided.insert(token), "the glue provides {token} twice");
            out.push_str(new);
        } else {
            out.push_str(token);
        }
        at = end;
    }
    ensure!(
        provided.len() == mapping.imports.len(),
        "the glue provides {} of the wasm's {} imports",
        provided.len(),
        mapping.imports.len()
    );
    Ok(out)
}

fn minify_js(js: &Path, esbuild: &Path) -> Result<()> {
    minify_with(
        Command::new(esbuild)
            .arg(js)
            .args([
                "--minify",
                "--format=esm",
                "--log-level=warning",
                "--allow-overwrite",
            ])
            .arg(format!("--outfile={}", js.display())),
        js,
    )
    .map(drop)
}

/// Trunk's `integrity="sha384-…"` of the old bytes, made the new bytes'.
fn replace_integrity(page: &str, old: &[u8], new: &[u8]) -> Result<String> {
    let hash = |bytes: &[u8]| {
        format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
        )
    };
    let old = hash(old);
    ensure!(
        page.matches(&old).count() == 1,
        "the page names {old} {} times, not once",
        page.matches(&old).count()
    );
    Ok(page.replacen(&old, &hash(new), 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        Mapping {
            module: "./app_bg.js".into(),
            imports: [
                ("__wbg_fetch_858ffa201963e190", "a"),
                ("__wbindgen_init_externref_table", "b"),
            ]
            .map(|(o, n)| (o.to_owned(), n.to_owned()))
            .into(),
            exports: [("memory", "c"), ("__wbindgen_malloc", "d")]
                .map(|(o, n)| (o.to_owned(), n.to_owned()))
                .into(),
        }
    }

    const GLUE: &str = r#"function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_fetch_858ffa201963e190: function(arg0) { return fetch(arg0); },
        __wbindgen_init_externref_table: function() { wasm.__wbindgen_malloc(1); },
    };
    return { __proto__: null, "./app_bg.js": import0 };
}
const view = new Uint8Array(wasm.memory.buffer); my_wasm.memory;"#;

    #[test]
    fn renames_import_keys_the_module_and_export_uses_and_nothing_else() {
        let renamed = rename_in_glue(GLUE, &mapping()).expect("renamed");
        assert!(renamed.contains("        a: function(arg0) { return fetch(arg0); },"));
        assert!(renamed.contains("        b: function() { wasm.d(1); },"));
        assert!(renamed.contains(r#"{ __proto__: null, "a": import0 }"#));
        assert!(renamed.contains("new Uint8Array(wasm.c.buffer)"));
        // Another object's `.memory` is not the wasm's.
        assert!(renamed.contains("my_wasm.memory;"));
        assert!(!renamed.contains("__wbg_fetch"));
    }

    #[test]
    fn an_import_the_glue_does_not_provide_is_an_error() {
        let mut mapping = mapping();
        mapping
            .imports
            .insert("__wbg_gone_0000000000000000".into(), "e".into());
        let error = rename_in_glue(GLUE, &mapping).expect_err("one import missing");
        assert!(error
            .to_string()
            .contains("provides 2 of the wasm's 3 imports"));
    }

    #[test]
    fn an_import_provided_twice_is_an_error() {
        let twice = GLUE.replace(
            "    };\n    return",
            "        __wbg_fetch_858ffa201963e190: function(arg0) { return arg0; },\n    };\n    return",
        );
        assert_ne!(twice, GLUE);
        let error = rename_in_glue(&twice, &mapping()).expect_err("provided twice");
        assert!(error.to_string().contains("twice"), "{error}");
    }

    #[test]
    fn an_export_the_wasm_lacks_is_an_error() {
        let mut mapping = mapping();
        mapping.exports.remove("memory");
        let error = rename_in_glue(GLUE, &mapping).expect_err("memory unknown");
        assert!(error.to_string().contains("`wasm.memory`"));
    }

    #[test]
    fn reads_binaryens_mapping_and_refuses_two_modules() {
        let printed = r#"{
 "imports": [
  ["./app_bg.js", "__wbg_fetch_858ffa201963e190", "a"],
  ["./app_bg.js", "__wbindgen_init_externref_table", "b"]
 ],
"exports": [
  ["memory", "c"],
  ["__wbindgen_malloc", "d"]
 ]
}"#;
        assert_eq!(parse_mapping(printed).expect("parsed"), mapping());
        let two = r#"{"imports": [["./app_bg.js", "x", "a"], ["./snippets/y.js", "y", "b"]], "exports": []}"#;
        assert!(parse_mapping(two).is_err());
    }

    #[test]
    fn the_integrity_follows_the_bytes() {
        let page = format!(
            r#"<link rel="modulepreload" href="/app.js" integrity="sha384-{}">"#,
            base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"old"))
        );
        let updated = replace_integrity(&page, b"old", b"new").expect("updated");
        assert!(updated
            .contains(&base64::engine::general_purpose::STANDARD.encode(Sha384::digest(b"new"))));
        assert!(replace_integrity(&updated, b"old", b"new").is_err());
    }
}
