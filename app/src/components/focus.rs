//! Focus for panels that open in place (add forms, delete confirmations): the panel's
//! first field takes the focus when it opens, and when it closes the focus goes back to
//! the control that opened it, so a keyboard user never lands at the top of the page.

use leptos::html::Input;
use leptos::prelude::*;

/// Call in the panel's component with a ref to the field that should take the focus.
pub fn focus_while_open(field: NodeRef<Input>) {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = field.get() else { return };
            let opener =
                document().active_element().and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            let _ = input.focus();
            if let Some(opener) = opener {
                let opener = send_wrapper::SendWrapper::new(opener);
                on_cleanup(move || {
                    let _ = opener.focus();
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = field;
    });
}
