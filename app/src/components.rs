//! Building blocks every page uses: layout, notices, KPI tiles, pagination, coverage bars.

use crate::api::{get_current_user, get_site_info};
use crate::domain::{CoverageCategory, CurrentUser, FieldError, Page};
use crate::error::AppError;
use crate::format;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let info = Resource::new(|| (), |_| get_site_info());
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <a class="skip-link" href="#inhalt">"Zum Inhalt springen"</a>
        <header class="site-header">
            <div class="brand">
                <A href="/">"OZG-Monitor"</A>
                <span class="brand-sub">"Umsetzungsstand des Onlinezugangsgesetzes"</span>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    let public = info.await.map(|i| i.public_read).unwrap_or(false);
                    view! { <MainNav user=user public=public/> }
                })}
            </Suspense>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                info.await.ok().map(|info| view! {
                    <div class="site-status">
                        {info.demo_data.then(|| view! {
                            <p class="demo-notice" role="note">
                                <strong>"Demo-Daten: "</strong>
                                "Die angezeigten Umsetzungsstände sind erfundene Beispieldaten und geben nicht den tatsächlichen Stand in "
                                {info.land_name.clone()}" wieder."
                            </p>
                        })}
                        <p class="data-date">
                            {info.land_name.clone()}" · Datenstand: "
                            {format::data_date(info.data_as_of)}
                        </p>
                    </div>
                })
            })}
        </Suspense>
        <main id="inhalt" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>
                "Katalog: OZG-Umsetzungskatalog (BMI / IT-Planungsrat, Stand 2019). Gebiete und Einwohner: © Statistisches Bundesamt (Destatis), 2021, dl-de/by-2-0. "
                <A href="/datenquellen">"Alle Datenquellen und Lizenzen"</A>
            </p>
            <nav aria-label="Rechtliches">
                <ul class="footer-links">
                    <li><A href="/impressum">"Impressum"</A></li>
                    <li><A href="/datenschutz">"Datenschutz"</A></li>
                    <li><A href="/barrierefreiheit">"Barrierefreiheit"</A></li>
                </ul>
            </nav>
        </footer>
    }
}

/// The main navigation and the account box; what a user sees depends on the role.
#[component]
fn MainNav(user: Option<CurrentUser>, public: bool) -> impl IntoView {
    let reads = user.is_some() || public;
    let edits = user.as_ref().is_some_and(|u| u.edits());
    let admin = user.as_ref().is_some_and(|u| u.is_admin());
    view! {
        {reads.then(|| view! {
            <nav aria-label="Hauptnavigation">
                <ul>
                    <li><A href="/">"Übersicht"</A></li>
                    <li><A href="/leistungen">"Leistungskatalog"</A></li>
                    <li><A href="/organisationen">"Organisationseinheiten"</A></li>
                    <li><A href="/aenderungen">"Änderungen"</A></li>
                    {edits.then(|| view! { <li><A href="/sammelbearbeitung">"Sammelbearbeitung"</A></li> })}
                    {admin.then(|| view! {
                        <li><A href="/verwaltung/konten">"Konten"</A></li>
                        <li><A href="/verwaltung/protokoll">"Sicherheitsprotokoll"</A></li>
                    })}
                    <li><A href="/datenquellen">"Datenquellen"</A></li>
                </ul>
            </nav>
        })}
        <div class="account-box">
            {match user {
                Some(u) => view! {
                    <span class="account-name">{u.display_name.clone()}" ("{u.role.label()}")"</span>
                    <A href="/konto">"Konto"</A>
                    // a form, not a link: logging out changes state and must not be triggered by a GET
                    <form method="post" action="/auth/abmelden" class="inline-form">
                        <button type="submit" class="link-button">"Abmelden"</button>
                    </form>
                }.into_any(),
                None => view! { <a href="/anmelden">"Anmelden"</a> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let title = match error {
        AppError::NotFound(_) => "Nicht gefunden",
        AppError::BadRequest(_) => "Ungültige Angaben",
        _ => "Fehler",
    };
    view! {
        <div class="error-notice" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
        </div>
    }
}

pub fn loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">"Daten werden geladen …"</p> }
}

#[component]
pub fn KpiTile(
    title: &'static str,
    value: String,
    detail: String,
    #[prop(optional)] note: Option<String>,
) -> impl IntoView {
    view! {
        <div class="kpi">
            <h3>{title}</h3>
            <p class="kpi-value">{value}</p>
            <p class="kpi-detail">{detail}</p>
            {note.map(|n| view! { <p class="kpi-note">{n}</p> })}
        </div>
    }
}

/// "x von y" with a bar; the numbers are text, the bar only repeats them.
#[component]
pub fn CoverageBar(online: i64, applicable: i64) -> impl IntoView {
    let pct = if applicable > 0 {
        online as f64 * 100.0 / applicable as f64
    } else {
        0.0
    };
    view! {
        <span class="coverage">
            <span class="coverage-text">
                {format::int(online)}" von "{format::int(applicable)}" ("{format::percent(online, applicable)}")"
            </span>
            <span class="coverage-bar" aria-hidden="true">
                <span class="coverage-fill" style=format!("width: {pct:.1}%")></span>
            </span>
        </span>
    }
}

#[component]
pub fn CategoryBadge(category: CoverageCategory) -> impl IntoView {
    view! { <span class=format!("badge badge-{}", category.code())>{category.label()}</span> }
}

/// Page links; `href_for(page)` builds each link so filters stay in the URL.
#[component]
pub fn Pagination<T: 'static, F>(page: Page<T>, href_for: F) -> impl IntoView
where
    F: Fn(u32) -> String + 'static,
{
    let count = page.page_count();
    let current = page.page.max(1);
    let first = if page.total == 0 {
        0
    } else {
        i64::from(current - 1) * i64::from(page.per_page) + 1
    };
    let last = (i64::from(current) * i64::from(page.per_page)).min(page.total);
    view! {
        <nav class="pagination" aria-label="Seiten">
            <p class="result-count">
                {format!("{}–{} von {}", format::int(first), format::int(last), format::int(page.total))}
            </p>
            <ul>
                {(current > 1).then(|| view! { <li><A href=href_for(current - 1)>"« Zurück"</A></li> })}
                <li aria-current="page">{format!("Seite {current} von {count}")}</li>
                {(current < count).then(|| view! { <li><A href=href_for(current + 1)>"Weiter »"</A></li> })}
            </ul>
        </nav>
    }
}

/// The error of `field` among `errors`.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join(" "))
}
