//! Sammelbearbeitung: pick records (one service in every Gemeinde of a Kreis, or many services
//! of one unit) and set status, Reifegrad or planned start in one action. The server checks
//! each record (permission, status transition) and reports what it changed and refused.

use crate::api::{get_bulk_selection, BulkUpdate};
use crate::components::{loading, use_hydrated, ErrorNotice, NeedsJavaScript, PageTitle};
use crate::current_locale;
use crate::domain::{parse_date, BulkItem, BulkQuery, BulkRequest, BulkSelection, BulkSummary};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeSet;

#[component]
pub fn BulkPage() -> impl IntoView {
    let query = use_query_map();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let selection_query = move || {
        query
            .try_with(|q| BulkQuery {
                ozg_id: q.get("leistung").filter(|s| !s.is_empty()),
                org_unit: q.get("einheit").filter(|s| !s.is_empty()),
                status: q.get("status").filter(|s| !s.is_empty()),
                page: q.get("seite").and_then(|s| s.parse().ok()).unwrap_or(1),
            })
            .unwrap_or_default()
    };
    let apply = ServerAction::<BulkUpdate>::new();
    let selection = Resource::new(
        move || {
            (
                selection_query(),
                apply.version().try_get().unwrap_or_default(),
            )
        },
        |(q, _)| async move {
            if q.ozg_id.is_none() && q.org_unit.is_none() {
                Ok(None)
            } else {
                get_bulk_selection(q).await.map(Some)
            }
        },
    );
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, bulk.title)/>
        <h1>{td_string!(l, bulk.title)}</h1>
        <p class="lead">{td_string!(l, bulk.lead)}</p>
        <form method="get" action="/sammelbearbeitung" class="filter-form">
            <div>
                <label for="leistung">{td_string!(l, bulk.service_id)}</label>
                <input id="leistung" name="leistung" type="text" inputmode="numeric" value=move || selection_query().ozg_id.unwrap_or_default()/>
            </div>
            <div>
                <label for="einheit">{td_string!(l, bulk.unit)}</label>
                <input id="einheit" name="einheit" type="text" value=move || selection_query().org_unit.unwrap_or_default() placeholder=td_string!(l, bulk.unit_placeholder)/>
            </div>
            <button type="submit">{td_string!(l, bulk.show)}</button>
        </form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match selection.await {
                    Ok(None) => view! { <p>{td_string!(l, bulk.choose)}</p> }.into_any(),
                    Ok(Some(s)) => view! { <BulkEditor selection=s apply=apply/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <div aria-live="polite">
            {move || apply.value().get().map(|result| match result {
                Ok(summary) => view! { <BulkResult summary=summary/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn BulkEditor(selection: BulkSelection, apply: ServerAction<BulkUpdate>) -> impl IntoView {
    let editable: BTreeSet<i64> = selection.editable.iter().copied().collect();
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let status = RwSignal::new(String::new());
    let maturity = RwSignal::new(String::new());
    let planned = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let all_editable = editable.clone();
    let l = current_locale();
    let toggle_all = move |on: bool| {
        selected.set(if on {
            all_editable.clone()
        } else {
            BTreeSet::new()
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let planned_go_live = match parse_date(&planned.get_untracked(), l) {
            Ok(d) => d,
            Err(e) => {
                problem.set(Some(
                    td_string!(l, bulk.planned_error, message = e).to_string(),
                ));
                return;
            }
        };
        problem.set(None);
        apply.dispatch(BulkUpdate {
            request: BulkRequest {
                record_ids: selected.get_untracked().into_iter().collect(),
                status: Some(status.get_untracked()).filter(|s| !s.is_empty()),
                maturity: maturity.get_untracked().parse().ok(),
                planned_go_live,
                comment: Some(comment.get_untracked()).filter(|s| !s.trim().is_empty()),
            },
        });
    };
    let hydrated = use_hydrated();
    let count = selection.records.total;
    let shown = selection.records.items.len();
    view! {
        <form class="bulk-form" on:submit=submit>
            <fieldset>
                <legend>{td_string!(l, bulk.new_values)}</legend>
                <div class="filter-form">
                    <div>
                        <label for="b-status">{td_string!(l, bulk.status)}</label>
                        <select id="b-status" on:change=move |ev| status.set(event_target_value(&ev))>
                            <option value="">{td_string!(l, bulk.keep)}</option>
                            {selection.options.statuses.iter().map(|s| view! { <option value=s.code.clone()>{s.label.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="b-maturity">{td_string!(l, bulk.maturity)}</label>
                        <select id="b-maturity" on:change=move |ev| maturity.set(event_target_value(&ev))>
                            <option value="">{td_string!(l, bulk.keep)}</option>
                            {selection.options.maturity_levels.iter().map(|level| view! {
                                <option value=level.level.to_string()>{format!("{} – {}", level.level, level.label)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div>
                        <label for="b-planned">{td_string!(l, bulk.planned)}</label>
                        <input id="b-planned" type="date" on:change=move |ev| planned.set(event_target_value(&ev))/>
                    </div>
                    <div>
                        <label for="b-comment">{td_string!(l, bulk.comment)}</label>
                        <input id="b-comment" type="text" on:input=move |ev| comment.set(event_target_value(&ev))/>
                    </div>
                </div>
                {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
                <NeedsJavaScript hydrated=hydrated/>
                <button type="submit" disabled=move || !hydrated.get() || selected.with(std::collections::BTreeSet::is_empty) || apply.pending().get()>
                    {move || td_string!(l, bulk.apply, count = selected.with(std::collections::BTreeSet::len)).to_string()}
                </button>
            </fieldset>
            <p class="muted">{td_string!(l, bulk.found,
                count = format::int(count),
                shown = if (shown as i64) < count {
                    td_string!(l, bulk.first_shown, shown = shown).to_string()
                } else {
                    String::new()
                },
                editable = editable.len()).to_string()}</p>
            <div class="table-wrap">
                <table class="records">
                    <caption>{td_string!(l, bulk.caption)}</caption>
                    <thead><tr>
                        <th scope="col">
                            <input type="checkbox" id="alle" aria-label=td_string!(l, bulk.select_all)
                                on:change=move |ev| toggle_all(event_target_checked(&ev))/>
                        </th>
                        <th scope="col">{td_string!(l, bulk.col_service)}</th>
                        <th scope="col">{td_string!(l, bulk.col_unit)}</th>
                        <th scope="col">{td_string!(l, bulk.status)}</th>
                        <th scope="col">{td_string!(l, bulk.maturity)}</th>
                        <th scope="col">{td_string!(l, bulk.planned)}</th>
                    </tr></thead>
                    <tbody>
                        {selection.records.items.into_iter().map(|r| {
                            let id = r.id;
                            let may = editable.contains(&id);
                            let label = td_string!(l, bulk.select_one, service = r.service_name.as_str(),
                                unit = r.org_unit_name.as_str()).to_string();
                            view! {
                                <tr>
                                    <td>
                                        <input type="checkbox" aria-label=label disabled=!may value=id.to_string()
                                            prop:checked=move || selected.with(|s| s.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                                            }/>
                                    </td>
                                    <td><A href=format!("/umsetzungsstaende/{id}")>{format!("{} ({})", r.service_name, r.ozg_id)}</A></td>
                                    <td>{r.org_unit_name}</td>
                                    <td><span class=format!("status status-{}", r.phase.code())>{r.status_label}</span></td>
                                    <td>{r.maturity.map_or_else(|| "–".into(), |m| m.to_string())}</td>
                                    <td>{r.planned_go_live.map_or_else(|| "–".into(), format::date)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </form>
    }
}

#[component]
fn BulkResult(summary: BulkSummary) -> impl IntoView {
    let list = |items: Vec<BulkItem>| {
        items
            .into_iter()
            .map(|i| view! { <li>{i.label}{i.reason.map(|r| format!(": {r}"))}</li> })
            .collect_view()
    };
    let l = current_locale();
    view! {
        <section class="bulk-result" role="status" aria-labelledby="ergebnis">
            <h2 id="ergebnis">{td_string!(l, bulk.result)}</h2>
            <p>{td_string!(l, bulk.result_counts, changed = summary.changed.len(),
                unchanged = summary.unchanged.len(), refused = summary.refused.len()).to_string()}</p>
            {(!summary.refused.is_empty()).then(|| view! {
                <h3>{td_string!(l, bulk.refused)}</h3>
                <ul class="refused">{list(summary.refused.clone())}</ul>
            })}
            {(!summary.changed.is_empty()).then(|| view! {
                <details><summary>{td_string!(l, bulk.changed)}</summary><ul>{list(summary.changed.clone())}</ul></details>
            })}
        </section>
    }
}
