//! OZG-Monitor: pages, routes and server functions, shared by the server (feature `ssr`)
//! and the browser (feature `hydrate`).

// The page views are deeply nested types; the release wasm build (without type erasure)
// exceeds the default limit of 128.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod format;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::*;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="de">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Only runs in the browser: tells tests (and curious people) that the page is interactive.
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/ozg-monitor.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Title formatter=|text: String| format!("{text} – OZG-Monitor")/>
        <Router>
            <Layout>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/leistungen") view=CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/leistungen/:ozg_id") view=ServicePage ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen") view=OrgUnitsPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisationen/:code") view=OrgUnitPage ssr=SsrMode::Async/>
                    <Route path=path!("/datenquellen") view=SourcesPage ssr=SsrMode::Async/>
                    <Route path=path!("/anmelden") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/impressum") view=ImpressumPage ssr=SsrMode::Async/>
                    <Route path=path!("/datenschutz") view=PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/barrierefreiheit") view=AccessibilityPage ssr=SsrMode::Async/>
                    <Route path=path!("/umsetzungsstaende/:id") view=RecordPageView ssr=SsrMode::Async/>
                    <Route path=path!("/aenderungen") view=ChangesPage ssr=SsrMode::Async/>
                    <Route path=path!("/sammelbearbeitung") view=BulkPage ssr=SsrMode::Async/>
                    <Route path=path!("/konto") view=AccountPageView ssr=SsrMode::Async/>
                    <Route path=path!("/verwaltung/konten") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/verwaltung/protokoll") view=AuditPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
    }
}
