//! The classroom page's one state: what this browser's node (the Web
//! Worker of `browser/`) reported, in a student's words. Every change is
//! an [`Action`]; the worker's reports are read here, as its protocol
//! (`browser/src/protocol.rs`) writes them.

use serde_json::Value;
use std::collections::VecDeque;
use std::rc::Rc;
use yew::prelude::*;

/// Lines of the log kept, newest first.
pub const LINES: usize = 60;

/// The node's state, as its last status said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub height: u64,
    pub final_height: u64,
    pub peers: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing asked yet.
    Idle,
    /// The node is starting, with this ask (a name: to become a member).
    Joining { name: Option<String> },
    /// The node runs the class's registrar (member 0), whose keys only this
    /// browser holds: the teacher's.
    Teaching,
}

/// A newcomer asking the registrar to admit it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asking {
    pub name: String,
    pub public_key: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub phase: Phase,
    /// The member this browser signs for, once the registrar admitted it.
    pub member: Option<u64>,
    pub status: Option<Status>,
    /// Linked to the teacher's node.
    pub connected: bool,
    /// A link came up since the last status, not yet said.
    pub linking: bool,
    /// What the node did, newest first.
    pub lines: Rc<VecDeque<String>>,
    /// Why the node could not go on, when it cannot.
    pub problem: Option<String>,
    /// Statuses (one a second) since the node asked to join and was not
    /// admitted yet: past [`PATIENCE`], the page says what may be wrong.
    pub waited: u32,
    /// The registrar's: the newcomers asking to join, as the last status
    /// said.
    pub requests: Rc<Vec<Asking>>,
    /// The registrar declined this browser's request: its node asks no more.
    pub declined: bool,
}

/// Seconds a newcomer waits for the registrar before the page suggests why:
/// a registrar admits within a slot or two, unless the name is taken or its
/// node is not running.
pub const PATIENCE: u32 = 45;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// The student asks to join (with a name: as a member; without: to
    /// watch the chain).
    Join { name: Option<String> },
    /// The teacher starts the class, or goes on with it, as its registrar.
    Teach,
    /// A report of the worker, as it sent it (JSON text).
    Report(String),
}

impl Default for State {
    fn default() -> State {
        State {
            phase: Phase::Idle,
            member: None,
            status: None,
            connected: false,
            linking: false,
            lines: Rc::new(VecDeque::new()),
            problem: None,
            waited: 0,
            requests: Rc::new(Vec::new()),
            declined: false,
        }
    }
}

impl State {
    fn say(&mut self, line: String) {
        let lines = Rc::make_mut(&mut self.lines);
        lines.push_front(line);
        lines.truncate(LINES);
    }

