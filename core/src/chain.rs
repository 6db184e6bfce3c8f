//! A chain of blocks, and its JSON file format for export and import.

use crate::block::Block;
use crate::tagged::read_struct;
use crate::verify::{verify_chain, Report};
use serde::Serialize;
use std::fmt;

/// What an export file says it is.
pub const FILE_FORMAT: &str = "e-cloud-chain";
pub const FILE_VERSION: u32 = 1;

/// Blocks from genesis (height 0) to the tip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Chain {
    blocks: Vec<Block>,
}

read_struct!(Chain { blocks: Vec<Block> });

#[derive(Serialize)]
pub(crate) struct ChainFile {
    format: String,
    version: u32,
    blocks: Vec<Block>,
}

read_struct!(ChainFile { format: String, version: u32, blocks: Vec<Block> });

/// Why a chain file was refused. The chain in use is never touched by a
/// refused import.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// Not JSON, or not the shape of a chain file.
    Malformed(String),
    /// JSON of something else.
    NotAChainFile,
    /// A chain file of a version this code does not read.
    UnsupportedVersion(u32),
    /// A file without blocks.
    NoBlocks,
    /// A well-formed chain that fails verification.
    Invalid(Box<Report>),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Malformed(e) => write!(f, "the file is not a readable E-Cloud chain: {e}"),
            ImportError::NotAChainFile => {
                write!(f, "the file is JSON but not an E-Cloud chain export")
            }
            ImportError::UnsupportedVersion(v) => {
                write!(
                    f,
                    "the file is an E-Cloud chain of version {v}, which this page cannot read"
                )
            }
            ImportError::NoBlocks => write!(f, "the file holds no blocks"),
            ImportError::Invalid(report) => match report.first_failure() {
                Some(first) => write!(
                    f,
                    "the chain fails verification: block {}: {} ({})",
                    first.height,
                    first.message,
                    first.check.code()
                ),
                None => write!(f, "the chain fails verification"),
            },
        }
    }
}

impl std::error::Error for ImportError {}

impl Chain {
    /// A chain of one genesis block.
    pub fn new(genesis: Block) -> Chain {
        Chain {
            blocks: vec![genesis],
        }
    }

    /// Blocks as they are, unverified (for tampering and for tests).
    pub fn from_blocks_unchecked(blocks: Vec<Block>) -> Option<Chain> {
        (!blocks.is_empty()).then_some(Chain { blocks })
    }

    pub fn blocks(&self) -> &[Block] {
        &self.blocks
    }

    /// Mutable blocks: for a class tampering with history. Verification will
    /// say what broke.
    pub fn blocks_mut(&mut self) -> &mut [Block] {
        &mut self.blocks
    }

    pub fn genesis(&self) -> &Block {
        &self.blocks[0]
    }

    pub fn tip(&self) -> &Block {
        self.blocks.last().expect("a chain has a genesis block")
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Always false: a chain has at least its genesis block.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Replaces a block in place (tampering); returns the old one.
    pub(crate) fn replace(&mut self, height: usize, block: Block) -> Option<Block> {
        self.blocks
            .get_mut(height)
            .map(|b| std::mem::replace(b, block))
    }

    pub(crate) fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    pub fn verify(&self) -> Report {
        verify_chain(&self.blocks)
    }

    /// The export file's text.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            format: &'a str,
            version: u32,
            blocks: &'a [Block],
        }
        // Compact, then indented: exactly serde_json's `to_string_pretty`
        // (a test says so), but without a second copy of every block's
        // serializer in the WebAssembly build.
        // Not `expect`: that would bring the error's `Debug` into the page.
        let compact = crate::canonical::to_json(&Out {
            format: FILE_FORMAT,
            version: FILE_VERSION,
            blocks: &self.blocks,
        })
        .unwrap_or_else(|_| unreachable!("a chain always serializes"));
        indent(&compact)
    }

    /// Reads an export file without verifying it.
    pub fn parse_json(text: &str) -> Result<Chain, ImportError> {
        let value: crate::json::Json =
            serde_json::from_str(text).map_err(|e| ImportError::Malformed(e.to_string()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FILE_FORMAT) {
            return Err(ImportError::NotAChainFile);
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(v) if v == u64::from(FILE_VERSION) => {}
            Some(v) => {
                return Err(ImportError::UnsupportedVersion(
                    v.min(u64::from(u32::MAX)) as u32
                ))
            }
            None => return Err(ImportError::NotAChainFile),
        }
        // From the text again rather than `from_value`: one copy of the
        // blocks' serde code in the WebAssembly build, shared with tampering
        // and saved runs.
        let file: ChainFile =
            serde_json::from_str(text).map_err(|e| ImportError::Malformed(e.to_string()))?;
        Chain::from_blocks_unchecked(file.blocks).ok_or(ImportError::NoBlocks)
    }

    /// Reads and verifies an export file: only a chain that passes every
    /// check comes back.
    pub fn import_json(text: &str) -> Result<(Chain, Report), ImportError> {
        let chain = Chain::parse_json(text)?;
        let report = chain.verify();
        if report.is_valid() {
            Ok((chain, report))
        } else {
            Err(ImportError::Invalid(Box::new(report)))
        }
    }
}

/// Compact JSON text (as `serde_json::to_string` writes it: no whitespace
/// outside strings) laid out as `serde_json::to_string_pretty` lays it out:
/// two spaces a level, `": "` after keys, `[]` and `{}` when empty.
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod indent_tests {
    use super::indent;
    use serde_json::json;

    #[test]
    fn indents_as_serde_json_does() {
        let values = [
            json!({}),
            json!([]),
            json!({"a": [], "b": {}, "c": [1, 2, {"d": null}], "e": "x"}),
            json!([[[]], [{}], "{[,:]}", "a\"b\\", "\\\"{", -1.5, true, null]),
            json!({"quote\"key": {"nested": {"deeper": [1, [2, [3]]]}}, "é": "ü\n"}),
            json!("plain"),
            json!(42),
        ];
        for v in values {
            let compact = serde_json::to_string(&v).unwrap();
            assert_eq!(
                indent(&compact),
                serde_json::to_string_pretty(&v).unwrap(),
                "{v}"
            );
        }
    }
}
