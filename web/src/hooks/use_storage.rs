//! The run kept in this browser: restored at start, saved after changes
//! (at most once a second, less often when saving takes long), and the seed
//! number in the address (`?seed=42`).

use crate::state::{start_page, Action, AppState, Community, ExploreAction, Settings};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::UrlSearchParams;
use yew::prelude::*;

const KEY: &str = "e-cloud-run";
/// The page's settings, kept apart from the run: small, and saved at once.
const SETTINGS_KEY: &str = "e-cloud-settings";

/// The seed number in the address, `?seed=42`.
pub fn url_seed() -> Option<u64> {
    let search = gloo_utils::window().location().search().ok()?;
    let params = UrlSearchParams::new_with_str(&search).ok()?;
    params.get("seed")?.trim().parse().ok()
}

fn storage() -> Result<web_sys::Storage, String> {
    match web_sys::window().map(|w| w.local_storage()) {
        Some(Ok(Some(s))) => Ok(s),
        _ => Err("storage is switched off".into()),
    }
}

/// What storage holds, or why it cannot be read.
fn read_saved() -> Result<Option<String>, String> {
    storage()?
        .get_item(KEY)
        .map_err(|_| "storage could not be read".to_string())
}

/// The page at start: the kept run, or a fresh one (seeded from the address),
/// with the kept settings.
pub fn start(now_ms: f64) -> Result<AppState, String> {
    // Unreadable storage is already said about the run; the settings then
    // simply start as the defaults.
    let settings = storage()
        .ok()
        .and_then(|s| s.get_item(SETTINGS_KEY).ok().flatten());
    start_page(url_seed(), read_saved(), now_ms)
        .map(|state| state.with_settings(settings.as_deref(), now_ms))
}

/// Keeps the page's settings as they change.
#[hook]
pub fn use_settings_storage(settings: Settings) {
    use_effect_with(settings, |settings| {
        // A refusal here is said by the run's own saving, which fails too.
        if let Ok(s) = storage() {
            let _ = s.set_item(SETTINGS_KEY, &settings.to_text());
        }
        || ()
    });
}

/// How saving goes, kept from render to render.
struct Saving {
    /// A save is waiting for its timer.
    pending: bool,
    /// How long the next save waits.
    gap_ms: u32,
    /// The chain length at which storage last refused the run: a longer
    /// chain would be refused too, and writing one out costs the page a
    /// pause, so saving waits until the run is shorter again (a reset or an
    /// import).
    refused_at: Option<usize>,
}

/// Keeps the run in storage as it changes.
#[hook]
pub fn use_storage(
    community: Community,
    foreign_keys: bool,
    dispatcher: UseReducerDispatcher<AppState>,
) {
    let latest: Rc<RefCell<Option<Community>>> = use_mut_ref(|| None);
    let saving: Rc<RefCell<Saving>> = use_mut_ref(|| Saving {
        pending: false,
        gap_ms: 1_000,
        refused_at: None,
    });
    use_effect_with(
        (community, foreign_keys),
        move |(community, foreign_keys)| {
            // An imported chain with other keys could not be restored: not kept.
            if !*foreign_keys {
                *latest.borrow_mut() = Some(community.clone());
                if !saving.borrow().pending {
                    saving.borrow_mut().pending = true;
                    let saving = saving.clone();
                    let gap = saving.borrow().gap_ms;
                    Timeout::new(gap, move || {
                    saving.borrow_mut().pending = false;
                    let Some(community) = latest.borrow_mut().take() else {
                        return;
                    };
                    let blocks = community.read().chain().len();
                    if saving.borrow().refused_at.is_some_and(|at| blocks >= at) {
                        return;
                    }
                    let started = crate::clock::precise_ms();
                    let text = community.read().save();
                    let saved = storage().and_then(|s| {
                        s.set_item(KEY, &text)
                            .map_err(|_| "storage is full or refused it".to_string())
                    });
                    let took = crate::clock::precise_ms() - started;
                    // Saving a long chain is O(chain): keep it under 5 % of the time.
                    saving.borrow_mut().gap_ms = (took * 20.0).clamp(1_000.0, 60_000.0) as u32;
                    match saved {
                        Ok(()) => saving.borrow_mut().refused_at = None,
                        Err(why) => {
                            saving.borrow_mut().refused_at = Some(blocks);
                            // An older, shorter run must not come back on a
                            // reload as if it were this one.
                            if let Ok(s) = storage() {
                                let _ = s.remove_item(KEY);
                            }
                            dispatcher.dispatch(Action::Explore(ExploreAction::StorageProblem(
                                format!(
                                    "The run ({} KB) could not be kept in this browser: {why}. It will not survive a reload: export the chain to keep it.",
                                    text.len() / 1024
                                ),
                            )));
                        }
                    }
                })
                .forget();
                }
            }
            || ()
        },
    );
}
