//! Einstellungen (administration): the status pipeline and its allowed steps, the Reifegrad
//! model and its level names, the target dates in the trend and the Landesbehörden. Each form
//! changes one thing; every change is written to the audit log.

use crate::api::{
    get_settings, AddAuthority, AddDeadline, AddStatus, ChooseMaturityModel, EditStatus,
    RemoveDeadline, RemoveStatus, RenameMaturityLevel, SetTransition,
};
use crate::components::{loading, ErrorNotice, PageTitle};
use crate::current_locale;
use crate::domain::{urlencode, MaturityModel, Phase, Settings, StatusSetting};
use crate::error::AppError;
use crate::format;
use crate::i18n::{td_string, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/verwaltung/einstellungen";

/// Where a settings form posted without JavaScript is sent back to: the page with the
/// outcome in its query string.
pub fn settings_outcome_path(result: &Result<Settings, AppError>, locale: Locale) -> String {
    match result {
        Ok(_) => format!("{PATH}?gespeichert=1"),
        Err(e) => format!("{PATH}?fehler={}", urlencode(&e.message(locale))),
    }
}

/// The outcome of the last change, for the one live region of the page.
type LastOutcome = RwSignal<Option<Result<(), AppError>>>;

/// One server action whose outcome goes to the page's live region.
fn action<S>(last: LastOutcome) -> ServerAction<S>
where
    S: ServerFn<Output = Settings, Error = AppError> + Clone + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    Effect::new(move |_| {
        if let Some(result) = action.value().get() {
            last.set(Some(result.map(drop)));
        }
    });
    action
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let l = current_locale();
    let last: LastOutcome = RwSignal::new(None);
    let actions = Actions {
        add_status: action(last),
        edit_status: action(last),
        remove_status: action(last),
        transition: action(last),
        model: action(last),
        level: action(last),
        add_deadline: action(last),
        remove_deadline: action(last),
        authority: action(last),
    };
    let settings = Resource::new(move || actions.version(), |_| get_settings());
    view! {
        <PageTitle text=td_string!(l, settings.title)/>
        <h1>{td_string!(l, settings.title)}</h1>
        <p class="lead">{td_string!(l, settings.lead)}" "
            <A href="/verwaltung/protokoll?art=einstellung_geaendert">{td_string!(l, settings.to_audit)}</A></p>
        <div aria-live="polite" data-testid="settings-outcome" class="sticky-outcome">
            <PlainPostOutcome/>
            {move || last.get().map(|r| match r {
                Ok(()) => view! { <p class="success-notice" role="status">{td_string!(l, settings.saved)}</p> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <StatusSection settings=s.clone() actions=actions/>
                        <TransitionSection settings=s.clone() actions=actions/>
                        <MaturitySection settings=s.clone() actions=actions/>
                        <DeadlineSection settings=s.clone() actions=actions/>
                        <AuthoritySection settings=s actions=actions/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    add_status: ServerAction<AddStatus>,
    edit_status: ServerAction<EditStatus>,
    remove_status: ServerAction<RemoveStatus>,
    transition: ServerAction<SetTransition>,
    model: ServerAction<ChooseMaturityModel>,
    level: ServerAction<RenameMaturityLevel>,
    add_deadline: ServerAction<AddDeadline>,
    remove_deadline: ServerAction<RemoveDeadline>,
    authority: ServerAction<AddAuthority>,
}

impl Actions {
    /// Changes with every finished change, so the settings are read again.
    fn version(&self) -> usize {
        [
            self.add_status.version().get(),
            self.edit_status.version().get(),
            self.remove_status.version().get(),
            self.transition.version().get(),
            self.model.version().get(),
            self.level.version().get(),
            self.add_deadline.version().get(),
            self.remove_deadline.version().get(),
            self.authority.version().get(),
        ]
        .iter()
        .sum()
    }
}

/// The outcome of a form posted without JavaScript, from the query string of the redirect.
#[component]
fn PlainPostOutcome() -> impl IntoView {
    let query = use_query_map();
    let l = current_locale();
    move || {
        let q = query.read();
        if q.get("gespeichert").is_some() {
            view! { <p class="success-notice" role="status">{td_string!(l, settings.saved)}</p> }
                .into_any()
        } else if let Some(text) = q.get("fehler") {
            view! { <div class="error-notice" role="alert"><p>{text}</p></div> }.into_any()
        } else {
            ().into_any()
        }
    }
}

/// A table of the page: its caption, column headings and rows.
#[component]
fn SettingsTable(
    #[prop(into)] testid: String,
    #[prop(into)] caption: String,
    headings: Vec<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid=testid>
                <caption>{caption}</caption>
                <thead><tr>
                    {headings.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}
                </tr></thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

fn phase_label(phase: Phase, l: Locale) -> &'static str {
    match phase {
        Phase::NotStarted => td_string!(l, settings.phase_not_started),
        Phase::Planning => td_string!(l, settings.phase_planning),
        Phase::Implementation => td_string!(l, settings.phase_implementation),
        Phase::Pilot => td_string!(l, settings.phase_pilot),
        Phase::Online => td_string!(l, settings.phase_online),
        Phase::Deferred => td_string!(l, settings.phase_deferred),
        Phase::NotRelevant => td_string!(l, settings.phase_not_relevant),
    }
}

#[component]
fn StatusSection(settings: Settings, actions: Actions) -> impl IntoView {
    let l = current_locale();
    let next_order = settings
        .statuses
        .iter()
        .map(|s| s.sort_order)
        .max()
        .unwrap_or(0)
        + 10;
    view! {
        <section aria-labelledby="status">
            <h2 id="status">{td_string!(l, settings.status_heading)}</h2>
            <p class="muted">{td_string!(l, settings.status_lead)}</p>
            <SettingsTable testid="status-table"
                caption=td_string!(l, settings.status_caption, count = settings.statuses.len()).to_string()
                headings=vec![td_string!(l, settings.col_code), td_string!(l, settings.col_label), td_string!(l, settings.col_phase),
                    td_string!(l, settings.col_order), td_string!(l, settings.col_records), td_string!(l, settings.col_edit)]>
                {settings.statuses.into_iter().map(|s| view! { <StatusRow status=s actions=actions/> }).collect_view()}
            </SettingsTable>
            <h3 id="neuer-status">{td_string!(l, settings.new_status)}</h3>
            <ActionForm action=actions.add_status attr:class="stacked-form" attr:aria-labelledby="neuer-status">
                <label for="ns-code">{td_string!(l, settings.col_code)}</label>
                <input id="ns-code" name="code" type="text" required=true pattern="[a-z][a-z0-9_]{1,39}" aria-describedby="ns-code-hint"/>
                <p class="hint" id="ns-code-hint">{td_string!(l, settings.code_hint)}</p>
                <label for="ns-label">{td_string!(l, settings.col_label)}</label>
                <input id="ns-label" name="label" type="text" required=true maxlength="80"/>
                <label for="ns-phase">{td_string!(l, settings.col_phase)}</label>
                <select id="ns-phase" name="phase" aria-describedby="ns-phase-hint">
                    {Phase::ALL.into_iter().map(|p| view! { <option value=p.code()>{phase_label(p, l)}</option> }).collect_view()}
                </select>
                <p class="hint" id="ns-phase-hint">{td_string!(l, settings.phase_hint)}</p>
                <label for="ns-order">{td_string!(l, settings.col_order)}</label>
                <input id="ns-order" name="sort_order" type="number" min="0" max="100000" value=next_order.to_string()/>
                <button type="submit">{td_string!(l, settings.add_status)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn StatusRow(status: StatusSetting, actions: Actions) -> impl IntoView {
    let l = current_locale();
    let StatusSetting {
        code,
        label,
        phase,
        sort_order,
        records,
        events,
    } = status.clone();
    let (label_id, order_id) = (format!("s-{code}-label"), format!("s-{code}-order"));
    let uses = td_string!(
        l,
        settings.status_uses,
        records = format::int(records),
        events = format::int(events)
    )
    .to_string();
    let summary = td_string!(l, settings.edit_status, label = label.as_str()).to_string();
    let remove = status.removable().then(|| {
        let name = td_string!(l, settings.remove_status, label = label.as_str()).to_string();
        let code = code.clone();
        view! {
            <ActionForm action=actions.remove_status>
                <input type="hidden" name="code" value=code/>
                <button type="submit" class="secondary">{name}</button>
            </ActionForm>
        }
    });
    let kept = (!status.removable())
        .then(|| view! { <p class="hint">{td_string!(l, settings.status_kept)}</p> });
    let (row_code, shown_code, shown_label) = (code.clone(), code.clone(), label.clone());
    view! {
        <tr data-status=row_code>
            <td><code>{shown_code}</code></td>
            <td>{shown_label}</td>
            <td>{phase_label(phase, l)}</td>
            <td class="num">{sort_order}</td>
            <td>{uses}</td>
            <td>
                <details>
                    <summary>{summary}</summary>
                    <ActionForm action=actions.edit_status attr:class="stacked-form">
                        <input type="hidden" name="code" value=code/>
                        <label for=label_id.clone()>{td_string!(l, settings.col_label)}</label>
                        <input id=label_id name="label" type="text" required=true maxlength="80" value=label/>
                        <label for=order_id.clone()>{td_string!(l, settings.col_order)}</label>
                        <input id=order_id name="sort_order" type="number" min="0" max="100000" value=sort_order.to_string()/>
                        <button type="submit">{td_string!(l, settings.save)}</button>
                    </ActionForm>
                    {remove}
                    {kept}
                </details>
            </td>
        </tr>
    }
}

#[component]
fn TransitionSection(settings: Settings, actions: Actions) -> impl IntoView {
    let l = current_locale();
    let statuses = settings.statuses.clone();
    let rows = statuses.clone().into_iter().map(|from| {
        let allowed: Vec<StatusSetting> = statuses
            .iter()
            .filter(|to| settings.allows(&from.code, &to.code))
            .cloned()
            .collect();
        let others: Vec<StatusSetting> = statuses
            .iter()
            .filter(|to| to.code != from.code && !settings.allows(&from.code, &to.code))
            .cloned()
            .collect();
        let from_code = from.code.clone();
        let from_label = from.label.clone();
        let allowed_view = if allowed.is_empty() {
            view! { <span class="muted">{td_string!(l, settings.no_steps)}</span> }.into_any()
        } else {
            let items = allowed.into_iter().map(|to| {
                let name = td_string!(l, settings.forbid_step, from = from_label.as_str(), to = to.label.as_str()).to_string();
                let from_code = from_code.clone();
                view! {
                    <li>
                        <ActionForm action=actions.transition attr:class="inline-form">
                            <input type="hidden" name="from" value=from_code/>
                            <input type="hidden" name="to" value=to.code/>
                            <input type="hidden" name="allowed" value="false"/>
                            {to.label}" "
                            <button type="submit" class="secondary small" aria-label=name.clone() title=name>{td_string!(l, settings.forbid)}</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view();
            view! { <ul class="inline-list">{items}</ul> }.into_any()
        };
        let add_view = (!others.is_empty()).then(|| {
            let select_id = format!("t-{}-nach", from.code);
            let select_label = td_string!(l, settings.allow_from, from = from_label.as_str()).to_string();
            let from_code = from_code.clone();
            view! {
                <ActionForm action=actions.transition attr:class="inline-form">
                    <input type="hidden" name="from" value=from_code/>
                    <input type="hidden" name="allowed" value="true"/>
                    <label for=select_id.clone() class="visually-hidden">{select_label}</label>
                    <select id=select_id name="to">
                        {others.into_iter().map(|to| view! { <option value=to.code>{to.label}</option> }).collect_view()}
                    </select>
                    " "<button type="submit">{td_string!(l, settings.allow)}</button>
                </ActionForm>
            }
        });
        view! {
            <tr data-from=from.code>
                <th scope="row">{from.label}</th>
                <td>{allowed_view}</td>
                <td>{add_view}</td>
            </tr>
        }
    }).collect_view();
    view! {
        <section aria-labelledby="schritte">
            <h2 id="schritte">{td_string!(l, settings.steps_heading)}</h2>
            <p class="muted">{td_string!(l, settings.steps_lead)}</p>
            <SettingsTable testid="transition-table"
                caption=td_string!(l, settings.steps_caption, count = settings.transitions.len()).to_string()
                headings=vec![td_string!(l, settings.col_from), td_string!(l, settings.col_allowed), td_string!(l, settings.col_allow)]>
                {rows}
            </SettingsTable>
        </section>
    }
}

#[component]
fn MaturitySection(settings: Settings, actions: Actions) -> impl IntoView {
    let l = current_locale();
    let current = settings.maturity_model.clone();
    let with_maturity = settings.records_with_maturity();
    let models = settings.maturity_models.clone();
    let choices = models.iter().map(|m| {
        let above = m.highest().map_or(0, |h| settings.records_above(h));
        let note = if above > 0 {
            td_string!(l, settings.model_refused, records = format::int(above)).to_string()
        } else {
            String::new()
        };
        view! { <option value=m.model.clone() selected=m.model == current>
            {format!("{} {}", td_string!(l, settings.model_option, model = m.model.as_str(), highest = m.highest().unwrap_or(0)), note)}
        </option> }
    }).collect_view();
    view! {
        <section aria-labelledby="reifegrad">
            <h2 id="reifegrad">{td_string!(l, settings.maturity_heading)}</h2>
            <p data-testid="maturity-current">{td_string!(l, settings.maturity_current, model = current.as_str(), records = format::int(with_maturity)).to_string()}</p>
            <ActionForm action=actions.model attr:class="inline-form">
                <label for="rg-modell">{td_string!(l, settings.model_label)}</label>" "
                <select id="rg-modell" name="model" aria-describedby="rg-modell-hint">{choices}</select>" "
                <button type="submit">{td_string!(l, settings.model_apply)}</button>
            </ActionForm>
            <p class="hint" id="rg-modell-hint">{td_string!(l, settings.model_hint)}</p>
            {models.into_iter().map(|m| view! { <LevelTable model=m actions=actions/> }).collect_view()}
        </section>
    }
}

#[component]
fn LevelTable(model: MaturityModel, actions: Actions) -> impl IntoView {
    let l = current_locale();
    let caption = td_string!(l, settings.levels_caption, model = model.model.as_str()).to_string();
    let name = model.model.clone();
    view! {
        <SettingsTable testid=format!("levels-{}", model.model) caption=caption
            headings=vec![td_string!(l, settings.col_level), td_string!(l, settings.col_label)]>
            {model.levels.into_iter().map(|level| {
                let id = format!("rg-{}-{}", name.replace('.', "-"), level.level);
                let name = name.clone();
                let hidden_label = td_string!(l, settings.level_label, model = name.as_str(), level = level.level).to_string();
                view! {
                    <tr>
                        <td class="num">{level.level}</td>
                        <td>
                            <ActionForm action=actions.level attr:class="inline-form">
                                <input type="hidden" name="model" value=name/>
                                <input type="hidden" name="level" value=level.level.to_string()/>
                                <label for=id.clone() class="visually-hidden">{hidden_label}</label>
                                <input id=id name="label" type="text" required=true maxlength="80" value=level.label/>" "
                                <button type="submit">{td_string!(l, settings.save)}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </SettingsTable>
    }
}

#[component]
fn DeadlineSection(settings: Settings, actions: Actions) -> impl IntoView {
    let l = current_locale();
    view! {
        <section aria-labelledby="zieldaten">
            <h2 id="zieldaten">{td_string!(l, settings.deadlines_heading)}</h2>
            <p class="muted">{td_string!(l, settings.deadlines_lead)}</p>
            <SettingsTable testid="deadline-table"
                caption=td_string!(l, settings.deadlines_caption, count = settings.deadlines.len()).to_string()
                headings=vec![td_string!(l, settings.col_date), td_string!(l, settings.col_label), td_string!(l, settings.col_edit)]>
                {settings.deadlines.into_iter().map(|d| {
                    let name = td_string!(l, settings.remove_deadline, date = format::date(d.date)).to_string();
                    view! {
                        <tr>
                            <td>{format::date(d.date)}</td>
                            <td>{d.label}</td>
                            <td>
                                <ActionForm action=actions.remove_deadline>
                                    <input type="hidden" name="date" value=d.date.to_string()/>
                                    <button type="submit" class="secondary">{name}</button>
                                </ActionForm>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </SettingsTable>
            <h3 id="neues-zieldatum">{td_string!(l, settings.new_deadline)}</h3>
            <ActionForm action=actions.add_deadline attr:class="stacked-form" attr:aria-labelledby="neues-zieldatum">
                <label for="zd-datum">{td_string!(l, settings.col_date)}</label>
                <input id="zd-datum" name="date" type="date" required=true min="2000-01-01" max="2100-12-31"/>
                <label for="zd-label">{td_string!(l, settings.col_label)}</label>
                <input id="zd-label" name="label" type="text" required=true maxlength="80"/>
                <button type="submit">{td_string!(l, settings.add_deadline)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn AuthoritySection(settings: Settings, actions: Actions) -> impl IntoView {
    let l = current_locale();
    view! {
        <section aria-labelledby="behoerden">
            <h2 id="behoerden">{td_string!(l, settings.authorities_heading)}</h2>
            <p class="muted">{td_string!(l, settings.authorities_lead)}</p>
            <ul data-testid="authority-list">
                {settings.authorities.into_iter().map(|u| view! {
                    <li><A href=format!("/organisationen/{}", u.code)>{u.name}</A>" ("{u.code}")"</li>
                }).collect_view()}
            </ul>
            <h3 id="neue-behoerde">{td_string!(l, settings.new_authority)}</h3>
            <ActionForm action=actions.authority attr:class="stacked-form" attr:aria-labelledby="neue-behoerde">
                <label for="lb-code">{td_string!(l, settings.authority_code)}</label>
                <input id="lb-code" name="code" type="text" required=true maxlength="20" pattern="[A-Za-z0-9_\\-]{2,20}"/>
                <label for="lb-name">{td_string!(l, settings.authority_name)}</label>
                <input id="lb-name" name="name" type="text" required=true maxlength="200"/>
                <button type="submit">{td_string!(l, settings.add_authority)}</button>
            </ActionForm>
        </section>
    }
}
