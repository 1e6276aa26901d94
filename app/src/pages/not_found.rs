use crate::components::PageTitle;
use crate::current_locale;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, common.not_found_title)/>
        <h1>{td_string!(l, common.not_found_title)}</h1>
        <p>
            {td_string!(l, common.not_found_text)}
            <A href="/">{td_string!(l, common.to_dashboard)}</A>
        </p>
    }
}
