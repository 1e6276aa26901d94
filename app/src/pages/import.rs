//! Statusimport: a coordinator uploads the export they edited in Excel, sees per line what
//! would change and every error (a dry run), then applies it. The browser sends the file to
//! `POST /api/v1/imports/status`, the same endpoint programs use, so there is one import.
//! Also what every import page shares: the upload form with its dry run and apply step
//! ([`UploadForm`]), and the catalogue and org-unit imports' notices and failed lines.

use crate::components::{use_hydrated, ErrorNotice, NeedsJavaScript, PageTitle};
use crate::current_locale;
use crate::domain::{ImportLine, ImportReport, MAX_COMMENT_LEN};
use crate::error::AppError;
use crate::i18n::td_string;
use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::components::A;

/// What the last upload answered.
#[derive(Clone)]
pub(super) enum Outcome<R> {
    Report(R),
    Failed(AppError),
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let l = current_locale();
    let all_or_nothing = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome<ImportReport>>);
    let query = move |dry_run: bool| {
        let mut query = format!(
            "dry_run={dry_run}&all_or_nothing={}",
            all_or_nothing.get_untracked()
        );
        let text = comment.get_untracked();
        if !text.trim().is_empty() {
            query.push_str("&comment=");
            query.push_str(&crate::domain::urlencode(text.trim()));
        }
        query
    };

    view! {
        <PageTitle text=td_string!(l, imports.title)/>
        <h1>{td_string!(l, imports.title)}</h1>
        <p class="lead">{td_string!(l, imports.lead)}</p>
        <ol class="steps">
            <li><OwnExports/></li>
            <li>{td_string!(l, imports.step_edit)}</li>
            <li>{td_string!(l, imports.step_check)}</li>
        </ol>
        <noscript><p class="notice">{td_string!(l, imports.noscript)}</p></noscript>
        <UploadForm kind="status" file_id="import-file" file_label=td_string!(l, imports.file_label)
            outcome=outcome query=query
            can_apply=ImportReport::can_apply
            result=|report| view! { <ImportResult report=report/> }.into_any()>
            <div class="checkbox">
                <input id="all-or-nothing" type="checkbox"
                    prop:checked=move || all_or_nothing.get()
                    on:change=move |ev| { all_or_nothing.set(event_target_checked(&ev)); outcome.set(None); }/>
                <label for="all-or-nothing">{td_string!(l, imports.all_or_nothing)}</label>
                <p class="hint">{td_string!(l, imports.all_or_nothing_hint)}</p>
            </div>
            <div>
                <label for="import-comment">{td_string!(l, imports.comment)}</label>
                <input id="import-comment" type="text" maxlength=MAX_COMMENT_LEN.to_string()
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))/>
            </div>
        </UploadForm>
    }
}

