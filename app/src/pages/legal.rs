//! Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit. The operator's details
//! come from the configuration (`OZG_OPERATOR_*`); what the application itself does with data
//! and how accessible it is, is stated here, where it can be kept true with the code.

use crate::api::get_site_info;
use crate::components::{loading, ErrorNotice, PageTitle};
use crate::current_locale;
use crate::domain::OperatorInfo;
use crate::i18n::{td_string, Locale};
use leptos::prelude::*;
use leptos_router::components::A;

/// Reads the operator's details, then renders `body` with them in the page's language.
fn with_operator<V: IntoView + 'static>(body: fn(OperatorInfo, Locale) -> V) -> impl IntoView {
    let l = current_locale();
    let info = Resource::new(|| (), |()| get_site_info());
    view! {
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(i) => body(i.operator, l).into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// In English, a note that the German text is the binding one.
fn translation_note(l: Locale) -> impl IntoView {
    (l == Locale::en).then(
        || view! { <p class="notice" role="note">{td_string!(l, legal.translation_note)}</p> },
    )
}

fn missing(what: &'static str, l: Locale) -> impl IntoView {
    view! { <span class="missing">{td_string!(l, legal.missing, what = what)}</span> }
}

fn value_or_missing(value: Option<String>, what: &'static str, l: Locale) -> AnyView {
    match value {
        Some(v) => v.into_any(),
        None => missing(what, l).into_any(),
    }
}

fn address(value: Option<String>, l: Locale) -> AnyView {
    match value {
        Some(a) => view! {
            <address>{a.split(';').map(|line| view! { {line.trim().to_owned()}<br/> }).collect_view()}</address>
        }
        .into_any(),
        None => view! { <p>{missing(td_string!(l, legal.missing_address), l)}</p> }.into_any(),
    }
}

fn mail_link(email: Option<String>, l: Locale) -> AnyView {
    match email {
        Some(e) => view! { <a href=format!("mailto:{e}")>{e.clone()}</a> }.into_any(),
        None => missing(td_string!(l, legal.missing_email), l).into_any(),
    }
}

#[component]
pub fn ImpressumPage() -> impl IntoView {
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, legal.impressum_title)/>
        <h1>{td_string!(l, legal.impressum_title)}</h1>
        {translation_note(l)}
        {with_operator(|o: OperatorInfo, l: Locale| {
            let configured = o.is_configured();
            view! {
                {(!configured).then(|| view! {
                    <p class="notice" role="note">{td_string!(l, legal.operator_not_configured)}</p>
                })}
                <h2>{td_string!(l, legal.operator_heading)}</h2>
                <p><strong>{value_or_missing(o.name.clone(), td_string!(l, legal.missing_name), l)}</strong></p>
                {address(o.address.clone(), l)}
                <dl class="facts">
                    <dt>{td_string!(l, legal.email)}</dt><dd>{mail_link(o.email.clone(), l)}</dd>
                    <dt>{td_string!(l, legal.phone)}</dt><dd>{value_or_missing(o.phone.clone(), td_string!(l, legal.missing_phone), l)}</dd>
                    <dt>{td_string!(l, legal.responsible)}</dt><dd>{value_or_missing(o.responsible.clone(), td_string!(l, legal.missing_responsible), l)}</dd>
                </dl>
                <h2>{td_string!(l, legal.software_heading)}</h2>
                <p>{td_string!(l, legal.software_text)}<A href="/datenquellen">{td_string!(l, legal.sources_link)}</A>"."</p>
            }
        })}
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, legal.privacy_title)/>
        <h1>{td_string!(l, legal.privacy_heading)}</h1>
        {translation_note(l)}
        {with_operator(|o: OperatorInfo, l: Locale| view! {
            <h2>{td_string!(l, legal.controller_heading)}</h2>
            <p>{value_or_missing(o.name.clone(), td_string!(l, legal.missing_controller_name), l)}</p>
            {address(o.address.clone(), l)}
            <p>{td_string!(l, legal.email_prefix)}{mail_link(o.email.clone(), l)}</p>
            <p>{td_string!(l, legal.privacy_officer_prefix)}{value_or_missing(o.privacy_officer.clone(), td_string!(l, legal.missing_privacy_officer), l)}</p>

            <h2>{td_string!(l, legal.data_heading)}</h2>
            <ul>
                <li><strong>{td_string!(l, legal.data_accounts_label)}</strong>{td_string!(l, legal.data_accounts)}</li>
                <li><strong>{td_string!(l, legal.data_history_label)}</strong>{td_string!(l, legal.data_history)}</li>
                <li><strong>{td_string!(l, legal.data_session_label)}</strong>{td_string!(l, legal.data_session)}</li>
                <li><strong>{td_string!(l, legal.data_audit_label)}</strong>{td_string!(l, legal.data_audit)}</li>
                <li><strong>{td_string!(l, legal.data_server_logs_label)}</strong>{td_string!(l, legal.data_server_logs)}</li>
            </ul>
            <h2>{td_string!(l, legal.third_parties_heading)}</h2>
            <p>{td_string!(l, legal.third_parties_text)}</p>
            <h2>{td_string!(l, legal.rights_heading)}</h2>
            <p>{td_string!(l, legal.rights_text)}
                {value_or_missing(o.supervisory_authority.clone(), td_string!(l, legal.missing_supervisory_authority), l)}"."</p>
        })}
    }
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, legal.accessibility_title)/>
        <h1>{td_string!(l, legal.accessibility_heading)}</h1>
        {translation_note(l)}
        {with_operator(|o: OperatorInfo, l: Locale| view! {
            <p>{td_string!(l, legal.accessibility_intro)}
                {value_or_missing(o.name.clone(), td_string!(l, legal.missing_operator), l)}"."</p>
            <h2>{td_string!(l, legal.compliance_heading)}</h2>
            <p>{td_string!(l, legal.compliance_before)}<strong>{td_string!(l, legal.compliance_partial)}</strong>
                {td_string!(l, legal.compliance_after)}</p>
            <h2>{td_string!(l, legal.not_accessible_heading)}</h2>
            <ul>
                <li>{td_string!(l, legal.not_accessible_charts)}</li>
                <li>{td_string!(l, legal.not_accessible_without_js)}</li>
                <li>{td_string!(l, legal.not_accessible_language_of_parts)}</li>
            </ul>
            <h2>{td_string!(l, legal.contact_heading)}</h2>
            <p>{td_string!(l, legal.contact_text)}{mail_link(o.email.clone(), l)}
                {o.phone.clone().map(|p| view! { {td_string!(l, legal.contact_phone)}{p} })}"."</p>
            <h2>{td_string!(l, legal.enforcement_heading)}</h2>
            <p>{td_string!(l, legal.enforcement_text)}
                {value_or_missing(o.enforcement_body.clone(), td_string!(l, legal.missing_enforcement_body), l)}"."</p>
            <p class="muted">{td_string!(l, legal.statement_date)}</p>
        })}
    }
}
