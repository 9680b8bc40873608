//! The content codings Doorway serves its built files in, and the build
//! step that writes a brotli and a gzip copy next to each file, so that no
//! server compresses per request; and which of those files never change.
//! Shared by the worker (which also compresses its page shells once at
//! start-up) and `cargo xtask` (which also writes the edge's cache rules).

use std::path::Path;

/// A content coding the worker can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

/// The codings a file is kept in besides itself, with the suffix of their
/// precompressed copies (`app.wasm.br`), best first.
pub const COMPRESSED: [(Coding, &str); 2] = [(Coding::Brotli, "br"), (Coding::Gzip, "gz")];

impl Coding {
    pub fn token(self) -> &'static str {
        match self {
            Coding::Identity => "identity",
            Coding::Gzip => "gzip",
            Coding::Brotli => "br",
        }
    }
}

/// Whether the file is a precompressed copy (`app.wasm.br`) of another.
pub fn is_compressed_copy(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| COMPRESSED.iter().any(|(_, suffix)| ext == *suffix))
}

/// `path` with `.suffix` added: where a precompressed copy lives.
pub fn compressed_path(path: &Path, suffix: &str) -> std::ffi::OsString {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name
}

/// `raw` in `coding`, at the best compression (this runs at build time or
/// start-up, never per request).
pub fn encode(coding: Coding, raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        Coding::Identity => out.extend_from_slice(raw),
        Coding::Brotli => {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            // Writing into a Vec cannot fail.
            let _ = brotli::BrotliCompress(&mut &raw[..], &mut out, &params);
        }
        Coding::Gzip => {
            use std::io::Write;
            let mut encoder = flate2::write::GzEncoder::new(out, flate2::Compression::best());
            let _ = encoder.write_all(raw);
            out = encoder.finish().unwrap_or_default();
        }
    }
    out
}

/// Writes `file.br` and `file.gz` next to every compressible file under
/// `dir` (the build step; `cargo xtask` runs it after Trunk, `doorway precompress` for a folder built by hand). Returns how
/// many files it compressed.
pub fn precompress_dir(dir: &Path) -> std::io::Result<usize> {
    let mut count = 0;
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            count += precompress_dir(&path)?;
            continue;
        }
        if !is_compressible(&path) {
            continue;
        }
        let raw = std::fs::read(&path)?;
        for (coding, suffix) in COMPRESSED {
            std::fs::write(compressed_path(&path, suffix), encode(coding, &raw))?;
        }
        count += 1;
    }
    Ok(count)
}

/// `Cache-Control` for a file that never changes: its name is its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Whether Trunk named the file by its content: `name-<hash>.ext`
/// (`filehash = true`), the wasm `name-<hash>_bg.wasm`.
pub fn is_content_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // Trunk writes a 64-bit hash in hex without leading zeros: usually 16
    // digits, one build in 16 has 15, fewer are rare.
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

pub fn is_compressible(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("wasm" | "js" | "css" | "html" | "svg" | "json" | "ftl" | "txt")
    )
}

/// The `Content-Type` a built file is served with, by its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "ftl" | "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_content_hashed_others_not() {
        assert!(is_content_hashed("doorway-frontend-8f1c2e7a9b3d4c5e.js"));
        assert!(is_content_hashed(
            "doorway-frontend-8f1c2e7a9b3d4c5e_bg.wasm"
        ));
        assert!(is_content_hashed("app-0123456789abcdef.css"));
        // A hash that happened to start with a zero digit.
        assert!(is_content_hashed("doorway-frontend-5e5452ff143aa40.js"));
        assert!(!is_content_hashed("embed-demo.html"));
        assert!(!is_content_hashed("favicon.svg"));
        assert!(!is_content_hashed("app-0123.css"));
    }

    #[test]
    fn the_copies_are_known_by_their_coding_suffix() {
        assert!(is_compressed_copy(
            "doorway-frontend-8f1c2e7a9b3d4c5e_bg.wasm.br"
        ));
        assert!(is_compressed_copy("index.html.gz"));
        assert!(!is_compressed_copy("index.html"));
        assert!(!is_compressed_copy("br"));
    }
}