    /// Reads one report of the worker; what it cannot read, it says.
    fn read(&mut self, text: &str) {
        let Ok(Value::Object(report)) = serde_json::from_str::<Value>(text) else {
            self.say(format!(
                "The node said something this page cannot read: {text}"
            ));
            return;
        };
        let Some((key, v)) = report.into_iter().next() else {
            return;
        };
        let n = |field: &str| v.get(field).and_then(Value::as_u64).unwrap_or(0);
        match key.as_str() {
            "ready" => self.say("Your node runs in this browser.".into()),
            "restored" if n("height") > 0 => self.say(format!(
                "It kept the chain up to block {} from last time.",
                n("height")
            )),
            "restored" => {}
            "dialling" => self.say("Connecting to the teacher's node…".into()),
            // Said once the link lasts until the next status: a link the
            // node closes at once (a partition the teacher made) is no news.
            "peer" if v.get("connected").is_some() => self.linking = true,
            "peer" if v.get("disconnected").is_some() => self.disconnected(),
            "peer" => self.say(format!(
                "A peer was cut off: {}",
                v.get("why")
                    .and_then(Value::as_str)
                    .unwrap_or("it misbehaved")
            )),
            "status" => {
                self.status = Some(Status {
                    height: n("height"),
                    final_height: n("final_height"),
                    peers: n("peers"),
                });
                let connected = n("peers") > 0;
                if connected && !self.connected {
                    self.say("Connected to the teacher's node.".into());
                }
                (self.connected, self.linking) = (connected, false);
                let requests: Vec<Asking> = v
                    .get("requests")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|r| {
                        Some(Asking {
                            name: r.get("name")?.as_str()?.to_string(),
                            public_key: r.get("public_key")?.as_str()?.to_string(),
                        })
                    })
                    .collect();
                if *self.requests != requests {
                    self.requests = Rc::new(requests);
                }
                if self.phase == Phase::Teaching && self.member.is_none() {
                    self.member = Some(0);
                }
                let asked =
                    matches!(self.phase, Phase::Joining { name: Some(_) }) && !self.declined;
                if asked && self.member.is_none() {
                    self.waited = self.waited.saturating_add(1);
                }
            }
            "event" => self.event(&v),
            "error" => {
                let what = v.get("what").and_then(Value::as_str).unwrap_or("?");
                let why = v.get("why").and_then(Value::as_str).unwrap_or("?");
                match what {
                    // It tries again by itself.
                    "dial" | "request" | "peer" => self.say(format!("Network: {why}")),
                    // The registrar goes on: a name taken, a request gone.
                    "admit" => self.say(format!("Not admitted: {why}")),
                    _ => self.problem = Some(format!("{what}: {why}")),
                }
            }
            _ => {}
        }
    }

    /// The link to the teacher's node closed: said, unless it came up only
    /// since the last status (then it is no news).
    fn disconnected(&mut self) {
        if std::mem::take(&mut self.linking) {
            return;
        }
        self.connected = false;
        self.say("Cut off from the teacher's node: trying again every 2 s.".into());
    }

    fn event(&mut self, v: &Value) {
        let n = |field: &str| v.get(field).and_then(Value::as_u64);
        if let Some(member) = n("admitted") {
            self.member = Some(member);
            self.say(format!(
                "The registrar admitted you: you are member {member}, and your node signs for you."
            ));
        } else if let Some(height) = n("sealed") {
            self.say(format!("You sealed block {height}: you won its election."));
        } else if let Some(name) = v.get("declined").and_then(Value::as_str) {
            self.declined = true;
            self.say(format!("The teacher did not admit you as {name}."));
        } else if let Some(name) = v.get("join_requested").and_then(Value::as_str) {
            self.say(format!("{name} asks to join."));
        } else if let Some(election) = n("voted") {
            self.say(format!("You voted in the election of block {election}."));
        } else if let Some(height) = n("accepted") {
            self.say(format!("Checked and took block {height}."));
        } else if let Some(height) = n("final") {
            self.say(format!("Block {height} is final."));
        } else if let Some(dropped) = n("reorganised") {
            self.say(format!("Left {dropped} blocks for a better fork."));
        } else if let Some(what) = v.get("refused").and_then(Value::as_str) {
            let why = v
                .get("findings")
                .and_then(|f| f.get(0))
                .and_then(Value::as_str)
                .unwrap_or("");
            self.say(format!("Refused {what}: {why}"));
        }
    }
}

impl State {
    /// A newcomer not admitted after [`PATIENCE`] seconds: what to do.
    pub fn still_waiting(&self) -> Option<&'static str> {
        (self.member.is_none() && self.waited >= PATIENCE).then_some(
            "Still not admitted. Your teacher admits each student on their page: ask \
             them. The registrar admits each name once: if another student took \
             yours, open this page in a private window and choose another.",
        )
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Join { name } => {
                if next.phase != Phase::Idle {
                    return self;
                }
                next.phase = Phase::Joining { name };
            }
            Action::Teach => {
                if next.phase != Phase::Idle {
                    return self;
                }
                next.phase = Phase::Teaching;
            }
            Action::Report(text) => next.read(&text),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(reports: &[&str]) -> Rc<State> {
        let mut state = Rc::new(State::default()).reduce(Action::Join {
            name: Some("Zoé".into()),
        });
        for r in reports {
            state = state.reduce(Action::Report(r.to_string()));
        }
        state
    }

    #[test]
    fn a_student_is_admitted_and_the_node_says_what_it_does() {
        let state = after(&[
            r#"{"ready":{}}"#,
            r#"{"restored":{"height":0,"hash":"ab"}}"#,
            r#"{"dialling":{"ws":"/ip4/127.0.0.1/tcp/1/ws"}}"#,
            r#"{"peer":{"connected":"12D3"}}"#,
            r#"{"status":{"height":7,"tip":"a","final_height":2,"final":"b","peers":1}}"#,
            r#"{"event":{"admitted":4}}"#,
            r#"{"event":{"voted":9}}"#,
        ]);
        assert_eq!(state.member, Some(4));
        assert_eq!(
            state.status,
            Some(Status {
                height: 7,
                final_height: 2,
                peers: 1
            })
        );
        assert!(state.connected);
        assert_eq!(state.lines[0], "You voted in the election of block 9.");
        assert!(state.lines[1].contains("you are member 4"));
        assert_eq!(state.problem, None);
    }

