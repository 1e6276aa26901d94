//! Building blocks every page uses: layout, notices, KPI tiles, pagination, coverage bars.

use crate::api::{get_current_user, get_site_info};
use crate::domain::{CoverageCategory, CurrentUser, FieldError, Page};
use crate::error::AppError;
use crate::format;
use crate::i18n::{td_string, Locale};
use crate::{current_locale, locale_code};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// Text for an element whose server-rendered content Leptos writes without escaping
/// (`<title>` by leptos_meta, `<textarea>` by tachys): escaped on the server, where it becomes
/// HTML; as it is in the browser, where it is set as text. A unit named
/// `</title><meta http-equiv="refresh" …>` or a note holding `</textarea>…` stays text.
pub fn raw_text_content(text: &str) -> String {
    if cfg!(feature = "ssr") {
        html_escape::encode_text(text).into_owned()
    } else {
        text.to_owned()
    }
}

/// The page's `<title>` (with the site name added by the layout), escaped: see
/// [`raw_text_content`].
#[component]
pub fn PageTitle(#[prop(into)] text: TextProp) -> impl IntoView {
    view! { <leptos_meta::Title text=move || raw_text_content(&text.get())/> }
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let info = Resource::new(|| (), |()| get_site_info());
    let user = Resource::new(|| (), |()| get_current_user());
    let l = current_locale();
    view! {
        <a class="skip-link" href="#inhalt">{td_string!(l, common.skip_link)}</a>
        <header class="site-header">
            <div class="brand">
                <A href="/">"OZG-Monitor"</A>
                <span class="brand-sub">{td_string!(l, common.brand_sub)}</span>
            </div>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let user = user.await.ok().flatten();
                    let public = info.await.is_ok_and(|i| i.public_read);
                    view! { <MainNav user=user public=public/> }
                })}
            </Suspense>
            <LanguageSwitch/>
        </header>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                info.await.ok().map(|info| view! {
                    <div class="site-status">
                        {info.demo_data.then(|| view! {
                            <p class="demo-notice" role="note">
                                <strong>{td_string!(l, common.demo_label)}</strong>
                                {td_string!(l, common.demo_text, land = info.land_name.as_str())}
                            </p>
                        })}
                        <p class="data-date">
                            {td_string!(
                                l,
                                common.data_date,
                                land = info.land_name.as_str(),
                                date = format::data_date(info.data_as_of, l),
                            )}
                        </p>
                    </div>
                })
            })}
        </Suspense>
        <main id="inhalt" tabindex="-1">{children()}</main>
        <footer class="site-footer">
            <p>
                {td_string!(l, common.footer_sources)}
                <A href="/datenquellen">{td_string!(l, common.footer_all_sources)}</A>
            </p>
            <nav aria-label=td_string!(l, common.nav_legal)>
                <ul class="footer-links">
                    <li><A href="/impressum">{td_string!(l, common.imprint)}</A></li>
                    <li><A href="/datenschutz">{td_string!(l, common.privacy)}</A></li>
                    <li><A href="/barrierefreiheit">{td_string!(l, common.accessibility)}</A></li>
                </ul>
            </nav>
        </footer>
    }
}

