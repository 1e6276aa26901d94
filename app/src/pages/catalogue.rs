//! Leistungskatalog: the OZG-Leistungen filtered by Themenfeld, Lage, Stand and text, paginated.
//! The filter is a GET form, so it works without JavaScript; once hydrated, changing a field
//! submits the form through the router and only the table is re-rendered.

use crate::api::{get_filter_options, list_services};
use crate::components::{
    filter_option, loading, submit_enclosing_form, without_nameless_fields, CategoryBadge,
    CoverageBar, ErrorNotice, PageTitle, Pagination,
};
use crate::current_locale;
use crate::domain::{
    CoverageCategory, FilterError, FilterOptions, LageId, Page, Param, ServiceQuery,
    ServiceSummary, ThemenfeldId,
};
use crate::error::AppError;
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CataloguePage() -> impl IntoView {
    let params = use_query_map();
    let l = current_locale();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let query = Memo::new(move |_| {
        params
            .try_with(|map| {
                ServiceQuery::from_params(|key| map.get_str(key))
                    .map_err(|errors| FilterError::messages(&errors, l))
            })
            .unwrap_or_else(|| Err(Vec::new()))
    });
    let options = Resource::new(|| (), |()| get_filter_options());
    let services = Resource::new(
        move || query.try_get().unwrap_or_else(|| Err(Vec::new())),
        |query| async move {
            match query {
                Ok(q) => list_services(q).await,
                Err(errors) => Err(AppError::BadRequest(errors)),
            }
        },
    );

    view! {
        <PageTitle text=td_string!(l, catalogue.title)/>
        <h1>{td_string!(l, catalogue.title)}</h1>
        <p class="lead">{td_string!(l, catalogue.lead)}</p>
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

/// The filter form. It is rendered once and follows the URL (back/forward, links), so focus
/// stays in the field a keyboard user just changed.
#[component]
fn FilterForm(
    options: FilterOptions,
    query: Memo<Result<ServiceQuery, Vec<String>>>,
) -> impl IntoView {
    let current = move || query.get().unwrap_or_default();
    let lagen = options.lagen;
    let l = current_locale();
    view! {
        <Form method="GET" action="/leistungen" on_form_data=without_nameless_fields() attr:class="filters" attr:role="search" attr:aria-label=td_string!(l, catalogue.filter_label)>
            <div class="field">
                <label for="f-themenfeld">{td_string!(l, catalogue.themenfeld)}</label>
                <select id="f-themenfeld" name=Param::Themenfeld.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all_themenfelder).into(), move || current().services.themenfeld.is_none())}
                    {options.themenfelder.into_iter().map(|t| {
                        filter_option(t.id.to_string(), t.name, move || current().services.themenfeld == Some(ThemenfeldId(t.id)))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-lage">{td_string!(l, catalogue.lage)}</label>
                <select id="f-lage" name=Param::Lage.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all_lagen).into(), move || current().services.lage.is_none())}
                    // only the Lagen of the chosen Themenfeld
                    {move || {
                        let themenfeld = current().services.themenfeld;
                        lagen.iter()
                            .filter(|lage| themenfeld.is_none_or(|t| lage.themenfeld_id == t.0))
                            .map(|lage| {
                                let id = lage.id;
                                filter_option(id.to_string(), lage.name.clone(), move || current().services.lage == Some(LageId(id)))
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field">
                <label for="f-stand">{td_string!(l, catalogue.stand)}</label>
                <select id="f-stand" name=Param::Stand.name() on:change=submit_enclosing_form>
                    {filter_option(String::new(), td_string!(l, catalogue.all).into(), move || current().stand.is_none())}
                    {CoverageCategory::ALL.into_iter().map(|c| {
                        filter_option(c.code().into(), c.label(l).into(), move || current().stand == Some(c))
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="f-q">{td_string!(l, catalogue.search)}</label>
                <input id="f-q" type="search" name=Param::Q.name() maxlength=ServiceQuery::MAX_SEARCH_LEN
                    value=move || current().q.unwrap_or_default()
                    prop:value=move || current().q.unwrap_or_default()/>
            </div>
            // filters the dashboard's drill-down links carry, kept when another field changes
            {move || current().services.hidden_fields(&[Param::Themenfeld, Param::Lage]).into_iter().map(|(name, value)| {
                view! { <input type="hidden" name=name value=value/> }
            }).collect_view()}
            <div class="field field-actions">
                <button type="submit">{td_string!(l, catalogue.filter)}</button>
                <A href="/leistungen">{td_string!(l, catalogue.reset)}</A>
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
    let l = current_locale();
    view! {
        <div class="table-wrap">
            <table class="services" data-testid="services-table">
                <caption>{td_string!(l, catalogue.caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(l, catalogue.col_ozg_id)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_service)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_themenfeld_lage)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_responsible)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_online)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_population)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_maturity)}</th>
                        <th scope="col">{td_string!(l, catalogue.col_state)}</th>
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! {
                        <tr><td colspan="8">{td_string!(l, catalogue.empty)}</td></tr>
                    })}
                    {rows.into_iter().map(|s| {
                        let href = format!("/leistungen/{}", s.ozg_id);
                        let category = s.category();
                        let maturity = s.average_maturity().map_or_else(|| "–".into(), |m| format::decimal(m, 1));
                        view! {
                            <tr>
                                <td>{s.ozg_id.to_string()}</td>
                                <td>
                                    <A href=href>{s.name.clone()}</A>
                                    {(!s.active).then(|| view! { <br/><span class="muted">{td_string!(l, catalogue.inactive)}</span> })}
                                </td>
                                <td>{s.themenfeld.clone()}<br/><span class="muted">{s.lage.clone()}</span></td>
                                <td>{s.responsibility.label(l)}</td>
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
