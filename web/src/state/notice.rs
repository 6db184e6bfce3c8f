//! The page's answers: each panel says beside its own buttons what came of
//! the last thing asked of it.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// Done as asked.
    Done,
    /// Refused: nothing changed.
    Refused,
}

/// The answer to the last action in one panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub tone: Tone,
    pub text: String,
}

impl Notice {
    pub fn done(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            tone: Tone::Done,
            text: text.into(),
        })
    }

    pub fn refused(text: impl Into<String>) -> Option<Notice> {
        Some(Notice {
            tone: Tone::Refused,
            text: text.into(),
        })
    }

    /// Said when the simulation is borrowed by another action.
    pub fn busy() -> Option<Notice> {
        Notice::refused("The page was busy with another action; nothing changed. Try again.")
    }
}

/// The answers of the panels whose state has no struct of its own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Notices {
    /// Answers to the timer's controls.
    pub clock: Option<Notice>,
    /// Why the last seal failed; cleared by the next seal that works.
    pub sealing: Option<Notice>,
    pub shares: Option<Notice>,
    pub generation: Option<Notice>,
    pub blocks: Option<Notice>,
    /// Why a verification under way started again or was cancelled.
    pub verify: Option<Notice>,
}

impl Notices {
    /// Clears the sealing panel's notice if it still says `text`: the
    /// reason sealing waited has gone, and any other notice stays.
    pub fn clear_sealing_if(&mut self, text: &str) {
        if self.sealing.as_ref().is_some_and(|n| n.text == text) {
            self.sealing = None;
        }
    }
}