/// The main navigation and the account box; what a user sees depends on the role.
#[component]
fn MainNav(user: Option<CurrentUser>, public: bool) -> impl IntoView {
    let reads = user.is_some() || public;
    let edits = user
        .as_ref()
        .is_some_and(super::domain::access::CurrentUser::edits);
    let admin = user
        .as_ref()
        .is_some_and(super::domain::access::CurrentUser::is_admin);
    let l = current_locale();
    view! {
        {reads.then(|| view! {
            <nav aria-label=td_string!(l, common.nav_main)>
                <ul>
                    <li><A href="/">{td_string!(l, common.nav_dashboard)}</A></li>
                    <li><A href="/leistungen">{td_string!(l, common.nav_catalogue)}</A></li>
                    <li><A href="/organisationen">{td_string!(l, common.nav_org_units)}</A></li>
                    <li><A href="/aenderungen">{td_string!(l, common.nav_changes)}</A></li>
                    <li><A href="/zustaendigkeiten">{td_string!(l, responsibilities.nav)}</A></li>
                    {edits.then(|| view! {
                        <li><A href="/meine-aufgaben">{td_string!(l, my_work.nav)}</A></li>
                        <li><A href="/sammelbearbeitung">{td_string!(l, common.nav_bulk)}</A></li>
                        <li><A href="/statusimport">{td_string!(l, common.nav_import)}</A></li>
                    })}
                    {admin.then(|| view! {
                        <li><A href="/verwaltung/konten">{td_string!(l, common.nav_users)}</A></li>
                        <li><A href="/verwaltung/protokoll">{td_string!(l, common.nav_audit)}</A></li>
                        <li><A href="/verwaltung/katalogimport">{td_string!(l, common.nav_catalogue_import)}</A></li>
                        <li><A href="/verwaltung/gebietsimport">{td_string!(l, common.nav_territory_import)}</A></li>
                        <li><A href="/verwaltung/einstellungen">{td_string!(l, common.nav_settings)}</A></li>
                    })}
                    <li><A href="/datenquellen">{td_string!(l, common.nav_sources)}</A></li>
                </ul>
            </nav>
        })}
        <div class="account-box">
            {match user {
                Some(u) => view! {
                    <span class="account-name">{u.display_name.clone()}" ("{u.role.label(l)}")"</span>
                    <A href="/konto">{td_string!(l, common.account)}</A>
                    // a form, not a link: logging out changes state and must not be triggered by a GET
                    <form method="post" action="/auth/abmelden" class="inline-form">
                        <button type="submit" class="link-button">{td_string!(l, common.sign_out)}</button>
                    </form>
                }.into_any(),
                None => view! { <a href="/anmelden">{td_string!(l, common.sign_in)}</a> }.into_any(),
            }}
        </div>
    }
}

/// A link to the page in the other language: the server stores the choice and sends the
/// browser back here, so it works without JavaScript.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let l = current_locale();
    let other = match l {
        Locale::de => Locale::en,
        Locale::en => Locale::de,
    };
    let location = use_location();
    let href = move || {
        let back = crate::domain::path_with_query(&location.pathname.get(), &location.search.get());
        format!(
            "/sprache/{}?zurueck={}",
            locale_code(other),
            crate::domain::urlencode(&back)
        )
    };
    view! {
        <a
            class="language-switch"
            href=href
            rel="external"
            hreflang=locale_code(other)
            lang=locale_code(other)
            aria-label=td_string!(l, common.language_switch_label)
        >
            {td_string!(l, common.language_switch)}
        </a>
    }
}

#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let l = current_locale();
    let title = match error {
        AppError::NotFound(_) => td_string!(l, common.error_not_found),
        AppError::BadRequest(_) => td_string!(l, common.error_bad_request),
        _ => td_string!(l, common.error),
    };
    view! {
        <div class="error-notice" role="alert">
            <h2>{title}</h2>
            <p>{error.message(l)}</p>
        </div>
    }
}

pub fn loading() -> impl IntoView {
    view! { <p class="loading" aria-live="polite">{td_string!(current_locale(), common.loading)}</p> }
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
                {td_string!(
                    current_locale(),
                    common.of,
                    part = format::int(online),
                    whole = format::int(applicable),
                    percent = format::percent(online, applicable),
                )}
            </span>
            <span class="coverage-bar" aria-hidden="true">
                <span class="coverage-fill" style=format!("width: {pct:.1}%")></span>
            </span>
        </span>
    }
}

#[component]
pub fn CategoryBadge(category: CoverageCategory) -> impl IntoView {
    view! { <span class=format!("badge badge-{}", category.code())>{category.label(current_locale())}</span> }
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
    let l = current_locale();
    view! {
        <nav class="pagination" aria-label=td_string!(l, common.pages)>
            <p class="result-count">
                {td_string!(
                    l,
                    common.range,
                    first = format::int(first),
                    last = format::int(last),
                    total = format::int(page.total),
                )}
            </p>
            <ul>
                {(current > 1).then(|| view! { <li><A href=href_for(current - 1)>{td_string!(l, common.previous)}</A></li> })}
                <li aria-current="page">{td_string!(l, common.page_of, current = current, count = count)}</li>
                {(current < count).then(|| view! { <li><A href=href_for(current + 1)>{td_string!(l, common.next)}</A></li> })}
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

/// `children` only for those who may edit records (coordinators, administrators): the way
/// into an editing page is not offered to readers.
#[component]
pub fn ForEditors(children: ChildrenFn) -> impl IntoView {
    let user = Resource::new(|| (), |()| get_current_user());
    let children = StoredValue::new(children);
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let edits = user.await.ok().flatten().is_some_and(|u| u.edits());
                edits.then(|| children.with_value(|c| c()))
            })}
        </Suspense>
    }
}

