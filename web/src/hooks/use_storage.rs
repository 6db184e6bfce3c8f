//! The run kept in this browser, the page's hooks: opening the page (the
//! run reopened from the store: its newest blocks), reading its older
//! blocks in the background, writing every change at once in the tab that
//! keeps the run, and following it in the others.

use crate::clock;
use crate::state::{Action, AppState, Community, KeepingAction, Origin, Reopening, Role, Settings};
use crate::store::open::{open_page, Opened};
use crate::store::tabs::{self, Channel};
use crate::store::Store;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen_futures::spawn_local;
use yew::prelude::*;

pub use crate::store::open::url_seed;

/// The store, handed to components: equal when it is the same store.
#[derive(Clone)]
pub struct StoreHandle(pub Rc<Store>);

impl PartialEq for StoreHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// Where the page is in opening.
pub enum Opening {
    /// Reading the store.
    Reading,
    Opened(Rc<Opened>),
    Failed(String),
}

/// Opens the page once: the store, this tab's role, the run.
#[hook]
pub fn use_opening() -> UseStateHandle<Opening> {
    let opening = use_state(|| Opening::Reading);
    {
        let opening = opening.clone();
        use_effect_with((), move |_| {
            spawn_local(async move {
                opening.set(match open_page(clock::wall_ms()).await {
                    Ok(opened) => Opening::Opened(Rc::new(opened)),
                    Err(why) => Opening::Failed(why),
                });
            });
            || ()
        });
    }
    opening
}

/// In the tab that keeps the run, writes every change at once: the blocks
/// sealed since the last write and the rest record, or a whole new run
/// beside the one it replaces.
#[hook]
pub fn use_storage(
    store: Option<StoreHandle>,
    state: &AppState,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let community = state.community.clone();
    let mark = state.keeping.run;
    let writing = state.keeping.role == Role::Writer;
    use_effect_with(
        (community, mark, writing),
        move |(community, mark, writing)| {
            if let (Some(store), true) = (store, *writing) {
                store.0.keep(community, *mark, dispatcher.to_callback());
            }
            || ()
        },
    );
}

/// Reads the older blocks of a run reopened from the store (its newest
/// blocks only), a short chunk per task, and hands them to the reducer; a
/// run replaced meanwhile stops the reading.
#[hook]
pub fn use_older_blocks(
    store: Option<StoreHandle>,
    state: &AppState,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let epoch = state.keeping.run.epoch;
    let base = state.community.read().chain().base();
    let slot = match state.keeping.run.origin {
        Origin::Kept { slot } if base > 0 => Some(slot),
        _ => None,
    };
    use_effect_with((epoch, slot), move |&(epoch, slot)| {
        let stop = Rc::new(Cell::new(false));
        if let (Some(store), Some(slot)) = (store, slot) {
            let stop = stop.clone();
            spawn_local(async move {
                let read = store.0.older(slot, base, &|| !stop.get()).await;
                if !stop.get() {
                    let read = read.map(Rc::new);
                    dispatcher.dispatch(KeepingAction::OlderBlocks { epoch, read }.into());
                }
            });
        }
        move || stop.set(true)
    });
}

/// Keeps the page's settings as they change, in the tab that keeps the run.
#[hook]
pub fn use_settings_storage(store: Option<StoreHandle>, settings: Settings, role: Role) {
    use_effect_with((settings, role), move |(settings, role)| {
        if let (Some(store), Role::Writer) = (store, role) {
            store.0.save_settings(&settings.to_text());
        }
        || ()
    });
}

/// Catch-ups of a following tab, one at a time.
#[derive(Default)]
struct Catching {
    busy: bool,
    again: bool,
    /// The next catch-up reads the whole run again.
    whole: bool,
    /// Run once the catch-ups under way are done.
    after: Vec<Box<dyn FnOnce()>>,
}

/// What a catch-up needs, shared with the listeners.
#[derive(Clone)]
struct Follow {
    store: Rc<Store>,
    latest: Rc<RefCell<(Community, Origin)>>,
    catching: Rc<RefCell<Catching>>,
    dispatcher: UseReducerDispatcher<AppState>,
}

