//! The running simulation, shared by the state and the panels.

use ecloud_core::Simulation;
use std::cell::{Ref, RefCell, RefMut};
use std::rc::Rc;

/// The running simulation, shared (not copied) between the state and the
/// panels. Two views are equal when they show the same revision, so a panel
/// re-renders only when the chain or the open block changed.
///
/// The `RefCell` is borrowed mutably only inside the reducer and immutably
/// only while rendering; no code dispatches an action while holding a borrow.
#[derive(Clone)]
pub struct Community {
    sim: Rc<RefCell<Simulation>>,
    revision: u64,
}

impl PartialEq for Community {
    fn eq(&self, other: &Self) -> bool {
        self.revision == other.revision && Rc::ptr_eq(&self.sim, &other.sim)
    }
}

impl Community {
    pub fn new(sim: Simulation) -> Community {
        Community {
            sim: Rc::new(RefCell::new(sim)),
            revision: 0,
        }
    }

    pub fn read(&self) -> Ref<'_, Simulation> {
        self.sim.borrow()
    }

    /// Counts changes: a panel that keeps its own view of the simulation can
    /// tell whether it is still current.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The simulation to change, as a new revision; `None` while it is
    /// borrowed (the page is busy with another action).
    pub(super) fn write(&mut self) -> Option<RefMut<'_, Simulation>> {
        self.revision += 1;
        self.sim.try_borrow_mut().ok()
    }

    /// The simulation changed behind the reducer's back, as a test tampers.
    #[cfg(test)]
    pub(super) fn borrow_mut(&self) -> RefMut<'_, Simulation> {
        self.sim.borrow_mut()
    }
}
