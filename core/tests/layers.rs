//! The core's top-level modules are layers, and each may use only itself and
//! the layers below it (ARCHITECTURE.md, "Layers"). This test reads the
//! sources and fails, naming the file and the path, when a module reaches up
//! a layer, which is also what any import cycle between layers would need.
//! Unit tests (`#[cfg(test)] mod tests` at the end of a file) may use
//! anything.
#![cfg(not(target_arch = "wasm32"))]
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "tests and benchmarks are not in the page"
)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom first.
const LAYERS: [&str; 7] = [
    "encoding",
    "crypto",
    "model",
    "rules",
    "chain",
    "node",
    "simulation",
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a source directory") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments and without its unit tests.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::name` in `code` (and `$crate::name` in macros).
fn crate_paths(code: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let name: String = rest[at + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let grouped = rest[at + "crate::".len()..].starts_with('{');
        if grouped {
            // `crate::{a::X, B}`: each name in the braces.
            let inner = &rest[at + "crate::{".len()..];
            let end = inner.find('}').unwrap_or(inner.len());
            for part in inner[..end].split(',') {
                let head: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    found.push(head);
                }
            }
        } else if !name.is_empty() {
            found.push(name);
        }
        rest = &rest[at + "crate::".len()..];
    }
    found
}

/// The layer of each name lib.rs re-exports at the crate root.
fn root_names() -> BTreeMap<String, usize> {
    let lib = fs::read_to_string(src().join("lib.rs")).expect("lib.rs");
    let mut names = BTreeMap::new();
    for line in lib.lines() {
        let Some(path) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let layer = LAYERS
            .iter()
            .position(|l| path.starts_with(&format!("{l}::")))
            .unwrap_or_else(|| panic!("lib.rs re-exports from outside the layers: {line}"));
        let list = match (path.find('{'), path.rfind('}')) {
            (Some(open), Some(close)) => path[open + 1..close].to_string(),
            _ => path
                .rsplit("::")
                .next()
                .unwrap_or("")
                .trim_end_matches(';')
                .into(),
        };
        for name in list.split(',') {
            let name = name.trim();
            if !name.is_empty() {
                names.insert(name.to_string(), layer);
            }
        }
    }
    names
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let roots = root_names();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(src()).expect("under src");
        let top = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue;
        }
        let Some(own) = LAYERS.iter().position(|l| *l == top) else {
            wrong.push(format!(
                "{}: not in a layer folder ({})",
                relative.display(),
                LAYERS.join(", ")
            ));
            continue;
        };
        let text = fs::read_to_string(file).expect("a source file");
        for name in crate_paths(&code(&text)) {
            let layer = LAYERS
                .iter()
                .position(|l| *l == name)
                .or_else(|| roots.get(&name).copied());
            match layer {
                Some(layer) if layer <= own => {}
                Some(layer) => wrong.push(format!(
                    "{} (layer {}) uses crate::{name} (layer {})",
                    relative.display(),
                    LAYERS[own],
                    LAYERS[layer]
                )),
                None => wrong.push(format!(
                    "{} uses crate::{name}, which is no layer and no root re-export",
                    relative.display()
                )),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_a_path_up_a_layer() {
    let code = code("use crate::simulation::run::Simulation; // crate::chain\nfn f() { crate::{model::X, Y}; }\n#[cfg(test)]\nmod tests { use crate::z; }");
    assert_eq!(crate_paths(&code), ["simulation", "model", "Y"]);
}
