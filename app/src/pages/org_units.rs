//! Organisationseinheiten: the list (ministries, Landesbehörden, Kreise) and one unit's portfolio.

use super::service::RecordTable;
use crate::api::{get_org_unit, list_org_units};
use crate::components::{loading, CoverageBar, Downloads, ErrorNotice, ForEditors, PageTitle};
use crate::current_locale;
use crate::domain::{OrgUnit, OrgUnitDetail, OrgUnitKind, OrgUnitQuery};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrgUnitsPage() -> impl IntoView {
    let units = Resource::new(|| (), |()| list_org_units(OrgUnitQuery::default()));
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, org_units.title)/>
        <h1>{td_string!(l, org_units.title)}</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match units.await {
                    Ok(list) => view! {
                        <UnitSection title=td_string!(l, org_units.section_land) kind=OrgUnitKind::Land units=list.clone()/>
                        <UnitSection title=td_string!(l, org_units.section_ressorts) kind=OrgUnitKind::Ressort units=list.clone()/>
                        <UnitSection title=td_string!(l, org_units.section_authorities) kind=OrgUnitKind::Landesbehoerde units=list.clone()/>
                        <UnitSection title=td_string!(l, org_units.section_kreise) kind=OrgUnitKind::Kreis units=list/>
                        <p>{td_string!(l, org_units.gemeinden_hint)}</p>
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
    let l = current_locale();
    (!units.is_empty()).then(|| view! {
        <section aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <div class="table-wrap">
                <table>
                    <caption>{title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(l, org_units.col_code)}</th>
                            <th scope="col">{td_string!(l, org_units.col_name)}</th>
                            <th scope="col">{td_string!(l, org_units.col_population)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {units.into_iter().map(|u| view! {
                            <tr>
                                <td>{u.code.clone()}</td>
                                <td><A href=format!("/organisationen/{}", u.code)>{u.name}</A></td>
                                <td class="num">{u.population.map_or_else(|| "–".into(), format::int)}</td>
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
        move || {
            params
                .try_with(|p| p.get("code").unwrap_or_default())
                .unwrap_or_default()
        },
        get_org_unit,
    );
    let l = current_locale();
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <OrgUnitBody detail=d/> }.into_any(),
                    Err(e) => view! { <PageTitle text=td_string!(l, org_units.error_title)/><h1>{td_string!(l, org_units.title)}</h1><ErrorNotice error=e/> }.into_any(),
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
    let predecessors = detail.predecessors;
    let kreis_code = u.code.clone();
    let l = current_locale();
    view! {
        <PageTitle text=u.name.clone()/>
        <p class="breadcrumb"><A href="/organisationen">{td_string!(l, org_units.title)}</A>
            {u.parent.clone().map(|p| view! { " › "<A href=format!("/organisationen/{}", p.code)>{p.name}</A> })}
        </p>
        <h1>{u.name.clone()}</h1>
        {match u.valid_to {
            // a dissolved unit's records are in no list or export of today: no downloads
            Some(end) => view! {
                <div class="notice" role="note" data-testid="dissolved">
                    <p>{td_string!(l, org_units.dissolved, date = format::date(end)).to_string()}</p>
                    {detail.successor.clone().map(|s| view! {
                        <p>{td_string!(l, org_units.dissolved_into)}" "
                            <A href=format!("/organisationen/{}", s.code)>{s.name}</A></p>
                    })}
                </div>
            }.into_any(),
            None => view! { <Downloads query=export_query(&u) report=report_link(&u)/> }.into_any(),
        }}
        <dl class="facts">
            <dt>{td_string!(l, org_units.fact_kind)}</dt><dd>{u.kind.label(l)}</dd>
            <dt>{td_string!(l, org_units.col_code)}</dt><dd>{u.code.clone()}</dd>
            {u.ags.clone().map(|a| view! { <dt>"AGS"</dt><dd>{a}</dd> })}
            {u.ars.clone().map(|a| view! { <dt>"ARS"</dt><dd>{a}</dd> })}
            {u.population.map(|p| view! { <dt>{td_string!(l, org_units.fact_population)}</dt><dd>{format::int(p)}</dd> })}
            {u.valid_from.map(|d| view! { <dt>{td_string!(l, org_units.fact_valid_from)}</dt><dd>{format::date(d)}</dd> })}
            {u.valid_to.map(|d| view! { <dt>{td_string!(l, org_units.fact_valid_to)}</dt><dd>{format::date(d)}</dd> })}
            {(!predecessors.is_empty()).then(|| view! {
                <dt>{td_string!(l, org_units.fact_predecessors)}</dt>
                <dd>
                    {predecessors.into_iter().enumerate().map(|(i, p)| view! {
                        {(i > 0).then_some(", ")}
                        <A href=format!("/organisationen/{}", p.code)>{p.name}</A>
                    }).collect_view()}
                </dd>
            })}
        </dl>
        {(!own_records.is_empty()).then(|| view! {
            <section aria-labelledby="portfolio">
                <h2 id="portfolio">{match own_records.len() {
                    1 => td_string!(l, org_units.responsible_for_single).to_string(),
                    n => td_string!(l, org_units.responsible_for, count = n).to_string(),
                }}</h2>
                <RecordTable records=own_records unit_column=false/>
            </section>
        })}
        {(!aggregated.is_empty()).then(|| view! {
            <section aria-labelledby="gemeinden-portfolio">
                <h2 id="gemeinden-portfolio">{td_string!(l, org_units.gemeinden_heading)}</h2>
                <div class="table-wrap">
                    <table data-testid="gemeinden-coverage">
                        <caption>{td_string!(l, org_units.gemeinden_caption)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{td_string!(l, org_units.col_ozg_id)}</th>
                                <th scope="col">{td_string!(l, org_units.col_service)}</th>
                                <th scope="col">{td_string!(l, org_units.col_themenfeld)}</th>
                                <th scope="col">{td_string!(l, org_units.col_online)}</th>
                                <th scope="col">{td_string!(l, org_units.col_in_progress)}</th>
                                <th scope="col">{td_string!(l, org_units.col_per_gemeinde)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {aggregated.into_iter().map(|p| {
                                // the records of this service in the Kreis and its Gemeinden,
                                // each linked to its page; changing many at once for editors
                                let records_href = format!("/leistungen/{}?einheit={}", p.ozg_id, kreis_code);
                                let bulk_href = format!("/sammelbearbeitung?leistung={}&einheit={}", p.ozg_id, kreis_code);
                                let label = format!(" – {}", p.service_name);
                                let bulk_label = label.clone();
                                view! {
                                <tr>
                                    <td>{p.ozg_id.to_string()}</td>
                                    <td><A href=format!("/leistungen/{}", p.ozg_id)>{p.service_name.clone()}</A></td>
                                    <td>{p.themenfeld}</td>
                                    <td><CoverageBar online=p.records_online applicable=p.records_applicable/></td>
                                    <td class="num">{format::int(p.records_in_progress)}</td>
                                    <td>
                                        <A href=records_href>{td_string!(l, org_units.view_records)}<span class="visually-hidden">{label}</span></A>
                                        <ForEditors>
                                            {
                                                let (href, label) = (bulk_href.clone(), bulk_label.clone());
                                                view! { " · "<A href=href>{td_string!(l, org_units.bulk_edit)}<span class="visually-hidden">{label}</span></A> }
                                            }
                                        </ForEditors>
                                    </td>
                                </tr>
                            }}).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        })}
        {has_children.then(|| view! {
            <section aria-labelledby="untergeordnet">
                <h2 id="untergeordnet">{td_string!(l, org_units.children, count = detail.children.len()).to_string()}</h2>
                <ul class="columns">
                    {detail.children.into_iter().map(|c| view! {
                        <li><A href=format!("/organisationen/{}", c.code)>{c.name}</A></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// The records an org unit's downloads hold: a ministry's portfolio is the services it leads
/// (in every unit), the Land's is everything, any other unit's its own and its children's.
/// The unit's PDF report: the Land's, a Ressort's or a Kreis's (a Gemeinde has none).
fn report_link(unit: &OrgUnit) -> Option<String> {
    let code = match unit.kind {
        OrgUnitKind::Land => "land".to_owned(),
        OrgUnitKind::Ressort | OrgUnitKind::Kreis => crate::domain::urlencode(&unit.code),
        OrgUnitKind::Landesbehoerde | OrgUnitKind::Verband | OrgUnitKind::Gemeinde => return None,
    };
    Some(format!("/api/v1/reports/{code}.pdf"))
}

fn export_query(unit: &OrgUnit) -> String {
    let code = crate::domain::urlencode(&unit.code);
    match unit.kind {
        OrgUnitKind::Land => String::new(),
        OrgUnitKind::Ressort => format!("ressort={code}"),
        _ => format!("org_unit={code}"),
    }
}
