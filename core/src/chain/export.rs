//! The chain's export file: `{"format": "e-cloud-chain", "version": 1,
//! "blocks": [...]}`, written for people to read (indented) and read back
//! only after verification. Its version is its blocks' (a chain sealed by
//! nodes, with VRF keys, proofs and slot ranks, is of version 2); files of
//! both versions are read.

use crate::chain::blocks::Chain;
use crate::chain::verify::Report;
use crate::model::block::Block;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What an export file says it is.
pub const FILE_FORMAT: &str = "e-cloud-chain";
/// The version of a file of version-1 blocks (one page playing every member).
pub const FILE_VERSION: u32 = 1;
/// The version of a file of version-2 blocks (sealed by nodes).
pub const FILE_VERSION_2: u32 = 2;

/// The file as it is written: `Chain::file`.
#[derive(Serialize)]
pub struct ChainFile<'c> {
    format: &'static str,
    version: u32,
    blocks: &'c [Block],
}

/// A file's blocks, its other fields skipped: read once its
/// [`FileHeader`] says it is a chain file of this version.
#[derive(Deserialize)]
pub struct FileBlocks {
    pub blocks: Vec<Block>,
}

/// Why a chain file was refused. The chain in use is never touched by a
/// refused import.
#[derive(Clone, Debug, PartialEq)]
pub enum ImportError {
    /// Not JSON, or not the shape of a chain file.
    Malformed(String),
    /// JSON of something else.
    NotAChainFile,
    /// A chain file of a version this code does not read.
    UnsupportedVersion(u64),
    /// A chain file whose version is not a whole number: what was found.
    VersionNotANumber(String),
    /// A file without blocks.
    NoBlocks,
    /// A file whose version is not its blocks' (a version-1 file of blocks
    /// sealed by nodes, or the other way round).
    VersionMismatch { file: u32, blocks: u32 },
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
            ImportError::VersionNotANumber(found) => write!(
                f,
                "the file is an E-Cloud chain, but its version is {found}, not a whole number"
            ),
            ImportError::NoBlocks => write!(f, "the file holds no blocks"),
            ImportError::VersionMismatch { file, blocks } => write!(
                f,
                "the file says it is of version {file}, but its blocks are of version {blocks}"
            ),
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
    /// The export file, to serialize (as text, or as a JavaScript object).
    pub fn file(&self) -> ChainFile<'_> {
        ChainFile {
            format: FILE_FORMAT,
            version: match self.blocks().first().map(|g| g.header.version) {
                Some(v) if v >= 2 => FILE_VERSION_2,
                _ => FILE_VERSION,
            },
            blocks: self.blocks(),
        }
    }

    /// The export file's text: the blocks as they are, indented.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.file()).expect("blocks always serialize")
    }

    /// A chain from a file's blocks (read after its header was checked).
    pub fn from_file_blocks(file: FileBlocks) -> Result<Chain, ImportError> {
        Chain::from_blocks_unchecked(file.blocks).ok_or(ImportError::NoBlocks)
    }

    /// Reads an export file without verifying it. The format and version
    /// are read first, skipping everything else unread (no tree of the
    /// file is built), so that a file of another kind or version is named
    /// as such rather than as a block that does not parse.
    pub fn parse_json(text: &str) -> Result<Chain, ImportError> {
        let malformed = |e: serde_json::Error| ImportError::Malformed(e.to_string());
        let file = serde_json::from_str::<FileHeader>(text)
            .map_err(malformed)?
            .check()?;
        let chain = Chain::from_file_blocks(serde_json::from_str(text).map_err(malformed)?)?;
        let blocks = chain.blocks()[0].header.version;
        if blocks != file {
            return Err(ImportError::VersionMismatch { file, blocks });
        }
        Ok(chain)
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

/// What a file says it is: its `format` and `version`, every other field
/// skipped without being kept. Anything but an object says nothing.
#[derive(Default)]
pub struct FileHeader {
    format: Option<Scalar>,
    version: Option<Scalar>,
}

impl FileHeader {
    /// Whether the file says it is of `format` (a run file, say).
    pub fn says(&self, format: &str) -> bool {
        matches!(&self.format, Some(Scalar::Text(f)) if f == format)
    }

    /// Whether this is a chain file of a version this code reads, and which.
    pub fn check(self) -> Result<u32, ImportError> {
        if !matches!(&self.format, Some(Scalar::Text(f)) if f == FILE_FORMAT) {
            return Err(ImportError::NotAChainFile);
        }
        match self.version {
            Some(Scalar::Number(1)) => Ok(FILE_VERSION),
            Some(Scalar::Number(2)) => Ok(FILE_VERSION_2),
            Some(Scalar::Number(v)) => Err(ImportError::UnsupportedVersion(v)),
            Some(other) => Err(ImportError::VersionNotANumber(other.to_string())),
            None => Err(ImportError::NotAChainFile),
        }
    }
}

impl<'de> Deserialize<'de> for FileHeader {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = FileHeader;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<FileHeader, A::Error> {
                let mut probe = FileHeader::default();
                while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
                    match &*key {
                        "format" => probe.format = Some(map.next_value()?),
                        "version" => probe.version = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(probe)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<FileHeader, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(FileHeader::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
            fn visit_bool<E>(self, _: bool) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
            fn visit_unit<E>(self) -> Result<FileHeader, E> {
                Ok(FileHeader::default())
            }
        }
        d.deserialize_any(Visit)
    }
}

/// A value where text or a whole number is expected: that, or a short
/// description of what was there instead (read through and dropped).
#[derive(Debug, PartialEq)]
enum Scalar {
    Text(String),
    Number(u64),
    Other(String),
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Text(t) => write!(f, "the text \u{201c}{t}\u{201d}"),
            Scalar::Number(n) => write!(f, "{n}"),
            Scalar::Other(what) => f.write_str(what),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                // Long text is named by its start.
                Ok(Scalar::Text(v.chars().take(40).collect()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                // Some readers (a JavaScript object's) give every integer signed.
                Ok(match u64::try_from(v) {
                    Ok(n) => Scalar::Number(n),
                    Err(_) => Scalar::Other(format!("the negative number {v}")),
                })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                // Written by serde_json (ryu), not std's float formatting.
                let number =
                    serde_json::Number::from_f64(v).map_or("NaN".into(), |n| n.to_string());
                Ok(Scalar::Other(format!("the number {number}")))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other(format!("{v}")))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other("null".into()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Scalar, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("a list".into()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Scalar, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other("an object".into()))
            }
        }
        d.deserialize_any(Visit)
    }
}
