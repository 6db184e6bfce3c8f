//! How the page writes hashes, times and events.

use crate::state::{State, START_MS};
use ecloud_core::node::Event;
use ecloud_core::Hash;

/// The first eight hex digits of a hash: enough to tell blocks apart on a
/// projector.
pub fn short(hash: &Hash) -> String {
    let mut hex = hash.to_string();
    hex.truncate(8);
    hex
}

/// Chain time as the day and time of day since the run began, `day 1, 10:45`.
pub fn chain_time(ms: u64) -> String {
    // The run starts at 10:00 on its first day.
    let minutes = (ms.saturating_sub(START_MS)) / 60_000 + 10 * 60;
    let (day, minute_of_day) = (minutes / (24 * 60) + 1, minutes % (24 * 60));
    format!(
        "day {day}, {:02}:{:02}",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// An event in a sentence, its node named.
pub fn event(state: &State, event: &Event) -> String {
    match event {
        Event::Accepted { hash, height } => format!("took block #{height} ({})", short(hash)),
        Event::Refused { from, what, findings } => {
            let from = from.map_or(String::new(), |p| format!(" from {}", state.name(p)));
            let why = findings.first().map_or(String::new(), |f| format!(": {}", f.message));
            format!("refused {what}{from}{why}")
        }
        Event::NewTip { hash, height } => format!("now follows #{height} ({})", short(hash)),
        Event::Reorganised { dropped, returned } => format!(
            "left {dropped} block{} of its chain for another fork; {returned} transaction{} back to pending",
            plural(*dropped),
            plural(*returned as u64),
        ),
        Event::Final { hash, height } => format!("block #{height} ({}) is final", short(hash)),
        Event::Equivocation { sealer, height, kept, refused } => format!(
            "{} sealed two blocks for #{height}: kept {}, refused {}",
            state.name(sealer.0),
            short(kept),
            short(refused)
        ),
        Event::Sealed { hash, height, rank } => {
            format!("sealed block #{height} ({}) as rank {rank}", short(hash))
        }
        Event::Voted { election } => format!("voted in the election of block #{election}"),
        Event::JoinRequested(request) => format!("{} asks to join", request.name),
        Event::Admitted { member } => format!("was admitted as member {}", member.0),
        Event::Declined { name } => format!("was declined by the registrar (asked as {name})"),
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_time_starts_at_ten_on_day_one_and_turns_over_at_midnight() {
        assert_eq!(chain_time(START_MS), "day 1, 10:00");
        assert_eq!(chain_time(START_MS + 45 * 60_000), "day 1, 10:45");
        assert_eq!(chain_time(START_MS + 14 * 3_600_000), "day 2, 00:00");
    }
}
