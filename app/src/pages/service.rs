//! Leistung: one OZG-Leistung, its LeiKa-Leistungen and its status per responsible unit.

use crate::api::get_service;
use crate::components::{
    loading, CategoryBadge, CoverageBar, Downloads, ErrorNotice, ForEditors, PageTitle, Pagination,
};
use crate::current_locale;
use crate::domain::{RecordView, ServiceDetail};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let key = move || {
        let id = params
            .try_with(|p| p.get("ozg_id").unwrap_or_default())
            .unwrap_or_default();
        let page = query
            .try_with(|q| q.get_str("seite").and_then(|p| p.parse::<u32>().ok()))
            .flatten()
            .unwrap_or(1);
        let unit = query
            .try_with(|q| q.get("einheit").filter(|u| !u.trim().is_empty()))
            .flatten();
        (id, page, unit)
    };
    let detail = Resource::new(key, |(id, page, unit)| get_service(id, page, unit));
    let l = current_locale();
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                let unit = query
                    .try_with(|q| q.get("einheit").filter(|u| !u.trim().is_empty()))
                    .flatten();
                match detail.await {
                    Ok(d) => view! { <ServiceBody detail=d unit=unit/> }.into_any(),
                    Err(e) => view! { <PageTitle text=td_string!(l, service.error_title)/><h1>{td_string!(l, service.heading_fallback)}</h1><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServiceBody(detail: ServiceDetail, unit: Option<String>) -> impl IntoView {
    let s = detail.summary.clone();
    let ozg_id = s.ozg_id;
    let title = format!("{} ({})", s.name, s.ozg_id);
    let unit_query = unit
        .as_deref()
        .map(|u| format!("&einheit={}", crate::domain::urlencode(u)))
        .unwrap_or_default();
    let href_for = move |n: u32| format!("/leistungen/{ozg_id}?seite={n}{unit_query}");
    let l = current_locale();
    view! {
        <PageTitle text=title.clone()/>
        <p class="breadcrumb"><A href="/leistungen">{td_string!(l, service.catalogue)}</A>" › "{s.themenfeld.clone()}</p>
        <h1>{s.name.clone()}</h1>
        <dl class="facts">
            <dt>{td_string!(l, service.fact_ozg_id)}</dt><dd>{s.ozg_id.to_string()}</dd>
            <dt>{td_string!(l, service.fact_themenfeld)}</dt><dd>{s.themenfeld.clone()}</dd>
            <dt>{td_string!(l, service.fact_lage)}</dt><dd>{s.lage.clone()}</dd>
            <dt>{td_string!(l, service.fact_leika_types)}</dt><dd>{s.leika_types.clone()}</dd>
            <dt>{td_string!(l, service.fact_responsible)}</dt>
            <dd>
                {s.responsibility.label(l)}
                {detail.lead_unit.clone().map(|u| view! { " – "<A href=format!("/organisationen/{}", u.code)>{u.name}</A> })}
            </dd>
            <dt>{td_string!(l, service.fact_state)}</dt><dd><CategoryBadge category=s.category()/></dd>
            <dt>{td_string!(l, service.fact_online)}</dt>
            <dd><CoverageBar online=s.records_online applicable=s.records_applicable/></dd>
            <dt>{td_string!(l, service.fact_population)}</dt>
            <dd>{td_string!(l, service.population_of, online = format::int(s.population_online),
                applicable = format::int(s.population_applicable),
                percent = format::percent(s.population_online, s.population_applicable)).to_string()}</dd>
            {(!s.active).then(|| view! { <dt>{td_string!(l, service.fact_note)}</dt><dd>{td_string!(l, service.inactive)}</dd> })}
        </dl>

        <section aria-labelledby="umsetzung">
            <h2 id="umsetzung">{td_string!(l, service.records_heading)}</h2>
            <ForEditors>
                <p><A href=format!("/sammelbearbeitung?leistung={ozg_id}")>{td_string!(l, service.bulk_link)}</A></p>
            </ForEditors>
            <Downloads query=format!("ozg_id={ozg_id}")/>
            // finding one's own record among hundreds of units: a plain GET form, so it works
            // without JavaScript and the filter is in the address
            <form method="get" action=format!("/leistungen/{ozg_id}") class="filter-form" role="search"
                aria-label=td_string!(l, service.unit_filter_label)>
                <label for="einheit">{td_string!(l, service.unit_filter)}</label>
                <input id="einheit" name="einheit" type="search" maxlength="100" value=unit.clone().unwrap_or_default()/>
                <button type="submit">{td_string!(l, service.unit_filter_apply)}</button>
                {unit.is_some().then(|| view! {
                    " "<A href=format!("/leistungen/{ozg_id}")>{td_string!(l, service.unit_filter_all)}</A>
                })}
            </form>
            <RecordTable records=detail.records.items.clone() unit_column=true/>
            <Pagination page=detail.records.clone() href_for/>
        </section>

        <section aria-labelledby="leika">
            <h2 id="leika">{td_string!(l, service.leika_heading, count = detail.leika.len()).to_string()}</h2>
            <div class="table-wrap">
                <table>
                    <caption>{td_string!(l, service.leika_caption)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, service.col_key)}</th>
                            <th scope="col">{td_string!(l, service.col_name)}</th>
                            <th scope="col">{td_string!(l, service.col_leika_type)}</th>
                            <th scope="col">{td_string!(l, service.col_sdg)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {detail.leika.into_iter().map(|leika| view! {
                            <tr>
                                <td>{leika.key.unwrap_or_else(|| td_string!(l, service.not_in_leika).into())}</td>
                                <td>{leika.name}</td>
                                <td>{leika.leika_type}</td>
                                <td>{if leika.sdg_relevant { td_string!(l, service.yes) } else { td_string!(l, service.no) }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Records as a table; `unit_column` shows the unit (on a service page) or else the service.
#[component]
pub fn RecordTable(records: Vec<RecordView>, unit_column: bool) -> impl IntoView {
    let empty = records.is_empty();
    let l = current_locale();
    view! {
        <div class="table-wrap">
            <table class="records">
                <caption>{td_string!(l, service.records_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{if unit_column { td_string!(l, service.col_unit) } else { td_string!(l, service.col_service) }}</th>
                        <th scope="col">{td_string!(l, service.col_status)}</th>
                        <th scope="col">{td_string!(l, service.col_maturity)}</th>
                        <th scope="col">{td_string!(l, service.col_planned)}</th>
                        <th scope="col">{td_string!(l, service.col_actual)}</th>
                        <th scope="col">{td_string!(l, service.col_url)}</th>
                        <th scope="col">{td_string!(l, service.col_updated)}</th>
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! { <tr><td colspan="7">{td_string!(l, service.no_records)}</td></tr> })}
                    {records.into_iter().map(|r| {
                        let first = if unit_column {
                            view! { <A href=format!("/organisationen/{}", r.org_unit_code)>{r.org_unit_name.clone()}</A> }.into_any()
                        } else {
                            view! { <A href=format!("/leistungen/{}", r.ozg_id)>{r.service_name.clone()}</A> }.into_any()
                        };
                        view! {
                            <tr>
                                <td>{first}</td>
                                <td>
                                    <A href=format!("/umsetzungsstaende/{}", r.id) attr:class=format!("status status-{}", r.phase.code())
                                        attr:title=td_string!(l, service.record_link_title)>{r.status_label.clone()}</A>
                                    {r.closed_on.map(|d| view! {
                                        <br/><span class="muted" data-testid="closed-record">
                                            {td_string!(l, service.no_longer_responsible, date = format::date(d)).to_string()}
                                        </span>
                                    })}
                                </td>
                                <td>{r.maturity.map_or_else(|| "–".into(), |m| format!("{m} – {}", r.maturity_label.clone().unwrap_or_default()))}</td>
                                <td>{r.planned_go_live.map_or_else(|| "–".into(), format::date)}</td>
                                <td>{r.actual_go_live.map_or_else(|| "–".into(), format::date)}</td>
                                <td>{r.online_url.clone().map(|u| view! { <a href=u.clone() rel="noopener noreferrer">{td_string!(l, service.to_offer)}</a> })}</td>
                                <td>{format::datetime_date(r.updated_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
