//! The page at start: the store opened, this tab's role elected, the run
//! reopened (trusting the store for all but its newest blocks), or moved
//! from localStorage where the pages before this one kept it, or a fresh
//! run; the settings as kept.

use super::{local_run, tabs, Store, LOCAL_SETTINGS};
use crate::state::{start_page, AppState, Found, Role};
use std::rc::Rc;
use web_sys::UrlSearchParams;

/// The seed number in the address, `?seed=42`.
pub fn url_seed() -> Option<u64> {
    let search = gloo_utils::window().location().search().ok()?;
    let params = UrlSearchParams::new_with_str(&search).ok()?;
    params.get("seed")?.trim().parse().ok()
}

/// The page, ready to show, and the store that keeps its run (none when
/// the browser keeps nothing for this page).
pub struct Opened {
    pub state: AppState,
    pub store: Option<Rc<Store>>,
}

/// Opens the page: the newest blocks of a long run are read, the older
/// ones left for later (`Store::older`).
pub async fn open_page(now_ms: f64) -> Result<Opened, String> {
    let seed = url_seed();
    let store = match Store::open().await {
        Ok(store) => store,
        Err(why) => {
            let state = start_page(seed, Found::NoStorage(why), Role::Alone, now_ms)?;
            return Ok(Opened { state, store: None });
        }
    };
    let role = match tabs::elect().await {
        tabs::Elected::Writer | tabs::Elected::Unguarded => Role::Writer,
        tabs::Elected::Follower => Role::Follower,
    };
    let slots = store.slots();
    let found = match slots.current {
        None if role == Role::Writer => local_run().map_or(Found::Nothing, Found::Local),
        None => Found::Nothing,
        Some(slot) => {
            let outline = store.outline(slot).await;
            let kept_seed = match &outline {
                Ok(Some((kept_seed, tip))) => {
                    store.found_kept(Some(*tip));
                    Some((*kept_seed, *tip))
                }
                _ => None,
            };
            match kept_seed {
                // Only the writing tab may start another run.
                Some((kept, tip)) if role == Role::Writer && seed.is_some() && kept != seed => {
                    Found::OtherSeed(tip + 1)
                }
                _ => match store.reopen(slot).await {
                    Ok(Some(reopened)) => Found::Kept {
                        sim: reopened.sim,
                        report: reopened.report,
                        slot,
                        previous: slots.previous.map(|p| p.run),
                        // A following tab's writer may be writing right now.
                        reached: Store::unkept_reached(slot).filter(|_| role == Role::Writer),
                    },
                    Ok(None) => Found::Nothing,
                    Err(why) => Found::Damaged(why),
                },
            }
        }
    };
    let settings = match store.read_settings().await {
        Some(text) => Some(text),
        None => web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(LOCAL_SETTINGS).ok().flatten()),
    };
    let state = start_page(seed, found, role, now_ms)?.with_settings(settings.as_deref(), now_ms);
    Ok(Opened {
        state,
        store: Some(Rc::new(store)),
    })
}
