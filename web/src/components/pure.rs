//! One component for the page's panels.
//!
//! A panel must be a component of its own, so that it skips its render when
//! nothing it shows changed (the clock's tick re-renders the page every
//! second) and so that it can have hooks. But each Yew component costs
//! about 1 KB of WebAssembly (docs/PERFORMANCE.md, "Size"), so they share
//! this one: its props are a panel's own props and the function that draws
//! them, behind a trait object, and they compare equal when both are the
//! same, as the panel's own component would have compared them.

use std::any::Any;
use std::rc::Rc;
use yew::functional::{Hook, HookContext};
use yew::prelude::*;
use yew::virtual_dom::Key;

/// A panel's props and its view.
trait Body {
    fn same(&self, other: &dyn Any) -> bool;
    fn render(&self, ctx: &mut HookContext) -> Html;
    fn as_any(&self) -> &dyn Any;
}

/// A panel drawn by `view`, which runs its hooks (if it has any) on `ctx`,
/// as they would run in a component of its own. A `Pure` only ever draws
/// one function (its key names it: see `mount`), so its hooks are called in
/// the same order at every render, as Yew needs.
struct With<P> {
    props: P,
    view: fn(&P, &mut HookContext) -> Html,
}

impl<P: PartialEq + 'static> Body for With<P> {
    fn same(&self, other: &dyn Any) -> bool {
        other
            .downcast_ref::<With<P>>()
            .is_some_and(|o| std::ptr::fn_addr_eq(o.view, self.view) && o.props == self.props)
    }
    fn render(&self, ctx: &mut HookContext) -> Html {
        (self.view)(&self.props, ctx)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A panel's body, run as `Pure`'s one hook, on its context.
struct RunBody(Rc<dyn Body>);

impl Hook for RunBody {
    type Output = Html;
    fn run(self, ctx: &mut HookContext) -> Html {
        self.0.render(ctx)
    }
}

fn use_body(body: &Rc<dyn Body>) -> RunBody {
    RunBody(body.clone())
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
    use_body(&props.body)
}

/// `view(&props)` as a component of its own: rendered again only when
/// `props` change. A panel without hooks ignores the context
/// (`|p, _| panel(p)`); one with hooks is a `#[hook]` function run on it
/// (`|p, ctx| use_panel(p).run(ctx)`).
pub fn pure<P: PartialEq + 'static>(props: P, view: fn(&P, &mut HookContext) -> Html) -> Html {
    let key = Key::from(view as usize);
    mount(Rc::new(With { props, view }), key)
}

/// The node of a `Pure`, once for every kind of props.
///
/// Its key names the function that draws it (its address). Yew reuses a
/// component, hooks and all, only for the same type and key, and every
/// panel is a `Pure`: so a different function at the same place (one branch
/// of an `if` or a `match` for another) is mounted afresh, as a component of
/// another type would be, and never runs its hooks on another's state.
#[inline(never)]
fn mount(body: Rc<dyn Body>, key: Key) -> Html {
    html! { <Pure {body} {key} /> }
}

/// Mounts `view(&props)` as the page's root, in `<body>`.
pub fn render_root<P: PartialEq + 'static>(props: P, view: fn(&P, &mut HookContext) -> Html) {
    let body: Rc<dyn Body> = Rc::new(With { props, view });
    yew::Renderer::<Pure>::with_props(PureProps { body }).render();
}

/// [`pure`] for an item of a keyed list.
pub fn pure_keyed<P: PartialEq + 'static>(
    key: impl Into<Key>,
    props: P,
    view: fn(&P, &mut HookContext) -> Html,
) -> Html {
    let key = Key::from(format!("{}@{:x}", key.into(), view as usize));
    mount(Rc::new(With { props, view }), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(n: &u32, _: &mut HookContext) -> Html {
        html! { { *n } }
    }

    fn other(n: &u32, _: &mut HookContext) -> Html {
        html! { <b>{ *n }</b> }
    }

    fn props<P: PartialEq + 'static>(
        props: P,
        view: fn(&P, &mut HookContext) -> Html,
    ) -> PureProps {
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
        assert!(props(1u32, one) != props(1u64, |n, _| html! { { *n } }));
    }

    /// Two functions at one place are two components to Yew (their keys
    /// differ), so one never runs its hooks on the other's state; one
    /// function keeps its key from render to render.
    #[test]
    fn the_key_names_the_function() {
        let key = |html: Html| html.key().cloned();
        assert_eq!(key(pure(1u32, one)), key(pure(2u32, one)));
        assert_ne!(key(pure(1u32, one)), key(pure(1u32, other)));
        assert_eq!(
            key(pure_keyed(7u64, 1u32, one)),
            key(pure_keyed(7u64, 2u32, one))
        );
        assert_ne!(
            key(pure_keyed(7u64, 1u32, one)),
            key(pure_keyed(8u64, 1u32, one))
        );
        assert_ne!(
            key(pure_keyed(7u64, 1u32, one)),
            key(pure_keyed(7u64, 1u32, other))
        );
    }
}
