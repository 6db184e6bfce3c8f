//! One component for every panel that has no state of its own.
//!
//! Such a panel must still be a component of its own, so that it skips its
//! render when nothing it shows changed (the clock's tick re-renders the
//! page every second). But each Yew component costs about 1 KB of
//! WebAssembly (docs/PERFORMANCE.md, "Size"), so they share this one: its
//! props are a panel's own props and the function that draws them, behind a
//! trait object, and they compare equal when both are the same, as the
//! panel's own component would have compared them.

use std::any::Any;
use std::rc::Rc;
use yew::prelude::*;

/// A panel's props and its view.
trait Body {
    fn same(&self, other: &dyn Any) -> bool;
    fn render(&self) -> Html;
    fn as_any(&self) -> &dyn Any;
}

struct With<P> {
    props: P,
    view: fn(&P) -> Html,
}

impl<P: PartialEq + 'static> Body for With<P> {
    fn same(&self, other: &dyn Any) -> bool {
        other
            .downcast_ref::<With<P>>()
            .is_some_and(|o| std::ptr::fn_addr_eq(o.view, self.view) && o.props == self.props)
    }
    fn render(&self) -> Html {
        (self.view)(&self.props)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[derive(Properties)]
struct PureProps {
    body: Rc<dyn Body>,
}

impl PartialEq for PureProps {
    fn eq(&self, other: &PureProps) -> bool {
        self.body.same(other.body.as_any())
    }
}

#[function_component]
fn Pure(props: &PureProps) -> Html {
    props.body.render()
}

/// `view(&props)` as a component of its own: rendered again only when
/// `props` change.
pub fn pure<P: PartialEq + 'static>(props: P, view: fn(&P) -> Html) -> Html {
    let body: Rc<dyn Body> = Rc::new(With { props, view });
    html! { <Pure {body} /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(n: &u32) -> Html {
        html! { { *n } }
    }

    fn other(n: &u32) -> Html {
        html! { <b>{ *n }</b> }
    }

    fn props<P: PartialEq + 'static>(props: P, view: fn(&P) -> Html) -> PureProps {
        PureProps {
            body: Rc::new(With { props, view }),
        }
    }

    /// A panel skips its render exactly when its own props are equal and
    /// it is drawn by the same function.
    #[test]
    fn equal_only_for_the_same_props_and_view() {
        assert!(props(1u32, one) == props(1u32, one));
        assert!(props(1u32, one) != props(2u32, one));
        assert!(props(1u32, one) != props(1u32, other));
        assert!(props(1u32, one) != props(1u64, |n| html! { { *n } }));
    }
}