    #[test]
    fn what_the_page_cannot_read_is_said_and_nothing_breaks() {
        let state = after(&["{not json", "[]", r#"{"event":{"something":1}}"#, r#"{}"#]);
        assert_eq!(state.member, None);
        assert_eq!(state.lines.len(), 2, "{:?}", state.lines);
        assert!(state.lines.iter().all(|l| l.starts_with("The node said")));
    }

    #[test]
    fn a_network_error_is_a_line_and_a_failed_start_a_problem() {
        let state = after(&[
            r#"{"error":{"what":"dial","why":"connection refused"}}"#,
            r#"{"error":{"what":"join","why":"no /node.json"}}"#,
        ]);
        assert_eq!(state.lines[0], "Network: connection refused");
        assert_eq!(state.problem.as_deref(), Some("join: no /node.json"));
    }

    #[test]
    fn a_newcomer_not_admitted_for_a_while_is_told_what_may_be_wrong() {
        let status = r#"{"status":{"height":3,"tip":"a","final_height":0,"final":"b","peers":1}}"#;
        let state = after(&vec![status; PATIENCE as usize - 1]);
        assert_eq!(state.still_waiting(), None);
        let state = state.reduce(Action::Report(status.into()));
        assert!(state.still_waiting().unwrap().contains("took yours"));
        let state = state.reduce(Action::Report(r#"{"event":{"admitted":5}}"#.into()));
        assert_eq!(state.still_waiting(), None, "admitted at last");
        // A node that only watches asked nothing.
        let mut watching = Rc::new(State::default()).reduce(Action::Join { name: None });
        for _ in 0..PATIENCE * 2 {
            watching = watching.reduce(Action::Report(status.into()));
        }
        assert_eq!(watching.still_waiting(), None);
    }

    #[test]
    fn the_teacher_is_the_registrar_and_sees_who_asks_to_join() {
        let mut state = Rc::new(State::default()).reduce(Action::Teach);
        assert_eq!(state.phase, Phase::Teaching);
        assert!(Rc::ptr_eq(
            &state,
            &state.clone().reduce(Action::Join { name: None })
        ));
        for report in [
            r#"{"event":{"join_requested":"Zoé","public_key":"ab"}}"#,
            r#"{"status":{"height":3,"tip":"a","final_height":0,"final":"b","peers":1,
                "requests":[{"name":"Zoé","public_key":"ab"}]}}"#,
        ] {
            state = state.reduce(Action::Report(report.into()));
        }
        assert_eq!(state.member, Some(0));
        assert_eq!(state.lines[1], "Zoé asks to join.");
        assert_eq!(
            *state.requests,
            vec![Asking {
                name: "Zoé".into(),
                public_key: "ab".into()
            }]
        );
        let status = r#"{"status":{"height":4,"tip":"a","final_height":0,"final":"b","peers":1}}"#;
        let state = state.reduce(Action::Report(status.into()));
        assert!(state.requests.is_empty(), "admitted: asks no more");
        assert_eq!(state.still_waiting(), None, "a registrar waits for nobody");
    }

    #[test]
    fn a_declined_newcomer_is_told_and_waits_no_more() {
        let status = r#"{"status":{"height":3,"tip":"a","final_height":0,"final":"b","peers":1}}"#;
        let mut reports = vec![r#"{"event":{"declined":"Zoé"}}"#];
        reports.extend(vec![status; PATIENCE as usize * 2]);
        let state = after(&reports);
        assert!(state.declined);
        assert!(state
            .lines
            .contains(&"The teacher did not admit you as Zoé.".to_string()));
        assert_eq!(state.still_waiting(), None, "no hint: the answer came");
        assert_eq!(state.member, None);
    }

    #[test]
    fn a_link_cut_and_redialled_is_said_once_each_way() {
        let status = |peers| {
            format!(
                r#"{{"status":{{"height":3,"tip":"a","final_height":0,"final":"b","peers":{peers}}}}}"#
            )
        };
        let connected = r#"{"peer":{"connected":"12D3"}}"#.to_string();
        let disconnected = r#"{"peer":{"disconnected":"12D3"}}"#.to_string();
        let mut reports = vec![connected.clone(), status(1), disconnected.clone()];
        // Held apart: every redial is closed at once, ten times over.
        for _ in 0..10 {
            reports.extend([connected.clone(), disconnected.clone(), status(0)]);
        }
        // Healed: the link lasts.
        reports.extend([connected, status(1)]);
        let reports: Vec<&str> = reports.iter().map(String::as_str).collect();
        let state = after(&reports);
        let said: Vec<&str> = state.lines.iter().map(String::as_str).collect();
        assert_eq!(
            said,
            [
                "Connected to the teacher's node.",
                "Cut off from the teacher's node: trying again every 2 s.",
                "Connected to the teacher's node.",
            ]
        );
        assert!(state.connected);
    }

    #[test]
    fn one_join_at_a_time_and_the_log_keeps_the_newest() {
        let state = after(&[]);
        let again = state.clone().reduce(Action::Join { name: None });
        assert!(Rc::ptr_eq(&state, &again));
        let many: Vec<String> = (0..100)
            .map(|h| format!(r#"{{"event":{{"accepted":{h}}}}}"#))
            .collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        let state = after(&many);
        assert_eq!(state.lines.len(), LINES);
        assert_eq!(state.lines[0], "Checked and took block 99.");
    }
}
