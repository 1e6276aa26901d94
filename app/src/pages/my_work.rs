//! Meine Aufgaben: where a coordinator lands after signing in. For each of their units (a
//! Kreis with its Gemeinden): what is overdue, what waits for an update, what changed lately —
//! each record one click from its edit form.

use crate::api::get_my_work;
use crate::components::{loading, ErrorNotice, PageTitle};
use crate::current_locale;
use crate::domain::{ChangeEntry, MyWork, RecordDetail, UnitWork};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn MyWorkPage() -> impl IntoView {
    let work = Resource::new(|| (), |()| get_my_work());
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, my_work.title)/>
        <h1>{td_string!(l, my_work.title)}</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match work.await {
                    Ok(work) => view! { <MyWorkBody work=work/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MyWorkBody(work: MyWork) -> impl IntoView {
    let l = current_locale();
    let approvals = work.approvals.clone().map(|requests| view! {
        <section aria-labelledby="freigaben" class="my-work">
            <h2 id="freigaben">{td_string!(l, my_work.approvals_heading, count = format::int(requests.total)).to_string()}</h2>
            <p class="muted">{td_string!(l, my_work.approvals_lead)}</p>
            <WorkTable records=requests.items empty=td_string!(l, my_work.approvals_none) planned_first=false/>
        </section>
    });
    let unapproved = work.unapproved.clone().filter(|r| r.total > 0).map(|records| view! {
        <section aria-labelledby="ohne-freigabe" class="my-work">
            <h2 id="ohne-freigabe">{td_string!(l, my_work.unapproved_heading, count = format::int(records.total)).to_string()}</h2>
            <p class="muted">{td_string!(l, my_work.unapproved_lead)}</p>
            <WorkTable records=records.items empty=td_string!(l, my_work.approvals_none) planned_first=false/>
        </section>
    });
    view! { {approvals} {unapproved} <UnitsWork work=work/> }.into_any()
}

#[component]
fn UnitsWork(work: MyWork) -> impl IntoView {
    let l = current_locale();
    if work.units.is_empty() {
        if work.approvals.is_some() {
            return ().into_any();
        }
        return view! {
            <p class="notice">{td_string!(l, my_work.no_units)}" "
                <A href="/">{td_string!(l, my_work.to_dashboard)}</A></p>
        }
        .into_any();
    }
    let (stale_days, changes_days) = (work.stale_days, work.changes_days);
    work.units
        .into_iter()
        .map(|unit| view! { <UnitSection work=unit stale_days=stale_days changes_days=changes_days/> })
        .collect_view()
        .into_any()
}

#[component]
fn UnitSection(work: UnitWork, stale_days: i64, changes_days: i64) -> impl IntoView {
    let l = current_locale();
    let code = work.unit.code.clone();
    let heading_id = format!("einheit-{code}");
    let labelled_by = heading_id.clone();
    let since = (chrono::Utc::now().date_naive() - chrono::Duration::days(changes_days))
        .format("%Y-%m-%d")
        .to_string();
    view! {
        <section aria-labelledby=labelled_by class="my-work">
            <h2 id=heading_id>
                <A href=format!("/organisationen/{code}")>{work.unit.name.clone()}</A>
            </h2>
            <p class="quick-links">
                <A href=format!("/sammelbearbeitung?einheit={code}")>{td_string!(l, my_work.bulk)}</A>" · "
                <a href=format!("/api/v1/records.csv?org_unit={code}") download rel="external">{td_string!(l, my_work.export_csv)}</a>" · "
                <a href=format!("/api/v1/records.xlsx?org_unit={code}") download rel="external">{td_string!(l, my_work.export_xlsx)}</a>" · "
                <A href="/statusimport">{td_string!(l, my_work.import)}</A>
            </p>
            <h3>{td_string!(l, my_work.overdue_heading, count = format::int(work.overdue.total)).to_string()}</h3>
            <WorkTable records=work.overdue.items empty=td_string!(l, my_work.overdue_none) planned_first=true/>
            <h3>{td_string!(l, my_work.stale_heading, count = format::int(work.stale.total), days = stale_days).to_string()}</h3>
            <WorkTable records=work.stale.items empty=td_string!(l, my_work.stale_none) planned_first=false/>
            <h3>{td_string!(l, my_work.unproven_heading, count = format::int(work.unproven.total)).to_string()}</h3>
            <WorkTable records=work.unproven.items empty=td_string!(l, my_work.unproven_none) planned_first=false/>
            <h3>{td_string!(l, my_work.changes_heading, count = format::int(work.changes.total), days = changes_days).to_string()}</h3>
            <ChangeList changes=work.changes.items/>
            {(work.changes.total > 0).then(|| view! {
                <p><A href=format!("/aenderungen?seit={since}&einheit={code}")>{td_string!(l, my_work.all_changes)}</A></p>
            })}
        </section>
    }
}

/// Records with the date that matters first (planned go-live, or last update), each linked to
/// its edit form.
#[component]
fn WorkTable(
    records: Vec<RecordDetail>,
    empty: &'static str,
    planned_first: bool,
) -> impl IntoView {
    let l = current_locale();
    if records.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="records">
                <thead>
                    <tr>
                        <th scope="col">{if planned_first { td_string!(l, my_work.col_planned) } else { td_string!(l, my_work.col_updated) }}</th>
                        <th scope="col">{td_string!(l, my_work.col_service)}</th>
                        <th scope="col">{td_string!(l, my_work.col_unit)}</th>
                        <th scope="col">{td_string!(l, my_work.col_status)}</th>
                    </tr>
                </thead>
                <tbody>
                    {records.into_iter().map(|r| {
                        let when = if planned_first {
                            r.planned_go_live.map_or_else(|| "–".into(), format::date)
                        } else {
                            format::datetime_date(r.updated_at)
                        };
                        view! {
                            <tr>
                                <td>{when}</td>
                                <td><A href=format!("/umsetzungsstaende/{}", r.id)>{r.service_name.clone()}</A></td>
                                <td>{r.org_unit_name.clone()}</td>
                                <td><span class=format!("status status-{}", r.phase.code())>{r.status_label.clone()}</span></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ChangeList(changes: Vec<ChangeEntry>) -> impl IntoView {
    let l = current_locale();
    if changes.is_empty() {
        return view! { <p class="muted">{td_string!(l, my_work.changes_none)}</p> }.into_any();
    }
    view! {
        <ul class="change-list">
            {changes.into_iter().map(|c| view! {
                <li>
                    <time datetime=c.entry.occurred_at.to_rfc3339()>{format::datetime(c.entry.occurred_at)}</time>" · "
                    <A href=format!("/umsetzungsstaende/{}", c.entry.record_id)>{format!("{} – {}", c.service_name, c.org_unit_name)}</A>
                    " · "<span class="actor">{c.entry.actor.clone()}</span>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}
