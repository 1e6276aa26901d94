//! Gebietsimport (administration): upload a newer Gemeindeverzeichnis, see which Gemeinden and
//! Kreise it adds, changes and dissolves and every line error (a dry run), then take it over.
//! The browser sends the file to `POST /api/v1/imports/org-units`, the endpoint programs use.

use super::catalogue_import::FailedLines;
use super::import::{upload, upload_error};
use crate::current_locale;
use crate::domain::{TerritoryImportReport, TerritoryLine};
use crate::error::AppError;
use crate::format;
use crate::i18n::td_string;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[derive(Clone)]
enum Outcome {
    Report(TerritoryImportReport),
    Failed(AppError),
}

#[component]
pub fn TerritoryImportPage() -> impl IntoView {
    let l = current_locale();
    let file_input = NodeRef::<Input>::new();
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let problem = RwSignal::new(None::<&'static str>);

    let send = move |dry_run: bool| {
        let Some(file) = file_input
            .get_untracked()
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            problem.set(Some(td_string!(l, imports.choose_file)));
            return;
        };
        problem.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer =
                upload::<TerritoryImportReport>("org-units", file, format!("dry_run={dry_run}"))
                    .await;
            outcome.set(Some(match answer {
                Ok(report) => Outcome::Report(report),
                Err(e) => Outcome::Failed(e),
            }));
            busy.set(false);
        });
    };

    view! {
        <Title text=td_string!(l, imports.territory.title)/>
        <h1>{td_string!(l, imports.territory.title)}</h1>
        <p class="lead">{td_string!(l, imports.territory.lead)}</p>
        <p>{td_string!(l, imports.territory.format)}</p>
        <p>{td_string!(l, imports.territory.history_note)}</p>
        <noscript><p class="notice">{td_string!(l, imports.territory.noscript)}</p></noscript>
        <form class="import-form" on:submit=move |ev| { ev.prevent_default(); send(true); }>
            <div>
                <label for="territory-file">{td_string!(l, imports.territory.file_label)}</label>
                <input id="territory-file" name="datei" type="file" node_ref=file_input
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |_| outcome.set(None)/>
            </div>
            <button type="submit" disabled=move || busy.get()>{td_string!(l, imports.check)}</button>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </form>
        <div aria-live="polite">
            {move || busy.get().then(|| view! { <p class="loading">{td_string!(l, imports.busy)}</p> })}
            {move || outcome.get().map(|o| match o {
                Outcome::Report(report) => {
                    let can_apply = report.can_apply();
                    view! {
                        <TerritoryResult report=report/>
                        {can_apply.then(|| view! {
                            <button type="button" class="primary" disabled=move || busy.get()
                                on:click=move |_| send(false)>
                                {td_string!(l, imports.apply)}
                            </button>
                        })}
                    }.into_any()
                }
                Outcome::Failed(e) => upload_error(e).into_any(),
            })}
        </div>
    }
}

#[component]
fn TerritoryResult(report: TerritoryImportReport) -> impl IntoView {
    let l = current_locale();
    let heading = if report.dry_run {
        td_string!(l, imports.territory.result_dry)
    } else if report.written {
        td_string!(l, imports.territory.result_written)
    } else {
        td_string!(l, imports.territory.result_nothing)
    };
    let (lines, kind, other, added, changed, unchanged) = (
        report.lines_read,
        report.file_kind.clone(),
        report.other_laender,
        report.added.len(),
        report.changed.len(),
        report.unchanged,
    );
    let (dissolved, failed, records, taken_over, retired) = (
        report.dissolved.len(),
        report.failed.len(),
        report.records_created,
        report.records_taken_over,
        report.records_retired,
    );
    let effective = report.effective.map(format::date).unwrap_or_default();
    let summary = if report.written {
        td_string!(
            l,
            imports.territory.summary_written,
            lines,
            kind,
            other,
            added,
            changed,
            unchanged,
            dissolved,
            effective,
            records,
            taken_over,
            retired
        )
        .to_string()
    } else {
        td_string!(
            l,
            imports.territory.summary_dry,
            lines,
            kind,
            other,
            added,
            changed,
            unchanged,
            dissolved,
            failed,
            effective,
            records,
            taken_over,
            retired
        )
        .to_string()
    };
    let written = report.written;
    view! {
        <section class="import-result" data-testid="territory-result">
            <h2>{heading}</h2>
            <p>{summary}</p>
            {(!report.blocked.is_empty()).then(|| view! {
                <div class="notice" role="alert">
                    <h3>{td_string!(l, imports.territory.blocked)}</h3>
                    <ul>{report.blocked.iter().map(|b| view! { <li>{b.clone()}</li> }).collect_view()}</ul>
                </div>
            })}
            {(!report.notes.is_empty()).then(|| view! {
                <ul class="notes">{report.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            <FailedLines lines=report.failed subject=td_string!(l, imports.territory.col_unit)/>
            // new units exist once the register is written; changed and dissolved ones already do
            <UnitTable caption=td_string!(l, imports.territory.added) lines=report.added link=written/>
            <UnitTable caption=td_string!(l, imports.territory.changed) lines=report.changed link=true/>
            <UnitTable caption=td_string!(l, imports.territory.dissolved) lines=report.dissolved link=true/>
        </section>
    }
}

/// Gemeinden and Kreise added, changed or dissolved; nothing when `lines` is empty.
#[component]
fn UnitTable(caption: &'static str, lines: Vec<TerritoryLine>, link: bool) -> impl IntoView {
    let l = current_locale();
    (!lines.is_empty()).then(|| {
        let count = lines.len();
        view! {
            <div class="table-wrap">
                <table>
                    <caption>{format!("{caption} ({count})")}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(l, imports.territory.col_position)}</th>
                        <th scope="col">{td_string!(l, imports.territory.col_ags)}</th>
                        <th scope="col">{td_string!(l, imports.territory.col_unit)}</th>
                        <th scope="col">{td_string!(l, imports.territory.col_changes)}</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|line| {
                            let kind = line.kind.label(l);
                            let name = if link {
                                view! { <A href=format!("/organisationen/{}", line.ags)>{line.name}</A> }.into_any()
                            } else {
                                view! { {line.name} }.into_any()
                            };
                            let successor = line.successor.map(|unit| view! {
                                <li>{td_string!(l, imports.territory.successor, unit)}</li>
                            });
                            let predecessors = (!line.predecessors.is_empty()).then(|| {
                                let units = line.predecessors.join(", ");
                                view! { <li>{td_string!(l, imports.territory.predecessors, units)}</li> }
                            });
                            view! {
                                <tr>
                                    <td>{line.position.unwrap_or_else(|| "–".into())}</td>
                                    <th scope="row">{line.ags}</th>
                                    <td>{name}" ("{kind}")"</td>
                                    <td>
                                        <ul class="changes">
                                            {line.changes.into_iter().map(|c| view! {
                                                <li>{c.label}": "{c.old}" → "{c.new}</li>
                                            }).collect_view()}
                                            {successor}
                                            {predecessors}
                                        </ul>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
