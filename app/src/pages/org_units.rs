//! Organisationseinheiten: the list (ministries, Landesbehörden, Kreise) and one unit's portfolio.

use super::service::RecordTable;
use crate::api::{get_org_unit, list_org_units};
use crate::components::{loading, CoverageBar, ErrorNotice};
use crate::domain::{OrgUnit, OrgUnitDetail, OrgUnitKind, OrgUnitQuery};
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrgUnitsPage() -> impl IntoView {
    let units = Resource::new(|| (), |_| list_org_units(OrgUnitQuery::default()));
    view! {
        <Title text="Organisationseinheiten"/>
        <h1>"Organisationseinheiten"</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match units.await {
                    Ok(list) => view! {
                        <UnitSection title="Land" kind=OrgUnitKind::Land units=list.clone()/>
                        <UnitSection title="Ressorts (Landesministerien)" kind=OrgUnitKind::Ressort units=list.clone()/>
                        <UnitSection title="Landesbehörden" kind=OrgUnitKind::Landesbehoerde units=list.clone()/>
                        <UnitSection title="Landkreise und kreisfreie Städte" kind=OrgUnitKind::Kreis units=list/>
                        <p>"Die Gemeinden sind auf der Seite ihres Kreises aufgeführt."</p>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn UnitSection(title: &'static str, kind: OrgUnitKind, units: Vec<OrgUnit>) -> impl IntoView {
    let units: Vec<OrgUnit> = units.into_iter().filter(|u| u.kind == kind).collect();
    let heading_id = format!("einheiten-{}", kind.code());
    let labelled_by = heading_id.clone();
    (!units.is_empty()).then(|| view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class="table-wrap">
                <table>
                    <caption>{title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Kennung"</th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Einwohner"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {units.into_iter().map(|u| view! {
                            <tr>
                                <td>{u.code.clone()}</td>
                                <td><A href=format!("/organisationen/{}", u.code)>{u.name}</A></td>
                                <td class="num">{u.population.map(format::int).unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    })
}

#[component]
pub fn OrgUnitPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_org_unit,
    );
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <OrgUnitBody detail=d/> }.into_any(),
                    Err(e) => view! { <Title text="Fehler"/><h1>"Organisationseinheit"</h1><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrgUnitBody(detail: OrgUnitDetail) -> impl IntoView {
    let u = detail.unit.clone();
    let own_records = detail.records;
    let aggregated = detail.gemeinden_coverage;
    let has_children = !detail.children.is_empty();
    let kreis_code = u.code.clone();
    view! {
        <Title text=u.name.clone()/>
        <p class="breadcrumb"><A href="/organisationen">"Organisationseinheiten"</A>
            {u.parent.clone().map(|p| view! { " › "<A href=format!("/organisationen/{}", p.code)>{p.name}</A> })}
        </p>
        <h1>{u.name.clone()}</h1>
        <dl class="facts">
            <dt>"Art"</dt><dd>{u.kind.label(crate::current_locale())}</dd>
            <dt>"Kennung"</dt><dd>{u.code.clone()}</dd>
            {u.ags.clone().map(|a| view! { <dt>"AGS"</dt><dd>{a}</dd> })}
            {u.ars.clone().map(|a| view! { <dt>"ARS"</dt><dd>{a}</dd> })}
            {u.population.map(|p| view! { <dt>"Einwohner (31.12.2019)"</dt><dd>{format::int(p)}</dd> })}
            {u.valid_from.map(|d| view! { <dt>"Gültig ab"</dt><dd>{format::date(d)}</dd> })}
        </dl>
        {(!own_records.is_empty()).then(|| view! {
            <section aria-labelledby="portfolio">
                <h2 id="portfolio">{format!("Zuständig für {} OZG-Leistungen", own_records.len())}</h2>
                <RecordTable records=own_records unit_column=false/>
            </section>
        })}
        {(!aggregated.is_empty()).then(|| view! {
            <section aria-labelledby="gemeinden-portfolio">
                <h2 id="gemeinden-portfolio">"Kommunale OZG-Leistungen in den Gemeinden dieses Kreises"</h2>
                <div class="table-wrap">
                    <table data-testid="gemeinden-coverage">
                        <caption>"Je OZG-Leistung: in wie vielen Gemeinden online"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"OZG-ID"</th>
                                <th scope="col">"Leistung"</th>
                                <th scope="col">"Themenfeld"</th>
                                <th scope="col">"Gemeinden online"</th>
                                <th scope="col">"in Arbeit"</th>
                                <th scope="col">"Je Gemeinde"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {aggregated.into_iter().map(|p| {
                                let bulk_href = format!("/sammelbearbeitung?leistung={}&einheit={}", p.ozg_id, kreis_code);
                                let bulk_label = format!(" – {}", p.service_name);
                                view! {
                                <tr>
                                    <td>{p.ozg_id.to_string()}</td>
                                    <td><A href=format!("/leistungen/{}", p.ozg_id)>{p.service_name.clone()}</A></td>
                                    <td>{p.themenfeld}</td>
                                    <td><CoverageBar online=p.records_online applicable=p.records_applicable/></td>
                                    <td class="num">{format::int(p.records_in_progress)}</td>
                                    <td><A href=bulk_href>"ansehen / bearbeiten"<span class="visually-hidden">{bulk_label}</span></A></td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
        {has_children.then(|| view! {
            <section aria-labelledby="untergeordnet">
                <h2 id="untergeordnet">{format!("Untergeordnete Einheiten ({})", detail.children.len())}</h2>
                <ul class="columns">
                    {detail.children.into_iter().map(|c| view! {
                        <li><A href=format!("/organisationen/{}", c.code)>{c.name}</A></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
