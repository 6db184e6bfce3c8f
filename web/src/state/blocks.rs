//! Which blocks the block list shows: a page of them at a time, and which
//! are opened to show their header, preimage and ledger.

use super::{Action, AppState, Notice, OLDER_UNREAD};
use ecloud_core::Chain;

/// Blocks per page of the block list: the chain may hold thousands, and
/// only a window of them is ever rendered.
pub const BLOCKS_PER_PAGE: u64 = 10;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct BlockWindow {
    /// The newest block shown; `None` follows the tip as blocks are sealed.
    pub newest: Option<u64>,
    /// Blocks opened to show their header, preimage, signatures and ledger,
    /// lowest first (a sorted vector: see clippy.toml on B-trees).
    pub expanded: Vec<u64>,
}

impl BlockWindow {
    /// Heights shown, newest first.
    pub fn heights(&self, tip: u64) -> impl Iterator<Item = u64> {
        let newest = self.newest.unwrap_or(tip).min(tip);
        let oldest = newest.saturating_sub(BLOCKS_PER_PAGE - 1);
        (oldest..=newest).rev()
    }

    pub fn expand(&mut self, height: u64) {
        if let Err(i) = self.expanded.binary_search(&height) {
            self.expanded.insert(i, height);
        }
    }

    fn toggle(&mut self, height: u64) {
        match self.expanded.binary_search(&height) {
            Ok(i) => {
                self.expanded.remove(i);
            }
            Err(i) => self.expanded.insert(i, height),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum BlocksAction {
    ShowNewest,
    ShowOlder,
    ShowNewer,
    /// Shows and opens the block typed (`12` or `#12`).
    Show {
        text: String,
    },
    /// Opens or closes a block's header and ledger.
    Toggle(u64),
}

impl From<BlocksAction> for Action {
    fn from(action: BlocksAction) -> Action {
        Action::Blocks(action)
    }
}

impl AppState {
    pub(super) fn apply_blocks(&mut self, action: BlocksAction) {
        let tip = self.tip_height();
        match action {
            BlocksAction::ShowNewest => {
                self.blocks.newest = None;
                self.notices.blocks = None;
            }
            BlocksAction::ShowOlder => {
                let oldest_shown = self.blocks.heights(tip).last().unwrap_or(0);
                if oldest_shown > 0 {
                    self.blocks.newest = Some(oldest_shown - 1);
                }
            }
            BlocksAction::ShowNewer => {
                let newest = self
                    .blocks
                    .newest
                    .unwrap_or(tip)
                    .saturating_add(BLOCKS_PER_PAGE);
                self.blocks.newest = (newest < tip).then_some(newest);
            }
            BlocksAction::Show { text } => match block_height(&text, self.community.read().chain())
            {
                Ok(height) => {
                    self.blocks.newest = (height < tip).then_some(height);
                    self.blocks.expand(height);
                    self.notices.blocks = None;
                }
                Err(why) => self.notices.blocks = Notice::refused(why),
            },
            BlocksAction::Toggle(height) => self.blocks.toggle(height),
        }
    }
}

/// The block a class typed (`12` or `#12`), or why it is not one of the
/// chain's (or not read yet): what "go to block" says in the block list and
/// the election panel.
pub(super) fn block_height(text: &str, chain: &Chain) -> Result<u64, String> {
    let tip = chain.tip().height();
    match text.trim().trim_start_matches('#').parse::<u64>() {
        Ok(height) if chain.block_at(height).is_some() => Ok(height),
        Ok(height) if height <= tip => Err(OLDER_UNREAD.into()),
        Ok(height) => Err(format!(
            "There is no block {height} yet: the newest is block {tip}."
        )),
        Err(_) => Err(format!(
            "\u{201c}{}\u{201d} is not a block height: type a whole number from 0 to {tip}.",
            text.trim()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::tests::{run, state, T0};
    use crate::state::{TimerAction, Tone};

    #[test]
    fn the_block_window_pages_through_a_long_chain() {
        let seals = (1..=25).map(|i| {
            TimerAction::SealNow {
                now_ms: T0 + f64::from(i),
            }
            .into()
        });
        let s = run(state(), seals);
        let shown = |s: &AppState| s.blocks.heights(s.tip_height()).collect::<Vec<_>>();
        let older = || BlocksAction::ShowOlder.into();
        let newer = || BlocksAction::ShowNewer.into();
        let show = |text: &str| BlocksAction::Show { text: text.into() }.into();
        assert_eq!(shown(&s), (16..=25).rev().collect::<Vec<_>>());
        let s = run(s, [older(), older()]);
        assert_eq!(shown(&s), (0..=5).rev().collect::<Vec<_>>());
        let s = run(s, [older(), newer()]);
        assert_eq!(shown(&s), (6..=15).rev().collect::<Vec<_>>());
        let s = run(s, [newer()]);
        assert_eq!(s.blocks.newest, None);
        let s = run(s, [show("#3")]);
        assert_eq!(shown(&s)[0], 3);
        assert!(s.blocks.expanded.contains(&3));
        let s = run(s, [show("99")]);
        assert_eq!(s.notices.blocks.map(|n| n.tone), Some(Tone::Refused));
    }
}
