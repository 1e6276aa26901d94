//! Zuständigkeiten: who executes each service (level, lead unit, confirmation, exceptions),
//! filterable, with the Land's figures that rest on it; the administration changes one
//! service at a time after a dry run that shows how many records would be created, closed and
//! reopened and how the Land's figures would move.

use super::import::{Outcome, UploadForm};
use crate::api::{
    get_new_service_options, get_responsibility, list_responsibilities, AddService,
    ChangeResponsibility,
};
use crate::components::{loading, use_hydrated, ErrorNotice, NeedsJavaScript, PageTitle};
use crate::current_locale;
use crate::domain::{
    LageOption, NewService, NewServiceForm, NewServiceOptions, OrgUnitKind, OzgId, Responsibility,
    ResponsibilityEdit, ResponsibilityFigures, ResponsibilityImportReport, ResponsibilityLine,
    ResponsibilityMatrix, ResponsibilityOutcome, ResponsibilityQuery, ServiceResponsibility,
};
use crate::format;
use crate::i18n::{td_string, Locale};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ResponsibilitiesPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query
            .try_with(|q| ResponsibilityQuery::from_params(|k| q.get_str(k)))
            .unwrap_or_default()
    };
    let list = Resource::new(filter, list_responsibilities);
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, responsibilities.title)/>
        <h1>{td_string!(l, responsibilities.title)}</h1>
        <p class="lead">{td_string!(l, responsibilities.lead)}</p>
        <form method="get" action="/zustaendigkeiten" class="filter-form">
            <div>
                <label for="z-ebene">{td_string!(l, responsibilities.filter_level)}</label>
                <select id="z-ebene" name="ebene">
                    <option value="">{td_string!(l, responsibilities.all)}</option>
                    {Responsibility::ALL.into_iter().map(|r| view! {
                        <option value=r.code() selected=move || filter().level == Some(r)>{r.label(l)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="z-bestaetigt">{td_string!(l, responsibilities.filter_confirmed)}</label>
                <select id="z-bestaetigt" name="bestaetigt">
                    <option value="">{td_string!(l, responsibilities.all)}</option>
                    <option value="ja" selected=move || filter().confirmed == Some(true)>{td_string!(l, responsibilities.confirmed_yes)}</option>
                    <option value="nein" selected=move || filter().confirmed == Some(false)>{td_string!(l, responsibilities.confirmed_no)}</option>
                </select>
            </div>
            <div>
                <label for="z-q">{td_string!(l, responsibilities.filter_search)}</label>
                <input id="z-q" name="q" type="search" value=move || filter().q.unwrap_or_default()/>
            </div>
            <button type="submit">{td_string!(l, responsibilities.show)}</button>
        </form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(page) => view! { <ResponsibilityTable page=page/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "312 von 557 Zuständigkeiten bestätigt" and the municipal figures, with their denominators.
#[component]
fn FiguresSummary(figures: ResponsibilityFigures) -> impl IntoView {
    let l = current_locale();
    view! {
        <p class="kpi-note" data-testid="responsibility-figures">
            {td_string!(l, responsibilities.confirmed_summary,
                confirmed = format::int(figures.confirmed), total = format::int(figures.services)).to_string()}
            " · "
            {td_string!(l, responsibilities.municipal_summary,
                count = format::int(figures.municipal_services),
                online = format::int(figures.municipal_online),
                records = format::int(figures.municipal_records),
                share = format::percent(figures.municipal_online, figures.municipal_records)).to_string()}
        </p>
    }
}

fn confirmation_label(confirmed: bool, l: Locale) -> &'static str {
    if confirmed {
        td_string!(l, responsibilities.confirmed_yes)
    } else {
        td_string!(l, responsibilities.confirmed_no)
    }
}

fn lead_and_exceptions(s: &ServiceResponsibility) -> (String, String) {
    let lead = s
        .lead_unit
        .as_ref()
        .map_or_else(|| "–".to_owned(), |u| u.name.clone());
    let exceptions = s
        .exceptions
        .iter()
        .map(|u| u.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    (lead, exceptions)
}

fn records_text(s: &ServiceResponsibility, l: Locale) -> String {
    if s.records_closed > 0 {
        td_string!(
            l,
            responsibilities.records_with_closed,
            open = format::int(s.records_open),
            closed = format::int(s.records_closed)
        )
        .to_string()
    } else {
        format::int(s.records_open)
    }
}

#[component]
fn ResponsibilityTable(page: ResponsibilityMatrix) -> impl IntoView {
    let l = current_locale();
    let can_edit = page.can_edit;
    view! {
        <FiguresSummary figures=page.figures/>
        <p class="downloads">
            {td_string!(l, responsibilities.download)}" "
            <a href="/api/v1/responsibilities.csv" download="">"CSV"</a>", "
            <a href="/api/v1/responsibilities.xlsx" download="">"Excel"</a>
        </p>
        {can_edit.then(|| view! {
            <p><A href="/zustaendigkeiten/neue-leistung">{td_string!(l, responsibilities.add_link)}</A></p>
            <MatrixImport/>
        })}
        <div class="table-wrap">
            <table>
                <caption>{match page.items.len() {
                    1 => td_string!(l, responsibilities.count_single).to_string(),
                    n => td_string!(l, responsibilities.count, count = format::int(n as i64)).to_string(),
                }}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(l, responsibilities.col_service)}</th>
                    <th scope="col">{td_string!(l, responsibilities.col_themenfeld)}</th>
                    <th scope="col">{td_string!(l, responsibilities.col_level)}</th>
                    <th scope="col">{td_string!(l, responsibilities.col_lead)}</th>
                    <th scope="col">{td_string!(l, responsibilities.col_exceptions)}</th>
                    <th scope="col">{td_string!(l, responsibilities.col_confirmed)}</th>
                    <th scope="col" class="num">{td_string!(l, responsibilities.col_records)}</th>
                </tr></thead>
                <tbody>
                    {page.items.into_iter().map(|s| {
                        let (lead, exceptions) = lead_and_exceptions(&s);
                        let id = s.ozg_id;
                        view! {
                            <tr data-ozg-id=id.to_string()>
                                <td>
                                    <A href=format!("/leistungen/{id}")>{format!("{id} {}", s.name)}</A>
                                    {can_edit.then(|| view! {
                                        " "<A href=format!("/zustaendigkeiten/{id}") attr:class="small-link"
                                            attr:aria-label=format!("{} – {}", td_string!(l, responsibilities.edit), s.name)>
                                            {td_string!(l, responsibilities.edit)}</A>
                                    })}
                                </td>
                                <td>{s.themenfeld.clone()}</td>
                                <td>{s.level.label(l)}</td>
                                <td>{lead}</td>
                                <td>{exceptions}</td>
                                <td>{confirmation_label(s.confirmed, l)}</td>
                                <td class="num">{records_text(&s, l)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
pub fn ResponsibilityPageView() -> impl IntoView {
    let params = use_params_map();
    let id = move || {
        params
            .try_with(|p| p.get("ozg_id").and_then(|v| OzgId::parse(&v).ok()))
            .flatten()
    };
    let change = ServerAction::<ChangeResponsibility>::new();
    // reload the stored state after a change that was applied, not after a dry run: that
    // would rebuild the form from the stored values and drop what the user chose to apply
    let applied = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if change
            .value()
            .with(|v| matches!(v, Some(Ok(outcome)) if !outcome.dry_run))
        {
            applied.update(|n| *n += 1);
        }
    });
    let edit = Resource::new(
        move || (id(), applied.try_get().unwrap_or_default()),
        |(id, _)| async move {
            match id {
                Some(id) => get_responsibility(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, responsibilities.title)/>
        <p><A href="/zustaendigkeiten">{td_string!(l, responsibilities.back)}</A></p>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match edit.await {
                    Ok(Some(e)) => view! { <ResponsibilityForm edit=e change=change/> }.into_any(),
                    Ok(None) => view! { <crate::pages::NotFoundPage/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <div aria-live="polite">
            {move || change.value().get().map(|result| match result {
                Ok(outcome) => view! { <OutcomeView outcome=outcome/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn ResponsibilityForm(
    edit: ResponsibilityEdit,
    change: ServerAction<ChangeResponsibility>,
) -> impl IntoView {
    let l = current_locale();
    let s = edit.service;
    let id = s.ozg_id;
    let level = RwSignal::new(s.level);
    let lead = RwSignal::new(
        s.lead_unit
            .as_ref()
            .map(|u| u.code.clone())
            .unwrap_or_default(),
    );
    let confirmed = RwSignal::new(s.confirmed);
    let exceptions = RwSignal::new(
        s.exceptions
            .iter()
            .map(|u| u.code.clone())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let hydrated = use_hydrated();
    let send = move |dry_run: bool| {
        change.dispatch(ChangeResponsibility {
            ozg_id: id,
            level: level.get_untracked(),
            lead_unit: lead.get_untracked(),
            confirmed: confirmed.get_untracked(),
            exceptions: exceptions.get_untracked(),
            dry_run,
        });
    };
    let (current_lead, current_exceptions) = lead_and_exceptions(&s);
    let lead_units = edit.lead_units;
    view! {
        <h1>{td_string!(l, responsibilities.edit_title, name = format!("{id} {}", s.name)).to_string()}</h1>
        <dl class="facts">
            <dt>{td_string!(l, responsibilities.current)}</dt>
            <dd>{format!("{} · {} · {}", s.level.label(l), current_lead, confirmation_label(s.confirmed, l))}</dd>
            <dt>{td_string!(l, responsibilities.col_exceptions)}</dt>
            <dd>{if current_exceptions.is_empty() { "–".to_owned() } else { current_exceptions }}</dd>
            <dt>{td_string!(l, responsibilities.col_records)}</dt>
            <dd>{records_text(&s, l)}</dd>
        </dl>
        {if edit.can_edit {
            view! {
                <form class="stacked-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(true); }>
                    <label for="z-level">{td_string!(l, responsibilities.level_label)}</label>
                    <select id="z-level" on:change=move |ev| {
                        if let Some(r) = Responsibility::from_code(&event_target_value(&ev)) { level.set(r) }
                    }>
                        {Responsibility::ALL.into_iter().map(|r| view! {
                            <option value=r.code() selected=r == s.level>{r.label(l)}</option>
                        }).collect_view()}
                    </select>
                    <label for="z-lead">{td_string!(l, responsibilities.lead_label)}</label>
                    <select id="z-lead" disabled=move || !level.get().needs_lead_unit()
                        on:change=move |ev| lead.set(event_target_value(&ev))>
                        <option value="">{td_string!(l, responsibilities.lead_default)}</option>
                        {lead_units.into_iter().map(|u| {
                            let selected = s.lead_unit.as_ref().is_some_and(|c| c.code == u.code);
                            view! { <option value=u.code.clone() selected=selected>{format!("{} ({})", u.name, u.kind.label(l))}</option> }
                        }).collect_view()}
                    </select>
                    <label for="z-exceptions">{td_string!(l, responsibilities.exceptions_label)}</label>
                    <input id="z-exceptions" type="text" aria-describedby="z-exceptions-hint"
                        value=exceptions.get_untracked() on:input=move |ev| exceptions.set(event_target_value(&ev))/>
                    <p id="z-exceptions-hint" class="muted">{td_string!(l, responsibilities.exceptions_hint)}</p>
                    <div class="checkbox-row">
                        <input id="z-confirmed" type="checkbox" checked=s.confirmed
                            on:change=move |ev| confirmed.set(event_target_checked(&ev))/>
                        <label for="z-confirmed">{td_string!(l, responsibilities.confirmed_label)}</label>
                    </div>
                    <NeedsJavaScript hydrated=hydrated/>
                    <div class="button-row">
                        <button type="submit" disabled=move || !hydrated.get() || change.pending().get()>
                            {td_string!(l, responsibilities.dry_run)}
                        </button>
                        <button type="button" class="primary" disabled=move || !hydrated.get() || change.pending().get()
                            on:click=move |_| send(false)>
                            {td_string!(l, responsibilities.apply)}
                        </button>
                    </div>
                </form>
            }.into_any()
        } else {
            view! { <p class="note">{td_string!(l, responsibilities.admin_only)}</p> }.into_any()
        }}
    }
}

/// What a change or an addition did (or would do); `added`: the outcome of a new service.
#[component]
fn OutcomeView(outcome: ResponsibilityOutcome, #[prop(optional)] added: bool) -> impl IntoView {
    let l = current_locale();
    let (b, a) = (outcome.figures_before, outcome.figures_after);
    let of = |part: i64, whole: i64| {
        td_string!(
            l,
            responsibilities.of,
            part = format::int(part),
            whole = format::int(whole)
        )
        .to_string()
    };
    let rows: Vec<(&'static str, String, String)> = vec![
        (
            td_string!(l, responsibilities.figure_municipal_services),
            format::int(b.municipal_services),
            format::int(a.municipal_services),
        ),
        (
            td_string!(l, responsibilities.figure_municipal_online),
            format!(
                "{} ({})",
                of(b.municipal_online, b.municipal_records),
                format::percent(b.municipal_online, b.municipal_records)
            ),
            format!(
                "{} ({})",
                of(a.municipal_online, a.municipal_records),
                format::percent(a.municipal_online, a.municipal_records)
            ),
        ),
        (
            td_string!(l, responsibilities.figure_records_online),
            format!(
                "{} ({})",
                of(b.records_online, b.records_applicable),
                format::percent(b.records_online, b.records_applicable)
            ),
            format!(
                "{} ({})",
                of(a.records_online, a.records_applicable),
                format::percent(a.records_online, a.records_applicable)
            ),
        ),
        (
            td_string!(l, responsibilities.figure_confirmed),
            of(b.confirmed, b.services),
            of(a.confirmed, a.services),
        ),
    ];
    view! {
        <section class="outcome" data-testid="responsibility-outcome" role="status">
            <p class=if outcome.dry_run { "note" } else { "success-notice" }>
                {if outcome.dry_run { td_string!(l, responsibilities.outcome_dry) } else { td_string!(l, responsibilities.outcome_done) }}
            </p>
            <p>{if added {
                td_string!(l, responsibilities.outcome_added,
                    name = format!("{} {}", outcome.after.ozg_id, outcome.after.name), level = outcome.after.level.label(l)).to_string()
            } else {
                td_string!(l, responsibilities.outcome_change,
                    before = outcome.before.level.label(l), after = outcome.after.level.label(l)).to_string()
            }}</p>
            {(added && !outcome.dry_run).then(|| {
                let id = outcome.after.ozg_id;
                view! { <p><A href=format!("/leistungen/{id}")>{td_string!(l, responsibilities.added_open)}</A></p> }
            })}
            <p data-testid="responsibility-counts">{td_string!(l, responsibilities.outcome_records,
                created = format::int(outcome.records_created),
                closed = format::int(outcome.records_closed),
                reopened = format::int(outcome.records_reopened)).to_string()}</p>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">{td_string!(l, responsibilities.figure)}</th>
                        <th scope="col" class="num">{td_string!(l, responsibilities.before)}</th>
                        <th scope="col" class="num">{td_string!(l, responsibilities.after)}</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(name, before, after)| view! {
                            <tr><th scope="row">{name}</th><td class="num">{before}</td><td class="num">{after}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Adding a service the catalogue lacks (e.g. "Entschädigung nach § 56 Abs. 1 IfSG"): its
/// key, name, Lebenslage, LeiKa keys and types, and who executes it; a dry run first says how
/// many records it would bring, then it is added.
#[component]
pub fn NewServicePage() -> impl IntoView {
    let options = Resource::new(|| (), |()| get_new_service_options());
    let add = ServerAction::<AddService>::new();
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, responsibilities.add_title)/>
        <p><A href="/zustaendigkeiten">{td_string!(l, responsibilities.back)}</A></p>
        <h1>{td_string!(l, responsibilities.add_title)}</h1>
        <p class="lead">{td_string!(l, responsibilities.add_lead)}</p>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match options.await {
                    Ok(o) if o.can_edit => view! { <NewServiceForm options=o add=add/> }.into_any(),
                    Ok(_) => view! { <p class="note">{td_string!(l, responsibilities.admin_only)}</p> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <div aria-live="polite">
            {move || add.value().get().map(|result| match result {
                Ok(outcome) => view! { <OutcomeView outcome=outcome added=true/> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
    }
}

#[component]
fn NewServiceForm(options: NewServiceOptions, add: ServerAction<AddService>) -> impl IntoView {
    let l = current_locale();
    let ozg_id = RwSignal::new(
        options
            .suggested_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
    );
    let name = RwSignal::new(String::new());
    let lage = RwSignal::new(options.lagen.first().map_or(0, |g| g.id));
    let leika_keys = RwSignal::new(String::new());
    let leika_types = RwSignal::new(String::new());
    let level = RwSignal::new(Responsibility::Landesbehoerde);
    let lead = RwSignal::new(
        options
            .lead_units
            .iter()
            .find(|u| u.kind == OrgUnitKind::Landesbehoerde)
            .map(|u| u.code.clone())
            .unwrap_or_default(),
    );
    let confirmed = RwSignal::new(false);
    let hydrated = use_hydrated();
    let send = move |dry_run: bool| {
        add.dispatch(AddService {
            form: NewServiceForm {
                ozg_id: ozg_id.get_untracked(),
                name: name.get_untracked(),
                lage_id: lage.get_untracked(),
                leika_keys: leika_keys.get_untracked(),
                leika_types: leika_types.get_untracked(),
                level: level.get_untracked(),
                lead_unit: lead.get_untracked(),
                confirmed: confirmed.get_untracked(),
            },
            dry_run,
        });
    };
    // the Lebenslagen grouped by Themenfeld, in the order they come
    let mut groups: Vec<(String, Vec<LageOption>)> = Vec::new();
    for lage in options.lagen {
        match groups.last_mut() {
            Some((themenfeld, list)) if *themenfeld == lage.themenfeld => list.push(lage),
            _ => groups.push((lage.themenfeld.clone(), vec![lage])),
        }
    }
    let initial_lead = lead.get_untracked();
    view! {
        <form class="stacked-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); send(true); }>
            <label for="n-id">{td_string!(l, responsibilities.add_id)}</label>
            <input id="n-id" type="text" inputmode="numeric" required=true value=ozg_id.get_untracked()
                aria-describedby="n-id-hint" on:input=move |ev| ozg_id.set(event_target_value(&ev))/>
            <p id="n-id-hint" class="muted">{td_string!(l, responsibilities.add_id_hint)}</p>
            <label for="n-name">{td_string!(l, responsibilities.add_name)}</label>
            <input id="n-name" type="text" required=true maxlength=NewService::MAX_NAME.to_string()
                on:input=move |ev| name.set(event_target_value(&ev))/>
            <label for="n-lage">{td_string!(l, responsibilities.add_lage)}</label>
            <select id="n-lage" on:change=move |ev| {
                if let Ok(id) = event_target_value(&ev).parse() { lage.set(id) }
            }>
                {groups.into_iter().map(|(themenfeld, lagen)| view! {
                    <optgroup label=themenfeld>
                        {lagen.into_iter().map(|g| view! { <option value=g.id.to_string()>{g.name}</option> }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            <label for="n-leika">{td_string!(l, responsibilities.add_leika_keys)}</label>
            <input id="n-leika" type="text" aria-describedby="n-leika-hint"
                on:input=move |ev| leika_keys.set(event_target_value(&ev))/>
            <p id="n-leika-hint" class="muted">{td_string!(l, responsibilities.add_leika_keys_hint)}</p>
            <label for="n-types">{td_string!(l, responsibilities.add_leika_types)}</label>
            <input id="n-types" type="text" aria-describedby="n-types-hint"
                on:input=move |ev| leika_types.set(event_target_value(&ev))/>
            <p id="n-types-hint" class="muted">{td_string!(l, responsibilities.add_leika_types_hint)}</p>
            <label for="n-level">{td_string!(l, responsibilities.level_label)}</label>
            <select id="n-level" on:change=move |ev| {
                if let Some(r) = Responsibility::from_code(&event_target_value(&ev)) { level.set(r) }
            }>
                {Responsibility::ALL.into_iter().map(|r| view! {
                    <option value=r.code() selected=r == Responsibility::Landesbehoerde>{r.label(l)}</option>
                }).collect_view()}
            </select>
            <label for="n-lead">{td_string!(l, responsibilities.lead_label)}</label>
            <select id="n-lead" disabled=move || !level.get().needs_lead_unit()
                on:change=move |ev| lead.set(event_target_value(&ev))>
                <option value="">{td_string!(l, responsibilities.lead_default)}</option>
                {options.lead_units.into_iter().map(|u| {
                    let selected = u.code == initial_lead;
                    view! { <option value=u.code.clone() selected=selected>{format!("{} ({})", u.name, u.kind.label(l))}</option> }
                }).collect_view()}
            </select>
            <div class="checkbox-row">
                <input id="n-confirmed" type="checkbox" on:change=move |ev| confirmed.set(event_target_checked(&ev))/>
                <label for="n-confirmed">{td_string!(l, responsibilities.confirmed_label)}</label>
            </div>
            <NeedsJavaScript hydrated=hydrated/>
            <div class="button-row">
                <button type="submit" disabled=move || !hydrated.get() || add.pending().get()>
                    {td_string!(l, responsibilities.dry_run)}
                </button>
                <button type="button" class="primary" disabled=move || !hydrated.get() || add.pending().get()
                    on:click=move |_| send(false)>
                    {td_string!(l, responsibilities.add_apply)}
                </button>
            </div>
        </form>
    }
}

/// The administration's import of the whole matrix: the downloaded file, edited, comes back;
/// a dry run lists what changes and every line error, then it is taken over whole.
#[component]
fn MatrixImport() -> impl IntoView {
    let l = current_locale();
    let outcome = RwSignal::new(None::<Outcome<ResponsibilityImportReport>>);
    view! {
        <details class="matrix-import">
            <summary>{td_string!(l, responsibilities.import_title)}</summary>
            <p>{td_string!(l, responsibilities.import_lead)}</p>
            <UploadForm kind="responsibilities" file_id="matrix-file" file_label=td_string!(l, responsibilities.import_file)
                outcome=outcome query=|dry_run: bool| format!("dry_run={dry_run}")
                can_apply=ResponsibilityImportReport::can_apply
                result=|report| view! { <MatrixImportResult report=report/> }.into_any()/>
        </details>
    }
}

#[component]
fn MatrixImportResult(report: ResponsibilityImportReport) -> impl IntoView {
    let l = current_locale();
    let heading = if report.dry_run {
        td_string!(l, responsibilities.import_dry)
    } else if report.written {
        td_string!(l, responsibilities.import_written)
    } else {
        td_string!(l, responsibilities.import_nothing)
    };
    let line_rows = |lines: Vec<ResponsibilityLine>, errors: bool| {
        lines
            .into_iter()
            .map(|line| {
                let what = if errors {
                    line.errors.join(" ")
                } else {
                    line.changes.join("; ")
                };
                view! {
                    <tr>
                        <td>{line.position}</td>
                        <td>{line.ozg_id.map(|id| id.to_string()).unwrap_or_default()}</td>
                        <td>{what}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let has_failed = !report.failed.is_empty();
    let has_changed = !report.changed.is_empty();
    view! {
        <section class="import-result" data-testid="matrix-import-result">
            <h3>{heading}</h3>
            <p>{td_string!(l, responsibilities.import_summary,
                lines = format::int(report.lines_read as i64), kind = report.file_kind.clone(),
                changed = format::int(report.changed.len() as i64), unchanged = format::int(report.unchanged as i64),
                failed = format::int(report.failed.len() as i64)).to_string()}</p>
            // what the records would undergo is known only for a file without errors
            {(has_changed && !has_failed).then(|| view! {
                <p>{td_string!(l, responsibilities.outcome_records,
                    created = format::int(report.records_created), closed = format::int(report.records_closed),
                    reopened = format::int(report.records_reopened)).to_string()}</p>
            })}
            {has_failed.then(|| view! {
                <div class="table-wrap"><table>
                    <caption>{td_string!(l, responsibilities.import_failed)}</caption>
                    <thead><tr><th scope="col">{td_string!(l, responsibilities.import_position)}</th><th scope="col">"OZG-ID"</th>
                        <th scope="col">{td_string!(l, responsibilities.import_errors)}</th></tr></thead>
                    <tbody>{line_rows(report.failed.clone(), true)}</tbody>
                </table></div>
            })}
            {has_changed.then(|| view! {
                <div class="table-wrap"><table>
                    <caption>{td_string!(l, responsibilities.import_changed)}</caption>
                    <thead><tr><th scope="col">{td_string!(l, responsibilities.import_position)}</th><th scope="col">"OZG-ID"</th>
                        <th scope="col">{td_string!(l, responsibilities.import_changes)}</th></tr></thead>
                    <tbody>{line_rows(report.changed.clone(), false)}</tbody>
                </table></div>
            })}
        </section>
    }
}
