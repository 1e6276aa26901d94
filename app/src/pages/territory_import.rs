//! Gebietsimport (administration): upload a newer Gemeindeverzeichnis, see which Gemeinden and
//! Kreise it adds, changes and dissolves and every line error (a dry run), then take it over.
//! The browser sends the file to `POST /api/v1/imports/org-units`, the endpoint programs use.

use super::import::{FailedLines, Outcome, ReportNotices, UploadForm};
use crate::components::PageTitle;
use crate::current_locale;
use crate::domain::{TerritoryImportReport, TerritoryLine};
use crate::format;
use crate::i18n::td_string;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn TerritoryImportPage() -> impl IntoView {
    let l = current_locale();
    let outcome = RwSignal::new(None::<Outcome<TerritoryImportReport>>);
    view! {
        <PageTitle text=td_string!(l, imports.territory.title)/>
        <h1>{td_string!(l, imports.territory.title)}</h1>
        <p class="lead">{td_string!(l, imports.territory.lead)}</p>
        <p>{td_string!(l, imports.territory.format)}</p>
        <p>{td_string!(l, imports.territory.history_note)}</p>
        <noscript><p class="notice">{td_string!(l, imports.territory.noscript)}</p></noscript>
        <UploadForm kind="org-units" file_id="territory-file" file_label=td_string!(l, imports.territory.file_label)
            outcome=outcome query=|dry_run| format!("dry_run={dry_run}")
            can_apply=TerritoryImportReport::can_apply
            result=|report| view! { <TerritoryResult report=report/> }.into_any()/>
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
            <ReportNotices heading=td_string!(l, imports.territory.blocked) blocked=report.blocked notes=report.notes/>
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
