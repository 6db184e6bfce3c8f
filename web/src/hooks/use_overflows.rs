use gloo_events::EventListener;
use yew::prelude::*;

/// Whether the element `node` refers to is wider than its box (it scrolls
/// sideways): measured after every render and when the window is resized
/// (a phone turned). It re-renders only when the answer changes.
#[hook]
pub fn use_overflows(node: NodeRef) -> bool {
    let overflows = use_state_eq(|| false);
    {
        let (node, overflows) = (node.clone(), overflows.clone());
        use_effect(move || measure(&node, &overflows));
    }
    {
        let overflows = overflows.clone();
        use_effect_with((), move |()| {
            let listener = EventListener::new(&gloo_utils::window(), "resize", move |_| {
                measure(&node, &overflows)
            });
            move || drop(listener)
        });
    }
    *overflows
}

fn measure(node: &NodeRef, overflows: &UseStateHandle<bool>) {
    if let Some(element) = node.cast::<web_sys::Element>() {
        overflows.set(element.scroll_width() > element.client_width());
    }
}
