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
                let current = query.get_untracked().unwrap_or_default();
                options.await.map(|o| view! { <FilterForm options=o current/> })
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

#[component]
fn FilterForm(options: FilterOptions, current: ServiceQuery) -> impl IntoView {
    let selected_tf = current.themenfeld;
    let lagen: Vec<_> = options
        .lagen
        .iter()
        .filter(|l| selected_tf.is_none_or(|t| l.themenfeld_id == t))
        .cloned()
        .collect();
    view! {
        <Form method="GET" action="/leistungen" attr:class="filters" attr:role="search" attr:aria-label="Leistungen filtern">
            <div class="field">
                <label for="f-themenfeld">"Themenfeld"</label>
                <select id="f-themenfeld" name="themenfeld" on:change=submit_enclosing_form>
                    <option value="" selected=selected_tf.is_none()>"Alle Themenfelder"</option>
                    {options.themenfelder.into_iter().map(|t| view! {
                        <option value=t.id.to_string() selected=selected_tf == Some(t.id)>{t.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-lage">"Lebens-/Unternehmenslage"</label>
                <select id="f-lage" name="lage" on:change=submit_enclosing_form>
                    <option value="" selected=current.lage.is_none()>"Alle Lagen"</option>
                    {lagen.into_iter().map(|l| view! {
                        <option value=l.id.to_string() selected=current.lage == Some(l.id)>{l.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-stand">"Stand"</label>
                <select id="f-stand" name="stand" on:change=submit_enclosing_form>
                    <option value="" selected=current.stand.is_none()>"Alle"</option>
                    {CoverageCategory::ALL.into_iter().map(|c| view! {
                        <option value=c.code() selected=current.stand == Some(c)>{c.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-q">"Suche (Name oder OZG-ID)"</label>
                <input id="f-q" type="search" name="q" maxlength="100" value=current.q.clone().unwrap_or_default()/>
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
                                <td>{s.responsibility.label()}</td>
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
