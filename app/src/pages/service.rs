//! Leistung: one OZG-Leistung, its LeiKa-Leistungen and its status per responsible unit.

use crate::api::get_service;
use crate::components::{loading, CategoryBadge, CoverageBar, ErrorNotice, Pagination};
use crate::domain::{RecordView, ServiceDetail};
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let key = move || {
        let id = params.read().get("ozg_id").unwrap_or_default();
        let page = query
            .read()
            .get_str("seite")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1);
        (id, page)
    };
    let detail = Resource::new(key, |(id, page)| get_service(id, page));
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <ServiceBody detail=d/> }.into_any(),
                    Err(e) => view! { <Title text="Fehler"/><h1>"OZG-Leistung"</h1><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ServiceBody(detail: ServiceDetail) -> impl IntoView {
    let s = detail.summary.clone();
    let ozg_id = s.ozg_id;
    let title = format!("{} ({})", s.name, s.ozg_id);
    let href_for = move |n: u32| format!("/leistungen/{ozg_id}?seite={n}");
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><A href="/leistungen">"Leistungskatalog"</A>" › "{s.themenfeld.clone()}</p>
        <h1>{s.name.clone()}</h1>
        <dl class="facts">
            <dt>"OZG-ID"</dt><dd>{s.ozg_id.to_string()}</dd>
            <dt>"Themenfeld"</dt><dd>{s.themenfeld.clone()}</dd>
            <dt>"Lebens-/Unternehmenslage"</dt><dd>{s.lage.clone()}</dd>
            <dt>"LeiKa-Typen"</dt><dd>{s.leika_types.clone()}</dd>
            <dt>"Zuständig"</dt>
            <dd>
                {s.responsibility.label(crate::current_locale())}
                {detail.lead_unit.clone().map(|u| view! { " – "<A href=format!("/organisationen/{}", u.code)>{u.name}</A> })}
            </dd>
            <dt>"Stand"</dt><dd><CategoryBadge category=s.category()/></dd>
            <dt>"Online bei zuständigen Stellen"</dt>
            <dd><CoverageBar online=s.records_online applicable=s.records_applicable/></dd>
            <dt>"Einwohner abgedeckt"</dt>
            <dd>{format!("{} von {} ({})", format::int(s.population_online), format::int(s.population_applicable),
                format::percent(s.population_online, s.population_applicable))}</dd>
            {(!s.active).then(|| view! { <dt>"Hinweis"</dt><dd>"Diese Leistung ist nicht mehr im aktuellen Katalog."</dd> })}
        </dl>

        <section aria-labelledby="umsetzung">
            <h2 id="umsetzung">"Umsetzungsstand je zuständiger Stelle"</h2>
            <p><A href=format!("/sammelbearbeitung?leistung={ozg_id}")>"Mehrere Stellen auf einmal bearbeiten (Sammelbearbeitung)"</A></p>
            <RecordTable records=detail.records.items.clone() unit_column=true/>
            <Pagination page=detail.records.clone() href_for/>
        </section>

        <section aria-labelledby="leika">
            <h2 id="leika">{format!("LeiKa-Leistungen ({})", detail.leika.len())}</h2>
            <div class="table-wrap">
                <table>
                    <caption>"Leistungen des Leistungskatalogs (LeiKa), die diese OZG-Leistung bündelt"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Leistungsschlüssel"</th>
                            <th scope="col">"Bezeichnung"</th>
                            <th scope="col">"LeiKa-Typ"</th>
                            <th scope="col">"SDG-relevant"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {detail.leika.into_iter().map(|l| view! {
                            <tr>
                                <td>{l.key.unwrap_or_else(|| "nicht im LeiKa".into())}</td>
                                <td>{l.name}</td>
                                <td>{l.leika_type}</td>
                                <td>{if l.sdg_relevant { "ja" } else { "nein" }}</td>
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
    view! {
        <div class="table-wrap">
            <table class="records">
                <caption>"Umsetzungsstände"</caption>
                <thead>
                    <tr>
                        <th scope="col">{if unit_column { "Zuständige Stelle" } else { "OZG-Leistung" }}</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Reifegrad"</th>
                        <th scope="col">"Geplanter Start"</th>
                        <th scope="col">"Online seit"</th>
                        <th scope="col">"Online-Angebot"</th>
                        <th scope="col">"Zuletzt geändert"</th>
                    </tr>
                </thead>
                <tbody>
                    {empty.then(|| view! { <tr><td colspan="7">"Keine Umsetzungsstände."</td></tr> })}
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
                                        attr:title="Details, Historie und Bearbeitung">{r.status_label.clone()}</A>
                                </td>
                                <td>{r.maturity.map(|m| format!("{m} – {}", r.maturity_label.clone().unwrap_or_default())).unwrap_or_else(|| "–".into())}</td>
                                <td>{r.planned_go_live.map(format::date).unwrap_or_else(|| "–".into())}</td>
                                <td>{r.actual_go_live.map(format::date).unwrap_or_else(|| "–".into())}</td>
                                <td>{r.online_url.clone().map(|u| view! { <a href=u.clone() rel="noopener noreferrer">"Zum Angebot"</a> })}</td>
                                <td>{format::datetime_date(r.updated_at)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
