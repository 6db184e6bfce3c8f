//! A block's values as a person reads them, for the tamper editor: "Anne's
//! allocation" in kWh rather than `/body/transactions/0/body/allocation/0/
//! energy` in Wh. The editor still changes the very value the pointer names,
//! exactly: kWh and tokens have three decimals, shares two, so the text read
//! back is the same integer.

use crate::format::{decimal_mark, field_text, name};
use ecloud_core::encoding::units::{fixed_point, parse_decimal};
use ecloud_core::simulation::tamper::fields;
use ecloud_core::{Block, MemberId, Simulation};
use serde_json::Value;

/// How a number is stored, and so how it is shown and typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Wh, shown in kWh.
    Energy,
    /// Thousandths of a token, shown in tokens.
    Tokens,
    /// Millionths of a token (an election's wealth), shown in tokens.
    MicroTokens,
    /// Basis points, shown in %.
    Share,
    /// Thousandths (a rule's weight), shown as a decimal: 0.6.
    Weight,
    /// Stored as shown: heights, counts, member numbers, text.
    AsStored,
}

impl Unit {
    /// How many decimals the stored integer has in the unit shown.
    fn decimals(self) -> u32 {
        match self {
            Unit::Energy | Unit::Tokens | Unit::Weight => 3,
            Unit::MicroTokens => 6,
            Unit::Share => 2,
            Unit::AsStored => 0,
        }
    }

    /// The unit's word after a label: "kWh".
    pub fn word(self) -> Option<&'static str> {
        match self {
            Unit::Energy => Some("kWh"),
            Unit::Tokens | Unit::MicroTokens => Some("tokens"),
            Unit::Share => Some("%"),
            Unit::Weight | Unit::AsStored => None,
        }
    }

    /// A stored value as the field shows it: 990000 Wh as `990`.
    pub fn field_text(self, value: &Value) -> String {
        match (value, value.as_u64()) {
            (Value::String(s), _) => s.clone(),
            (_, Some(n)) if self != Unit::AsStored => field_text(n, self.decimals()),
            (other, _) => other.to_string(),
        }
    }

    /// Typed text as the stored integer's text, exactly (`9.5` kWh as
    /// `9500`); other text is passed on for the core to judge.
    pub fn stored_text(self, typed: &str) -> Result<String, String> {
        if self == Unit::AsStored {
            return Ok(typed.to_string());
        }
        parse_decimal(typed, self.decimals(), decimal_mark())
            .map(|n| n.to_string())
            .map_err(|e| match self.word() {
                Some(word) => format!("{e} (in {word})"),
                None => e.to_string(),
            })
    }

    /// A stored integer's text as a sentence says it: `9,500` as `9.5 kWh`.
    fn said(self, stored: &str) -> String {
        match stored.trim().parse::<u64>() {
            Ok(n) if self != Unit::AsStored => {
                let shown = fixed_point(n, self.decimals());
                match self.word() {
                    Some("%") => format!("{shown} %"),
                    Some(word) => format!("{shown} {word}"),
                    None => shown,
                }
            }
            _ => format!("\u{201c}{}\u{201d}", stored.trim()),
        }
    }
}

/// What a value of a block is called, and in what unit it is edited.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldName {
    /// The part of the block it belongs to: "Header", "Transaction 0: a
    /// generation signed by George", "Ledger: Anne".
    pub section: String,
    /// What it is, within its section: "Anne's allocation".
    pub name: String,
    pub unit: Unit,
}

impl FieldName {
    /// The label of its input: "Anne's allocation (kWh)".
    pub fn label(&self) -> String {
        match self.unit.word() {
            Some(word) => format!("{} ({word})", self.name),
            None => self.name.clone(),
        }
    }

    /// What an edit did, in a sentence that follows "Block 1": ", transaction
    /// 0 (a generation signed by George): Anne's allocation is now 9 kWh", or
    /// ": Anne's energy balance is now 5 kWh".
    pub fn now(&self, stored: &str) -> String {
        let what = format!("{} is now {}", self.name, self.unit.said(stored));
        match self.section.split_once(": ") {
            Some((tx, kind)) if tx.starts_with("Transaction") => {
                format!(", {} ({kind}): {what}", tx.to_ascii_lowercase())
            }
            _ => format!(": {what}"),
        }
    }
}

