//! Leistungskatalog: the OZG-Leistungen filtered by Themenfeld, Lage, Stand and text, paginated.
//! The filter is a GET form, so it works without JavaScript; once hydrated, changing a field
//! submits the form through the router and only the table is re-rendered.

use crate::api::{get_filter_options, list_services};
use crate::components::{loading, CategoryBadge, CoverageBar, ErrorNotice, Pagination};
use crate::domain::{CoverageCategory, FilterOptions, Page, ServiceQuery, ServiceSummary};
use crate::error::AppError;
use crate::format;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos_meta::Title;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| {
        let map = params.read();
        ServiceQuery::from_params(|key| map.get_str(key))
    });
    let options = Resource::new(|| (), |_| get_filter_options());
    let services = Resource::new(
        move || query.get(),
        |query| async move {
            match query {
                Ok(q) => list_services(q).await,
                Err(errors) => Err(AppError::BadRequest(errors)),
            }
        },
    );

    view! {
        <Title text="Leistungskatalog"/>
        <h1>"Leistungskatalog"</h1>
        <p class="lead">
            "Alle OZG-Leistungen des Umsetzungskatalogs mit ihrem Stand über alle zuständigen Stellen. "
            "„Flächendeckend“ heißt: bei jeder zuständigen Stelle online."
        </p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                options.await.map(|o| view! { <FilterForm options=o query/> })
            })}
        </Suspense>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let current = query.get_untracked().unwrap_or_default();
                match services.await {
                    Ok(page) => view! { <ServiceTable page current/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Submits the surrounding form when a filter changes (only in the browser).
fn submit_enclosing_form(ev: leptos::ev::Event) {
    let form = ev
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .and_then(|el| el.closest("form").ok().flatten())
        .and_then(|f| f.dyn_into::<leptos::web_sys::HtmlFormElement>().ok());
    if let Some(form) = form {
        let _ = form.request_submit();
    }
}

/// An `<option>` whose selection follows the URL: the attribute serves the server-rendered
/// page, the property the hydrated one (browsers ignore the attribute once a user has chosen).
fn filter_option(
    value: String,
    label: String,
    selected: impl Fn() -> bool + Clone + Send + Sync + 'static,
) -> impl IntoView {
    view! { <option value=value selected=selected.clone() prop:selected=selected>{label}</option> }
}

/// The filter form. It is rendered once and follows the URL (back/forward, links), so focus
/// stays in the field a keyboard user just changed.
#[component]
fn FilterForm(
    options: FilterOptions,
    query: Memo<Result<ServiceQuery, Vec<String>>>,
) -> impl IntoView {
    let current = move || query.get().unwrap_or_default();
    let lagen = options.lagen;
    view! {
        <Form method="GET" action="/leistungen" attr:class="filters" attr:role="search" attr:aria-label="Leistungen filtern">
            <div class="field">
                <label for="f-themenfeld">"Themenfeld"</label>
                <select id="f-themenfeld" name="themenfeld" on:change=submit_enclosing_form>
                    {filter_option(String::new(), "Alle Themenfelder".into(), move || current().themenfeld.is_none())}
                    {options.themenfelder.into_iter().map(|t| {
                        filter_option(t.id.to_string(), t.name, move || current().themenfeld == Some(t.id))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-lage">"Lebens-/Unternehmenslage"</label>
                <select id="f-lage" name="lage" on:change=submit_enclosing_form>
                    {filter_option(String::new(), "Alle Lagen".into(), move || current().lage.is_none())}
                    // only the Lagen of the chosen Themenfeld
                    {move || {
                        let themenfeld = current().themenfeld;
                        lagen.iter()
                            .filter(|l| themenfeld.is_none_or(|t| l.themenfeld_id == t))
                            .map(|l| {
                                let id = l.id;
                                filter_option(id.to_string(), l.name.clone(), move || current().lage == Some(id))
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="f-stand">"Stand"</label>
                <select id="f-stand" name="stand" on:change=submit_enclosing_form>
                    {filter_option(String::new(), "Alle".into(), move || current().stand.is_none())}
                    {CoverageCategory::ALL.into_iter().map(|c| {
                        filter_option(c.code().into(), c.label(crate::current_locale()).into(), move || current().stand == Some(c))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-q">"Suche (Name oder OZG-ID)"</label>
                <input id="f-q" type="search" name="q" maxlength="100"
                    value=move || current().q.unwrap_or_default()
                    prop:value=move || current().q.unwrap_or_default()/>
            </div>
            <div class="field field-actions">
                <button type="submit">"Filtern"</button>
                <A href="/leistungen">"Filter zurücksetzen"</A>
            </div>
        </Form>
    }
}

#[component]
fn ServiceTable(page: Page<ServiceSummary>, current: ServiceQuery) -> impl IntoView {
    let href_for = move |n: u32| {
        let q = ServiceQuery {
            page: n,
            ..current.clone()
        }
        .to_query_string();
        format!("/leistungen?{q}")
    };
    let rows = page.items.clone();
    let empty = rows.is_empty();
    view! {
        <div class="table-wrap">
            <table class="services" data-testid="services-table">
                <caption>"OZG-Leistungen"</caption>
                <thead>
                    <tr>
                        <th scope="col">"OZG-ID"</th>
                        <th scope="col">"Leistung"</th>
                        <th scope="col">"Themenfeld · Lage"</th>
                        <th scope="col">"Zuständig"</th>
                        <th scope="col">"Online bei zuständigen Stellen"</th>
                        <th scope="col">"Einwohner abgedeckt"</th>
                        <th scope="col">"Ø Reifegrad"</th>
                        <th scope="col">"Stand"</th>
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! {
                        <tr><td colspan="8">"Keine OZG-Leistung entspricht diesen Filtern."</td></tr>
                    })}
                    {rows.into_iter().map(|s| {
                        let href = format!("/leistungen/{}", s.ozg_id);
                        let category = s.category();
                        let maturity = s.average_maturity().map(|m| format::decimal(m, 1)).unwrap_or_else(|| "–".into());
                        view! {
                            <tr>
                                <td>{s.ozg_id.to_string()}</td>
                                <td><A href=href>{s.name.clone()}</A></td>
                                <td>{s.themenfeld.clone()}<br/><span class="muted">{s.lage.clone()}</span></td>
                                <td>{s.responsibility.label(crate::current_locale())}</td>
                                <td><CoverageBar online=s.records_online applicable=s.records_applicable/></td>
                                <td class="num">{format::percent(s.population_online, s.population_applicable)}</td>
                                <td class="num">{maturity}</td>
                                <td><CategoryBadge category/></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pagination page href_for/>
    }
}
