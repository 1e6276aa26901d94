//! Anmelden: the only page anonymous visitors see (unless the operator opens read access).
//! The form posts to `/auth/anmelden`, which answers with a redirect; messages come back as
//! codes in the query string.

use crate::api::get_current_user;
use crate::components::loading;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn message(code: &str) -> &'static str {
    match code {
        "ungueltig" => "E-Mail-Adresse oder Passwort ist falsch, oder das Konto ist deaktiviert.",
        "gesperrt" => "Zu viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut.",
        _ => "Die Anmeldung ist fehlgeschlagen.",
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || query.read().get("fehler").map(|c| message(&c));
    let logged_out = move || query.read().get("abgemeldet").is_some();
    let next = move || query.read().get("weiter").unwrap_or_else(|| "/".into());
    let user = Resource::new(|| (), |_| get_current_user());
    view! {
        <Title text="Anmelden"/>
        <h1>"Anmelden"</h1>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match user.await.ok().flatten() {
                    Some(u) => view! {
                        <p>"Sie sind angemeldet als "<strong>{u.display_name}</strong>" ("{u.email}"). "
                           <a href="/">"Zur Übersicht"</a></p>
                    }.into_any(),
                    None => view! {
                        {move || logged_out().then(|| view! { <p class="notice" role="status">"Sie wurden abgemeldet."</p> })}
                        {move || error().map(|m| view! { <div class="error-notice" role="alert" id="anmelden-fehler"><p>{m}</p></div> })}
                        <form method="post" action="/auth/anmelden" class="stacked-form login-form">
                            <input type="hidden" name="weiter" prop:value=next/>
                            <label for="email">"E-Mail-Adresse"</label>
                            <input id="email" name="email" type="email" autocomplete="username" required=true
                                aria-describedby=move || error().map(|_| "anmelden-fehler")/>
                            <label for="password">"Passwort"</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                            <button type="submit">"Anmelden"</button>
                        </form>
                        <p class="muted">"Konten vergibt das Kompetenzzentrum (Administration). Passwort vergessen? Bitte wenden Sie sich an die Administration."</p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}