/// What an edit of block `height` at `pointer` to `stored` does, in the
/// words of [`FieldName::now`].
pub fn said_now(sim: &Simulation, pointer: &str, height: u64, stored: &str) -> String {
    match sim.chain().block_at(height) {
        Some(block) => field_name(block, &fields(block), pointer).now(stored),
        None => format!(": {pointer} is now \u{201c}{stored}\u{201d}"),
    }
}

/// The order of the sections in the editor: the header first, then the
/// transactions, then the ledger after them.
pub fn section_rank(pointer: &str) -> u8 {
    match pointer.split('/').nth(1) {
        Some("header" | "hash" | "seal") => 0,
        _ if pointer.starts_with("/body/transactions/") => 1,
        _ if pointer.starts_with("/body/ledger/members/") => 2,
        _ => 3,
    }
}

/// The readable name of the value at `pointer` in `block`; `fields` are the
/// block's values (`tamper::fields`), to name the member a row is about.
pub fn field_name(block: &Block, fields: &[(String, Value)], pointer: &str) -> FieldName {
    let ledger = block.ledger();
    let who = |id: Option<u64>| match id.and_then(|n| u32::try_from(n).ok()) {
        Some(n) => name(ledger, MemberId(n)),
        None => "someone".to_string(),
    };
    // The member number stored beside a value: `.../allocation/2/member`.
    let sibling = |key: &str| {
        let (parent, _) = pointer.rsplit_once('/')?;
        let wanted = format!("{parent}/{key}");
        fields
            .iter()
            .find(|(p, _)| *p == wanted)
            .and_then(|(_, v)| v.as_u64())
    };
    let path: Vec<&str> = pointer.split('/').skip(1).collect();
    let named = |section: String, name: String, unit: Unit| FieldName {
        section,
        name,
        unit,
    };
    let ordinal = |i: &str| i.parse::<u64>().map_or(0, |i| i + 1);
    match path.as_slice() {
        ["header", key] => named("Header".into(), header_name(key), Unit::AsStored),
        ["hash"] => named(
            "Header".into(),
            "block hash (of the header)".into(),
            Unit::AsStored,
        ),
        ["seal"] => named(
            "Header".into(),
            "seal (the sealer's signature of the hash)".into(),
            Unit::AsStored,
        ),
        ["body", "transactions", t, rest @ ..] => {
            let tx = t
                .parse::<usize>()
                .ok()
                .and_then(|i| block.body.transactions.get(i));
            // Numbered from 0, as verification names them ("transaction 0's id").
            let section = match tx {
                Some(tx) => format!(
                    "Transaction {t}: {} signed by {}",
                    article(tx.body.kind()),
                    name(ledger, tx.signer())
                ),
                None => format!("Transaction {t}"),
            };
            let (name, unit) = match rest {
                ["id"] => ("id (the hash of its contents)".into(), Unit::AsStored),
                ["signature"] => ("signature".into(), Unit::AsStored),
                ["body", "type"] => ("kind".into(), Unit::AsStored),
                ["body", "energy"] => ("energy produced".into(), Unit::Energy),
                ["body", "bet"] => ("bet".into(), Unit::Tokens),
                ["body", "pot"] => ("pot".into(), Unit::Tokens),
                ["body", "election"] => ("for the miner of block".into(), Unit::AsStored),
                ["body", "height"] => ("block".into(), Unit::AsStored),
                ["body", "period"] => ("market period".into(), Unit::AsStored),
                ["body", "change", "capacity"] => ("capacity brought".into(), Unit::Energy),
                ["body", "allocation", _, "energy"] => (
                    format!("{}'s allocation", who(sibling("member"))),
                    Unit::Energy,
                ),
                ["body", "minted", _, "tokens"] => (
                    format!("{}'s minted tokens", who(sibling("member"))),
                    Unit::Tokens,
                ),
                ["body", "shares", _, "share"] => {
                    (format!("{}'s share", who(sibling("member"))), Unit::Share)
                }
                ["body", "candidates", _, key] => {
                    let (what, unit) = match *key {
                        "bet" => ("bet", Unit::Tokens),
                        "wealth" => ("wealth", Unit::MicroTokens),
                        "member" => ("member number", Unit::AsStored),
                        other => (other, Unit::AsStored),
                    };
                    (
                        format!("{}'s {}", who(sibling("member")), words(what)),
                        unit,
                    )
                }
                [.., list @ ("allocation" | "minted" | "shares"), i, "member"] => (
                    format!("{} row {}: member number", words(list), ordinal(i)),
                    Unit::AsStored,
                ),
                ["body", key @ ("generator" | "voter" | "miner" | "winner" | "runner_up" | "missed"
                | "sealed_by" | "registrar")] => {
                    (format!("{} (member number)", words(key)), Unit::AsStored)
                }
                other => (path_words(other), Unit::AsStored),
            };
            named(section, name, unit)
        }
        ["body", "ledger", "members", i, rest @ ..] => {
            let member = i.parse::<usize>().ok().and_then(|i| ledger.members.get(i));
            let who = member.map_or_else(|| format!("member {}", ordinal(i)), |m| m.name.clone());
            let generator = member.is_some_and(|m| m.is_generator());
            let (name, unit) = match rest {
                ["balance"] if generator => (format!("{who}'s capacity left"), Unit::Energy),
                ["balance"] => (format!("{who}'s energy balance"), Unit::Energy),
                ["tokens"] => (format!("{who}'s free tokens"), Unit::Tokens),
                ["reputation"] => (format!("{who}'s reputation"), Unit::AsStored),
                ["last_sealed"] => (format!("{who}'s last block sealed"), Unit::AsStored),
                ["id"] => (format!("{who}'s member number"), Unit::AsStored),
                ["seq"] => (format!("{who}'s sequence number"), Unit::AsStored),
                ["frozen", k, "amount"] => (
                    format!("{who}'s frozen tokens, lot {}", ordinal(k)),
                    Unit::Tokens,
                ),
                ["frozen", k, "unlocks_at"] => (
                    format!("{who}'s frozen lot {} unlocks at block", ordinal(k)),
                    Unit::AsStored,
                ),
                ["role", "shares", _, "share"] => (
                    format!("{who}'s share table: {}'s share", {
                        let id = sibling("member");
                        match id.and_then(|n| u32::try_from(n).ok()) {
                            Some(n) => name_of(block, n),
                            None => "someone".into(),
                        }
                    }),
                    Unit::Share,
                ),
                ["role", "shares", j, "member"] => (
                    format!("{who}'s share table, row {}: member number", ordinal(j)),
                    Unit::AsStored,
                ),
                other => (format!("{who}'s {}", path_words(other)), Unit::AsStored),
            };
            named(format!("Ledger: {who}"), name, unit)
        }
        ["body", "ledger", rest @ ..] => {
            let (name, unit) = match rest {
                ["minted"] => ("tokens minted since the first block".into(), Unit::Tokens),
                ["pot"] => ("the pot (bets on the next election)".into(), Unit::Tokens),
                ["joined_energy"] => (
                    "capacity brought by generators who joined".into(),
                    Unit::Energy,
                ),
                ["rules", "alpha_permille"] => {
                    ("rule: weight of the bet (\u{3b1})".into(), Unit::Weight)
                }
                ["rules", "beta_permille"] => {
                    ("rule: weight of the age (\u{3b2})".into(), Unit::Weight)
                }
                ["rules", "gamma_permille"] => (
                    "rule: weight of the reputation (\u{3b3})".into(),
                    Unit::Weight,
                ),
                ["rules", "generator_mint_share"] => (
                    "rule: generator's share of the tokens minted".into(),
                    Unit::Share,
                ),
                ["rules", "freeze_blocks"] => {
                    ("rule: blocks a pot stays frozen".into(), Unit::AsStored)
                }
                ["rules", "milli_tokens_per_wh"] => (
                    "rule: thousandths of a token minted per Wh".into(),
                    Unit::AsStored,
                ),
                other => (path_words(other), Unit::AsStored),
            };
            named("Ledger: the community".into(), name, unit)
        }
        other => named("Other".into(), path_words(other), Unit::AsStored),
    }
}

