//! Umsetzungsstand: one record — its facts, the edit form for those allowed to change it, the
//! conflict view when someone else saved first, and the full history.

use crate::api::{get_record, SaveRecord};
use crate::components::{error_for, loading, raw_text_content, ErrorNotice, PageTitle};
use crate::current_locale;
use crate::domain::{
    field, urlencode, FieldError, HistoryEntry, RecordDetail, RecordEditing, RecordForm,
    SaveOutcome,
};
use crate::error::AppError;
use crate::format;
use crate::i18n::{td_string, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RecordPageView() -> impl IntoView {
    let params = use_params_map();
    // `try_` reads: see the dashboard page (a disposed page's resource may rerun its source).
    let id = move || {
        params
            .try_with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()))
            .flatten()
            .unwrap_or(0)
    };
    let save = ServerAction::<SaveRecord>::new();
    // reload the record only after a successful save: on errors and conflicts the form keeps
    // what the user typed
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Some(Ok(SaveOutcome::Saved { .. })) = save.value().get() {
            saved.update(|n| *n += 1);
        }
    });
    let page = Resource::new(
        move || (id(), saved.try_get().unwrap_or_default()),
        |(id, _)| get_record(id),
    );
    let l = current_locale();
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <RecordBody page=p save=save/> }.into_any(),
                    Err(e) => view! { <PageTitle text=td_string!(l, record.error_title)/><h1>{td_string!(l, record.heading_fallback)}</h1><ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn date_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "–".into(), format::date)
}

#[component]
fn RecordBody(page: RecordEditing, save: ServerAction<SaveRecord>) -> impl IntoView {
    let r = page.record.clone();
    let title = format!("{} – {}", r.service_name, r.org_unit_name);
    let maturity_text = r.maturity.map(|m| {
        let label = page
            .options
            .maturity_levels
            .iter()
            .find(|l| l.level == m)
            .map(|l| l.label.clone())
            .unwrap_or_default();
        format!("{m} – {label}")
    });
    let l = current_locale();
    view! {
        <PageTitle text=title.clone()/>
        <p class="breadcrumb">
            <A href=format!("/leistungen/{}", r.ozg_id)>{r.service_name.clone()}</A>" › "
            <A href=format!("/organisationen/{}", r.org_unit_code)>{r.org_unit_name.clone()}</A>
        </p>
        <h1>{title}</h1>
        <dl class="facts">
            <dt>{td_string!(l, record.status)}</dt><dd><span class=format!("status status-{}", r.phase.code())>{r.status_label.clone()}</span></dd>
            <dt>{td_string!(l, record.maturity)}</dt><dd>{maturity_text.unwrap_or_else(|| "–".into())}</dd>
            <dt>{td_string!(l, record.planned)}</dt><dd>{date_or_dash(r.planned_go_live)}</dd>
            <dt>{td_string!(l, record.actual)}</dt><dd>{date_or_dash(r.actual_go_live)}</dd>
            <dt>{td_string!(l, record.online_offer)}</dt>
            <dd>{match r.online_url.clone() {
                Some(u) => view! { <a href=u.clone() rel="noopener noreferrer">{u.clone()}</a> }.into_any(),
                None => "–".into_any(),
            }}</dd>
            <dt>{td_string!(l, record.efa)}</dt><dd>{r.efa_solution.clone().unwrap_or_else(|| "–".into())}</dd>
            <dt>{td_string!(l, record.note)}</dt><dd>{r.note.clone().unwrap_or_else(|| "–".into())}</dd>
            <dt>{td_string!(l, record.version)}</dt><dd>{td_string!(l, record.version_value, version = r.version,
                changed = format::datetime(r.updated_at)).to_string()}</dd>
        </dl>
        {r.closed_on.map(|d| view! {
            <p class="notice" data-testid="no-longer-responsible">
                {td_string!(l, record.no_longer_responsible, date = format::date(d)).to_string()}
            </p>
        })}
        <PlainPostOutcome/>
        {if page.can_edit {
            // a new form for each stored version, so after a save every field shows what was
            // saved: a form rebuilt in place kept the chosen option's position in the new list
            // of allowed statuses and the comment typed before
            let version = page.record.version;
            let page = page.clone();
            view! {
                <For each=move || [version] key=|v| *v let(_)>
                    <EditForm page=page.clone() save=save/>
                </For>
            }.into_any()
        } else {
            view! { <p class="notice">{td_string!(l, record.read_only)}</p> }.into_any()
        }}
        <section aria-labelledby="historie">
            <h2 id="historie">{match page.history.len() {
                1 => td_string!(l, record.history_heading_single).to_string(),
                n => td_string!(l, record.history_heading, count = n).to_string(),
            }}</h2>
            <History entries=page.history.clone()/>
        </section>
    }
}