impl Follow {
    /// Reads what the writing tab wrote since this tab's run, now or, if
    /// a catch-up is under way, right after it; then `then`.
    fn catch_up(&self, whole: bool, then: Option<Box<dyn FnOnce()>>) {
        {
            let mut catching = self.catching.borrow_mut();
            catching.whole |= whole;
            catching.after.extend(then);
            if catching.busy {
                catching.again = true;
                return;
            }
            catching.busy = true;
        }
        let this = self.clone();
        spawn_local(async move {
            loop {
                let whole = std::mem::take(&mut this.catching.borrow_mut().whole);
                if let Err(why) = this.once(whole).await {
                    this.dispatcher.dispatch(Action::Explore(
                        crate::state::ExploreAction::StorageProblem(format!(
                            "This tab could not read what the other tab kept: {why}."
                        )),
                    ));
                }
                let mut catching = this.catching.borrow_mut();
                if !std::mem::take(&mut catching.again) {
                    catching.busy = false;
                    break;
                }
            }
            let after = std::mem::take(&mut this.catching.borrow_mut().after);
            for then in after {
                then();
            }
        });
    }

    async fn once(&self, whole: bool) -> Result<(), String> {
        let slots = self.store.read_slots().await?;
        let Some(current) = slots.current else {
            return Ok(());
        };
        let (community, origin) = self.latest.borrow().clone();
        match origin {
            Origin::Kept { slot } if slot == current && !whole => {
                let after = community.read().chain().tip().height();
                let (blocks, rest) = self.store.since(slot, after).await?;
                let settings = self.store.read_settings().await;
                self.dispatcher.dispatch(
                    KeepingAction::Followed {
                        blocks: Rc::new(blocks),
                        rest,
                        settings,
                    }
                    .into(),
                );
            }
            _ => {
                let reopened = self
                    .store
                    .reopen(current)
                    .await?
                    .ok_or("the other tab's run is gone")?;
                self.dispatcher.dispatch(
                    KeepingAction::Reopened {
                        run: crate::state::Handoff::new(reopened.sim),
                        slot: current,
                        report: Rc::new(reopened.report),
                        previous: slots.previous.map(|p| p.run),
                        why: Reopening::Follow,
                    }
                    .into(),
                );
            }
        }
        Ok(())
    }
}

/// In a tab that follows another: hears what the writing tab says and
/// catches up, reads the whole run again when a change does not follow on,
/// and takes over (catching up first) when the writing tab closes.
#[hook]
pub fn use_following(
    store: Option<StoreHandle>,
    state: &AppState,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let latest = use_mut_ref(|| (state.community.clone(), state.keeping.run.origin));
    *latest.borrow_mut() = (state.community.clone(), state.keeping.run.origin);
    let catching = use_mut_ref(Catching::default);
    let follow = store.map(|store| Follow {
        store: store.0,
        latest,
        catching,
        dispatcher,
    });
    let following = state.keeping.following();
    {
        let follow = follow.clone();
        use_effect_with(following, move |following| {
            let mut channel = None;
            if let (Some(follow), true) = (follow, *following) {
                let hear = follow.clone();
                channel = Channel::open().map(|c| c.listen(move |_| hear.catch_up(false, None)));
                follow.catch_up(false, None);
                let turn = follow.clone();
                tabs::wait_for_turn(move || {
                    let dispatcher = turn.dispatcher.clone();
                    turn.catch_up(
                        false,
                        Some(Box::new(move || {
                            dispatcher.dispatch(KeepingAction::BecomeWriter.into())
                        })),
                    );
                });
            }
            move || drop(channel)
        });
    }
    use_effect_with(state.keeping.reread, move |reread| {
        if let (Some(follow), true) = (follow, *reread > 0) {
            follow.catch_up(true, None);
        }
        || ()
    });
}

/// "Undo": brings back the run kept aside, with its progress said.
pub fn undo(store: StoreHandle, epoch: u64, on_action: Callback<Action>) {
    on_action.emit(KeepingAction::Undoing.into());
    spawn_local(async move {
        let action = match store.0.undo(epoch).await {
            Ok((slot, reopened)) => KeepingAction::Reopened {
                run: crate::state::Handoff::new(reopened.sim),
                slot,
                report: Rc::new(reopened.report),
                previous: None,
                why: Reopening::Undo,
            },
            Err(why) => KeepingAction::UndoFailed(why),
        };
        on_action.emit(action.into());
    });
}
