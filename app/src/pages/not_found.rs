use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Seite nicht gefunden"/>
        <h1>"Seite nicht gefunden"</h1>
        <p>"Diese Adresse gibt es im OZG-Monitor nicht. "<A href="/">"Zur Übersicht"</A></p>
    }
}