#[component]
fn EditForm(page: RecordEditing, save: ServerAction<SaveRecord>) -> impl IntoView {
    let r = page.record.clone();
    let start = RecordForm::from_detail(&r);
    // the version the edit is based on; after a conflict the user may re-apply on the newer one
    let base_version = RwSignal::new(r.version);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let errors = move || -> Vec<FieldError> {
        match save.value().get() {
            Some(Ok(SaveOutcome::Invalid { errors })) => errors,
            _ => Vec::new(),
        }
    };
    let invalid = move |name: &'static str| move || error_for(&errors(), name).map(|_| "true");
    let described = move |name: &'static str| {
        move || error_for(&errors(), name).map(|_| format!("fehler-{name}"))
    };
    let targets = page.options.targets(&r.status_code);
    let levels = page.options.maturity_levels.clone();
    let current_maturity = r.maturity;
    let l = current_locale();

    // After a conflict: this editor's changes onto the newer state, the other fields as the
    // other person left them.
    let start_values = StoredValue::new(start.clone());
    let reapply = move |current: RecordDetail| {
        base_version.set(current.version);
        let Some(form) = form_ref.get() else { return };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        if let Ok(mut args) = <SaveRecord as leptos::form::FromFormData>::from_form_data(&data) {
            args.form = start_values
                .with_value(|start| args.form.rebase(start, &RecordForm::from_detail(&current)));
            save.dispatch(args);
        }
    };

    view! {
        <section aria-labelledby="bearbeiten" class="edit-section">
            <h2 id="bearbeiten">{td_string!(l, record.edit_heading)}</h2>
            <div aria-live="polite">
                {move || match save.value().get() {
                    Some(Ok(SaveOutcome::Saved { record })) => view! {
                        <p class="success-notice" role="status">{td_string!(l, record.saved, version = record.version).to_string()}</p>
                    }.into_any(),
                    Some(Ok(SaveOutcome::Unchanged { .. })) => view! {
                        <p class="notice" role="status">{td_string!(l, record.unchanged)}</p>
                    }.into_any(),
                    Some(Ok(SaveOutcome::Invalid { errors })) => view! {
                        <div class="error-notice" role="alert">
                            <p><strong>{td_string!(l, record.nothing_saved)}</strong>{td_string!(l, record.please_correct)}</p>
                            <ul>{errors.into_iter().map(|e| view! { <li>{e.describe(l)}</li> }).collect_view()}</ul>
                        </div>
                    }.into_any(),
                    Some(Ok(SaveOutcome::Conflict { current, theirs })) => view! {
                        <ConflictView current=current theirs=theirs reapply=reapply/>
                    }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
            <ActionForm action=save node_ref=form_ref attr:class="stacked-form edit-form" attr:novalidate=true>
                <input type="hidden" name="form[record_id]" value=r.id.to_string()/>
                // rendered by the server (a post before the wasm has loaded, or without
                // JavaScript, sends it) and updated in the browser after a conflict
                <input type="hidden" name="form[version]" value=r.version.to_string()
                    prop:value=move || base_version.get().to_string()/>

                <label for="f-status">{td_string!(l, record.status)}</label>
                <select id="f-status" name="form[status]" aria-invalid=invalid(field::STATUS) aria-describedby=described(field::STATUS)>
                    {targets.into_iter().map(|s| {
                        let selected = s.code == start.status;
                        view! { <option value=s.code.clone() selected=selected>{s.label}</option> }
                    }).collect_view()}
                </select>
                <p class="hint">{td_string!(l, record.transitions_hint)}</p>
                {move || error_for(&errors(), field::STATUS).map(|m| view! { <p class="field-error" id="fehler-status">{m}</p> })}

                <label for="f-maturity">{td_string!(l, record.maturity)}</label>
                <select id="f-maturity" name="form[maturity]" aria-invalid=invalid(field::MATURITY) aria-describedby=described(field::MATURITY)>
                    <option value="" selected=current_maturity.is_none()>{td_string!(l, record.no_value)}</option>
                    {levels.into_iter().map(|level| view! {
                        <option value=level.level.to_string() selected=current_maturity == Some(level.level)>{format!("{} – {}", level.level, level.label)}</option>
                    }).collect_view()}
                </select>
                {move || error_for(&errors(), field::MATURITY).map(|m| view! { <p class="field-error" id="fehler-maturity">{m}</p> })}

                <label for="f-planned">{td_string!(l, record.planned)}</label>
                <input id="f-planned" type="date" name="form[planned_go_live]" value=start.planned_go_live.clone()
                    aria-invalid=invalid(field::PLANNED_GO_LIVE) aria-describedby=described(field::PLANNED_GO_LIVE)/>
                {move || error_for(&errors(), field::PLANNED_GO_LIVE).map(|m| view! { <p class="field-error" id="fehler-planned_go_live">{m}</p> })}

                <label for="f-actual">{td_string!(l, record.actual)}</label>
                <input id="f-actual" type="date" name="form[actual_go_live]" value=start.actual_go_live.clone()
                    aria-invalid=invalid(field::ACTUAL_GO_LIVE) aria-describedby=described(field::ACTUAL_GO_LIVE)/>
                {move || error_for(&errors(), field::ACTUAL_GO_LIVE).map(|m| view! { <p class="field-error" id="fehler-actual_go_live">{m}</p> })}

                <label for="f-url">{td_string!(l, record.url)}</label>
                <input id="f-url" type="url" name="form[online_url]" value=start.online_url.clone() placeholder="https://…"
                    aria-invalid=invalid(field::ONLINE_URL) aria-describedby=described(field::ONLINE_URL)/>
                {move || error_for(&errors(), field::ONLINE_URL).map(|m| view! { <p class="field-error" id="fehler-online_url">{m}</p> })}

                <label for="f-efa">{td_string!(l, record.efa)}</label>
                <input id="f-efa" type="text" name="form[efa_solution]" value=start.efa_solution.clone()
                    aria-invalid=invalid(field::EFA_SOLUTION) aria-describedby=described(field::EFA_SOLUTION)/>
                {move || error_for(&errors(), field::EFA_SOLUTION).map(|m| view! { <p class="field-error" id="fehler-efa_solution">{m}</p> })}

                <label for="f-note">{td_string!(l, record.note)}</label>
                <textarea id="f-note" name="form[note]" rows="3" inner_html=raw_text_content(&start.note)
                    aria-invalid=invalid(field::NOTE) aria-describedby=described(field::NOTE)></textarea>
                {move || error_for(&errors(), field::NOTE).map(|m| view! { <p class="field-error" id="fehler-note">{m}</p> })}

                <label for="f-comment">{td_string!(l, record.comment)}</label>
                <textarea id="f-comment" name="form[comment]" rows="2" placeholder=td_string!(l, record.comment_placeholder)
                    aria-invalid=invalid(field::COMMENT) aria-describedby=described(field::COMMENT)></textarea>
                {move || error_for(&errors(), field::COMMENT).map(|m| view! { <p class="field-error" id="fehler-comment">{m}</p> })}

                <button type="submit" disabled=move || save.pending().get()>{td_string!(l, record.save)}</button>
            </ActionForm>
        </section>
    }
}

/// The outcome of a save as query parameters of this page, for forms posted without
/// JavaScript (the server function redirects here; [`PlainPostOutcome`] reads them).
pub fn outcome_query(result: &Result<SaveOutcome, AppError>, locale: Locale) -> String {
    match result {
        Ok(SaveOutcome::Saved { record }) => format!("gespeichert={}", record.version),
        Ok(SaveOutcome::Unchanged { .. }) => "unveraendert=1".into(),
        Ok(SaveOutcome::Invalid { errors }) => {
            let text: Vec<String> = errors.iter().map(|e| e.describe(locale)).collect();
            format!("fehler={}", urlencode(&text.join(" · ")))
        }
        Ok(SaveOutcome::Conflict { current, .. }) => format!("konflikt={}", current.version),
        Err(e) => format!("fehler={}", urlencode(&e.message(locale))),
    }
}

/// The outcome of a save posted without JavaScript, from the query string of the redirect.
#[component]
fn PlainPostOutcome() -> impl IntoView {
    let query = use_query_map();
    let l = current_locale();
    move || {
        let q = query.read();
        if let Some(v) = q.get("gespeichert") {
            view! { <p class="success-notice" role="status">{td_string!(l, record.saved, version = v).to_string()}</p> }.into_any()
        } else if q.get("unveraendert").is_some() {
            view! { <p class="notice" role="status">{td_string!(l, record.unchanged)}</p> }
                .into_any()
        } else if let Some(v) = q.get("konflikt") {
            view! {
                <div class="conflict-notice" role="alert">
                    <h3>{td_string!(l, record.conflict_heading)}</h3>
                    <p>{td_string!(l, record.conflict_plain, version = v).to_string()}</p>
                </div>
            }
            .into_any()
        } else if let Some(text) = q.get("fehler") {
            view! {
                <div class="error-notice" role="alert">
                    <p><strong>{td_string!(l, record.nothing_saved_plain)}</strong>{text}</p>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    }
}

/// Someone saved first: what they changed, the stored state now, and a way to re-apply.
#[component]
fn ConflictView<F>(current: RecordDetail, theirs: Vec<HistoryEntry>, reapply: F) -> impl IntoView
where
    F: Fn(RecordDetail) + Copy + 'static,
{
    let version = current.version;
    let newer = StoredValue::new(current.clone());
    let l = current_locale();
    view! {
        <div class="conflict-notice" role="alert">
            <h3>{td_string!(l, record.conflict_heading)}</h3>
            <p>{td_string!(l, record.conflict_text, version = version).to_string()}</p>
            <History entries=theirs/>
            <p>{td_string!(l, record.conflict_now,
                status = current.status_label.as_str(),
                maturity = current.maturity.map_or_else(|| "–".into(), |m| m.to_string()),
                planned = date_or_dash(current.planned_go_live)).to_string()}</p>
            <p class="hint">{td_string!(l, record.conflict_hint)}</p>
            <button type="button" on:click=move |_| reapply(newer.get_value())>{td_string!(l, record.reapply)}</button>
        </div>
    }
}

/// A record's changes, newest first.
#[component]
pub fn History(entries: Vec<HistoryEntry>) -> impl IntoView {
    let l = current_locale();
    if entries.is_empty() {
        return view! { <p>{td_string!(l, record.no_history)}</p> }.into_any();
    }
    view! {
        <ol class="timeline" reversed=true>
            {entries.into_iter().rev().map(|e| view! {
                <li>
                    <p class="timeline-head">
                        <time datetime=e.occurred_at.to_rfc3339()>{format::datetime(e.occurred_at)}</time>
                        " · "<span class="actor">{e.actor.clone()}</span>
                        {e.is_demo.then(|| view! { " · "<span class="badge">{td_string!(l, record.demo)}</span> })}
                    </p>
                    <ul class="changes">
                        {e.changes.into_iter().map(|c| view! {
                            <li><span class="change-field">{c.label}</span>": "{c.old}" → "<strong>{c.new}</strong></li>
                        }).collect_view()}
                    </ul>
                    {e.comment.map(|c| view! { <p class="comment">{td_string!(l, record.comment_prefix)}{c}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
    .into_any()
}