fn name_of(block: &Block, id: u32) -> String {
    name(block.ledger(), MemberId(id))
}

/// A header field's name.
fn header_name(key: &str) -> String {
    match key {
        "parent" => "parent block's hash".into(),
        "period_start_ms" => "period start (ms since 1970)".into(),
        "sealed_by" => "sealed by (member number)".into(),
        "next_miner" => "next miner (member number)".into(),
        "merkle_root" => "Merkle root of the transaction ids".into(),
        "ledger_hash" => "ledger hash".into(),
        other => words(other),
    }
}

/// "a generation", "an election".
fn article(kind: &str) -> String {
    match kind.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// A key as words: `runner_up` as "runner up".
fn words(key: &str) -> String {
    key.replace('_', " ")
}

/// A path's keys as words, list positions counted from 1: "role kind",
/// "change role shares 2 member".
fn path_words(path: &[&str]) -> String {
    path.iter()
        .filter(|&&k| k != "body")
        .map(|k| match k.parse::<u64>() {
            Ok(i) => (i + 1).to_string(),
            Err(_) => words(k),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{GenerationAction, TimerAction};
    use ecloud_core::chain::genesis::GEORGE;

    #[test]
    fn every_value_of_a_block_has_a_name_and_reads_back_exactly() {
        let s = run(
            state(),
            [
                GenerationAction::Generate { generator: GEORGE }.into(),
                TimerAction::SealNow { now_ms: T0 }.into(),
                TimerAction::SealNow { now_ms: T0 + 1.0 }.into(),
            ],
        );
        let sim = s.community.read();
        for block in sim.chain().blocks() {
            let all = fields(block);
            let mut labels = Vec::new();
            for (pointer, value) in &all {
                let f = field_name(block, &all, pointer);
                assert!(!f.name.contains('/'), "{pointer}: {f:?}");
                labels.push(format!("{} / {}", f.section, f.label()));
                // What the field shows is read back as the stored value.
                if value.is_u64() {
                    let shown = f.unit.field_text(value);
                    assert_eq!(
                        f.unit.stored_text(&shown),
                        Ok(value.to_string()),
                        "{pointer}"
                    );
                }
            }
            let before = labels.len();
            let labels = ecloud_core::encoding::order::sorted_by(&labels, &|a, b| a.cmp(b));
            let mut unique = labels.clone();
            unique.dedup();
            assert_eq!(
                unique.len(),
                before,
                "labels are unique in a block: {labels:?}"
            );
        }
        let block = &sim.chain().blocks()[1];
        let all = fields(block);
        let f = field_name(block, &all, "/body/transactions/0/body/allocation/0/energy");
        assert_eq!(f.section, "Transaction 0: a generation signed by George");
        assert_eq!(f.label(), "Anne's allocation (kWh)");
        assert_eq!(f.unit.field_text(&Value::from(5_000u64)), "5");
        assert_eq!(f.unit.stored_text("9.5"), Ok("9500".into()));
        assert_eq!(f.unit.stored_text("9,5"), Ok("9500".into()));
        assert_eq!(
            f.unit.stored_text("-1"),
            Err("\u{201c}-1\u{201d} must not be negative (in kWh)".into())
        );
        assert_eq!(
            f.now("9500"),
            ", transaction 0 (a generation signed by George): Anne's allocation is now 9.5 kWh"
        );
        let f = field_name(block, &all, "/body/ledger/members/0/balance");
        assert_eq!(
            (f.section.as_str(), f.label().as_str()),
            ("Ledger: George", "George's capacity left (kWh)")
        );
        assert_eq!(f.now("990000"), ": George's capacity left is now 990 kWh");
        let f = field_name(block, &all, "/body/ledger/members/1/role/kind");
        assert_eq!(f.label(), "Anne's role kind");
        let f = field_name(block, &all, "/body/ledger/rules/alpha_permille");
        assert_eq!(f.unit.field_text(&Value::from(600u64)), "0.6");
    }
}