/// For a filter `<Form>`'s `on_form_data`: Leptos adds the submitting button to the data even
/// when it has no name, which put a stray `&=` into every filtered URL.
pub fn without_nameless_fields() -> std::sync::Arc<dyn Fn(&leptos::web_sys::FormData)> {
    std::sync::Arc::new(|data: &leptos::web_sys::FormData| data.delete(""))
}

/// Submits the surrounding form when a filter changes (only in the browser).
pub fn submit_enclosing_form(ev: leptos::ev::Event) {
    let form = ev
        .target()
        .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok())
        .and_then(|el| el.closest("form").ok().flatten())
        .and_then(|f| {
            leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlFormElement>(f).ok()
        });
    if let Some(form) = form {
        let _ = form.request_submit();
    }
}

/// An `<option>` whose selection follows the URL: the attribute serves the server-rendered
/// page, the property the hydrated one (browsers ignore the attribute once a user has chosen).
pub fn filter_option(
    value: String,
    label: String,
    selected: impl Fn() -> bool + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! { <option value=value selected=selected.clone() prop:selected=selected>{label}</option> }
}

/// Download links of the records a page shows (`query` selects them, as the export API
/// reads it). Plain links: they work without WASM, and `download`/`rel="external"` keep the
/// router from treating them as pages.
#[component]
pub fn Downloads(
    query: String,
    #[prop(optional_no_strip)] note: Option<String>,
    /// The PDF report of the same scope, where there is one (Land, Ressort, Kreis).
    #[prop(optional_no_strip)]
    report: Option<String>,
) -> impl IntoView {
    let l = current_locale();
    let href = |path: &str, extra: &str| {
        let query = [query.as_str(), extra]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("&");
        if query.is_empty() {
            format!("/api/v1/{path}")
        } else {
            format!("/api/v1/{path}?{query}")
        }
    };
    view! {
        <div class="downloads" role="group" aria-labelledby="downloads-label" data-testid="downloads">
            <span id="downloads-label">{td_string!(l, common.downloads)}": "</span>
            {report.map(|href| view! { <a href=href download="" rel="external">{td_string!(l, common.download_report)}</a>" · " })}
            <a href=href("records.csv", "") download="" rel="external">{td_string!(l, common.download_csv)}</a>
            " · "
            <a href=href("records.xlsx", "") download="" rel="external">{td_string!(l, common.download_xlsx)}</a>
            " · "
            <a href=href("records.xlsx", "blaetter=themenfeld") download="" rel="external">{td_string!(l, common.download_xlsx_sheets)}</a>
            " · "
            <a href=href("records.csv", "dialect=rfc4180") download="" rel="external">{td_string!(l, common.download_csv_plain)}</a>
            " · "
            <a href=href("federal-export.csv", "") download="" rel="external">{td_string!(l, common.download_federal)}</a>
            {note.map(|n| view! { <span class="downloads-note">" "{n}</span> })}
        </div>
    }
}

/// Whether the page runs in the browser: false in the server's HTML (JavaScript off, or the
/// wasm still on its way), true once hydrated. Effects never run on the server.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// For a form that works only with JavaScript (its submit button is disabled until
/// `hydrated`): says so while the page is not hydrated, instead of a button that posts into
/// nothing. Not `<noscript>`: it would also cover the seconds before the wasm arrives.
#[component]
pub fn NeedsJavaScript(hydrated: ReadSignal<bool>) -> impl IntoView {
    let l = current_locale();
    move || {
        (!hydrated.get()).then(|| {
            view! { <p class="note" data-testid="needs-javascript">{td_string!(l, common.needs_javascript)}</p> }
        })
    }
}