/// Step one: the export of the signed-in coordinator's own units — a Kreis's file holds its
/// Gemeinden too — not the whole Land's 256,000 lines; administrators get the Land's.
#[component]
fn OwnExports() -> impl IntoView {
    let l = current_locale();
    let user = Resource::new(|| (), |()| crate::api::get_current_user());
    view! {
        <Suspense fallback=move || view! { {td_string!(l, imports.step_export)} }>
            {move || Suspend::new(async move {
                let scopes = user.await.ok().flatten().map(|u| u.scopes).unwrap_or_default();
                if scopes.is_empty() {
                    view! {
                        {td_string!(l, imports.step_export)}" "
                        <A href="/">{td_string!(l, imports.step_export_link)}</A>
                    }.into_any()
                } else {
                    view! {
                        {td_string!(l, imports.step_export_own)}
                        <ul class="own-exports">
                            {scopes.into_iter().map(|unit| {
                                let code = crate::domain::urlencode(&unit.code);
                                view! {
                                    <li>
                                        {unit.name.clone()}": "
                                        <a href=format!("/api/v1/records.csv?org_unit={code}") download rel="external">"CSV"</a>" · "
                                        <a href=format!("/api/v1/records.xlsx?org_unit={code}") download rel="external">"Excel (XLSX)"</a>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            })}
        </Suspense>
    }
}

/// The form of every import page: the file, the page's own options (`children`), "Prüfen",
/// then the answer as `result` shows it and, when `can_apply`, "Jetzt übernehmen". The file
/// goes to `/api/v1/imports/{kind}?{query(dry_run)}`. A new file clears `outcome`; so should
/// a changed option.
#[component]
pub(super) fn UploadForm<R, Q>(
    kind: &'static str,
    file_id: &'static str,
    file_label: &'static str,
    outcome: RwSignal<Option<Outcome<R>>>,
    query: Q,
    can_apply: fn(&R) -> bool,
    result: fn(R) -> AnyView,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView
where
    R: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    Q: Fn(bool) -> String + Copy + Send + Sync + 'static,
{
    let l = current_locale();
    let file_input = NodeRef::<Input>::new();
    let busy = RwSignal::new(false);
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
        let query = query(dry_run);
        leptos::task::spawn_local(async move {
            let answer = upload::<R>(kind, file, query).await;
            outcome.set(Some(match answer {
                Ok(report) => Outcome::Report(report),
                Err(e) => Outcome::Failed(e),
            }));
            busy.set(false);
        });
    };

    let hydrated = use_hydrated();
    view! {
        <form class="import-form" on:submit=move |ev| { ev.prevent_default(); send(true); }>
            <div>
                <label for=file_id>{file_label}</label>
                <input id=file_id name="datei" type="file" node_ref=file_input
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    on:change=move |_| outcome.set(None)/>
            </div>
            {children.map(|options| options())}
            <NeedsJavaScript hydrated=hydrated/>
            <button type="submit" disabled=move || !hydrated.get() || busy.get()>{td_string!(l, imports.check)}</button>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
        </form>
        <div aria-live="polite">
            {move || busy.get().then(|| view! { <p class="loading">{td_string!(l, imports.busy)}</p> })}
            {move || outcome.get().map(|o| match o {
                Outcome::Report(report) => {
                    let applicable = can_apply(&report);
                    view! {
                        {result(report)}
                        {applicable.then(|| view! {
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
fn ImportResult(report: ImportReport) -> impl IntoView {
    let l = current_locale();
    let heading = if report.dry_run {
        td_string!(l, imports.result_dry)
    } else if report.written {
        td_string!(l, imports.result_written)
    } else {
        td_string!(l, imports.result_nothing)
    };
    let (verb, failed_note) = if report.dry_run {
        (td_string!(l, imports.verb_dry), "")
    } else {
        (
            td_string!(l, imports.verb_applied),
            td_string!(l, imports.failed_not_applied),
        )
    };
    let counts = td_string!(
        l,
        imports.counts,
        lines = report.lines_read,
        kind = report.file_kind.clone(),
        changed = report.changed,
        verb = verb,
        unchanged = report.unchanged,
        failed = report.failed,
        failed_note = failed_note
    )
    .to_string();
    let blocked = report.all_or_nothing && report.failed > 0;
    let lines = report.lines.clone();
    view! {
        <section class="import-result" data-testid="import-result">
            <h2>{heading}</h2>
            <p>{counts}</p>
            {blocked.then(|| view! { <p class="notice">{td_string!(l, imports.blocked)}</p> })}
            {(!report.notes.is_empty()).then(|| view! {
                <ul class="notes">{report.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
            })}
            {(!lines.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table>
                        <caption>{td_string!(l, imports.caption)}</caption>
                        <thead><tr>
                            <th scope="col">{td_string!(l, imports.col_position)}</th>
                            <th scope="col">{td_string!(l, imports.col_record)}</th>
                            <th scope="col">{td_string!(l, imports.col_changes)}</th>
                            <th scope="col">{td_string!(l, imports.col_errors)}</th>
                        </tr></thead>
                        <tbody>{lines.into_iter().map(|line| view! { <ImportRow line=line/> }).collect_view()}</tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

#[component]
fn ImportRow(line: ImportLine) -> impl IntoView {
    let failed = !line.errors.is_empty();
    let record = match (line.record_id, line.label) {
        (Some(id), Some(label)) => {
            view! { <A href=format!("/umsetzungsstaende/{id}")>{label}</A> }.into_any()
        }
        _ => view! { "–" }.into_any(),
    };
    view! {
        <tr class:row-error=failed>
            <th scope="row">{line.position}</th>
            <td>{record}</td>
            <td>
                <ul class="changes">
                    {line.changes.into_iter().map(|c| view! {
                        <li>{c.label}": "{c.old}" → "{c.new}</li>
                    }).collect_view()}
                </ul>
            </td>
            <td>
                <ul class="errors">{line.errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
            </td>
        </tr>
    }
}

/// Why an upload failed: a file refused as a whole lists every reason, anything else is the
/// usual error notice.
fn upload_error(error: AppError) -> impl IntoView {
    let l = current_locale();
    match error {
        AppError::Unprocessable(reasons) => view! {
            <div class="error-notice" role="alert">
                <h2>{td_string!(l, imports.file_refused)}</h2>
                <ul>{reasons.into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
        e => view! { <ErrorNotice error=e/> }.into_any(),
    }
}

/// Sends `file` to the import endpoint `/api/v1/imports/{kind}` (the session cookie signs
/// it) and reads the answer.
async fn upload<T: serde::de::DeserializeOwned>(
    kind: &str,
    file: web_sys::File,
    query: String,
) -> Result<T, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let unsent = |_| AppError::ServerFn("Die Datei konnte nicht gesendet werden.".into());
    let window = web_sys::window().ok_or(AppError::Internal)?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&file);
    let url = format!("/api/v1/imports/{kind}?{query}");
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
        .await
        .map_err(unsent)?
        .dyn_into()
        .map_err(unsent)?;
    let text = JsFuture::from(response.text().map_err(unsent)?)
        .await
        .map_err(unsent)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|e| AppError::ServerFn(e.to_string()))
    } else {
        Err(api_error(&text))
    }
}

/// The API's error body (`{"error": {"code", "message", "details"}}`) as an [`AppError`].
fn api_error(body: &str) -> AppError {
    let value: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
    let error = &value["error"];
    let message = error["message"].as_str().unwrap_or_default().to_owned();
    let details: Vec<String> = error["details"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    match error["code"].as_str().unwrap_or_default() {
        "unauthorized" => AppError::Unauthorized,
        "forbidden" => AppError::Forbidden(message),
        "unprocessable" if !details.is_empty() => AppError::Unprocessable(details),
        "too_large" => AppError::TooLarge(message),
        "unavailable" => AppError::Unavailable,
        "too_many_requests" => AppError::TooManyRequests,
        _ if message.is_empty() => AppError::Internal,
        _ => AppError::BadRequest(vec![message]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_keep_their_kind_and_every_reason() {
        let body = r#"{"error":{"code":"unprocessable","message":"a b","details":["a","b"]}}"#;
        assert_eq!(
            api_error(body),
            AppError::Unprocessable(vec!["a".into(), "b".into()])
        );
        let body = r#"{"error":{"code":"unauthorized","message":"x","details":[]}}"#;
        assert_eq!(api_error(body), AppError::Unauthorized);
        let body = r#"{"error":{"code":"too_large","message":"zu groß","details":[]}}"#;
        assert_eq!(api_error(body), AppError::TooLarge("zu groß".into()));
        assert_eq!(api_error("<html>"), AppError::Internal);
    }
}

/// Why a file cannot be taken over (under `heading`), and the notes on it.
#[component]
pub(super) fn ReportNotices(
    heading: &'static str,
    blocked: Vec<String>,
    notes: Vec<String>,
) -> impl IntoView {
    view! {
        {(!blocked.is_empty()).then(|| view! {
            <div class="notice" role="alert">
                <h3>{heading}</h3>
                <ul>{blocked.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul>
            </div>
        })}
        {(!notes.is_empty()).then(|| view! {
            <ul class="notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        })}
    }
}

/// Lines with errors, with what each names (`subject`: the column's heading).
#[component]
pub(super) fn FailedLines(lines: Vec<ImportLine>, subject: &'static str) -> impl IntoView {
    let l = current_locale();
    (!lines.is_empty()).then(|| {
        let count = lines.len();
        view! {
            <div class="table-wrap">
                <table>
                    <caption>{format!("{} ({count})", td_string!(l, imports.catalogue.failed))}</caption>
                    <thead><tr>
                        <th scope="col">{td_string!(l, imports.catalogue.col_position)}</th>
                        <th scope="col">{subject}</th>
                        <th scope="col">{td_string!(l, imports.catalogue.col_errors)}</th>
                    </tr></thead>
                    <tbody>
                        {lines.into_iter().map(|line| view! {
                            <tr class="row-error">
                                <th scope="row">{line.position}</th>
                                <td>{line.label.unwrap_or_else(|| "–".into())}</td>
                                <td><ul class="errors">{line.errors.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    })
}
