//! Anmelden: the only page anonymous visitors see (unless the operator opens read access).
//! The form posts to `/auth/anmelden`, which answers with a redirect; messages come back as
//! codes in the query string and are put into the user's language here.

use crate::api::get_current_user;
use crate::components::{loading, PageTitle};
use crate::current_locale;
use crate::i18n::{td_string, Locale};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn message(code: &str, l: Locale) -> &'static str {
    match code {
        "ungueltig" => td_string!(l, login.error_invalid),
        "gesperrt" => td_string!(l, login.error_throttled),
        _ => td_string!(l, login.error_other),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let l = current_locale();
    let query = use_query_map();
    let error = move || query.read().get("fehler").map(|c| message(&c, l));
    let logged_out = move || query.read().get("abgemeldet").is_some();
    let next = move || query.read().get("weiter").unwrap_or_else(|| "/".into());
    let user = Resource::new(|| (), |()| get_current_user());
    view! {
        <PageTitle text=td_string!(l, login.title)/>
        <h1>{td_string!(l, login.title)}</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(u) => view! {
                        <p>{td_string!(l, login.signed_in_as)}<strong>{u.display_name}</strong>" ("{u.email}"). "
                           <a href="/">{td_string!(l, common.to_dashboard)}</a></p>
                    }.into_any(),
                    None => view! {
                        {move || logged_out().then(|| view! { <p class="notice" role="status">{td_string!(l, login.signed_out)}</p> })}
                        {move || error().map(|m| view! { <div class="error-notice" role="alert" id="anmelden-fehler"><p>{m}</p></div> })}
                        <form method="post" action="/auth/anmelden" class="stacked-form login-form">
                            <input type="hidden" name="weiter" prop:value=next/>
                            <label for="email">{td_string!(l, login.email)}</label>
                            <input id="email" name="email" type="email" autocomplete="username" required=true
                                aria-describedby=move || error().map(|_| "anmelden-fehler")/>
                            <label for="password">{td_string!(l, login.password)}</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                            <button type="submit">{td_string!(l, login.submit)}</button>
                        </form>
                        <p class="muted">{td_string!(l, login.accounts_hint)}</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
