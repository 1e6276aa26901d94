//! Konto: the own account — password change (a plain form post) and personal API tokens.

use crate::api::{get_account, CreateToken, RevokeToken};
use crate::components::{loading, ErrorNotice};
use crate::domain::{AccountPage, ApiTokenInfo};
use crate::format;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn password_message(code: &str) -> (&'static str, bool) {
    match code {
        "geaendert" => ("Das Passwort wurde geändert. Alle anderen Sitzungen wurden beendet.", true),
        "falsch" => ("Das bisherige Passwort ist falsch. Nichts wurde geändert.", false),
        "verschieden" => ("Die beiden neuen Passwörter stimmen nicht überein. Nichts wurde geändert.", false),
        "regeln" => ("Das neue Passwort muss mindestens 12 Zeichen lang sein und darf nicht die E-Mail-Adresse sein.", false),
        _ => ("Das Passwort konnte nicht geändert werden.", false),
    }
}

#[component]
pub fn AccountPageView() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let account = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| get_account(),
    );
    let query = use_query_map();
    view! {
        <Title text="Konto"/>
        <h1>"Mein Konto"</h1>
        {move || query.read().get("passwort").map(|code| {
            let (text, ok) = password_message(&code);
            view! { <p class=if ok { "success-notice" } else { "error-notice" } role="status">{text}</p> }
        })}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(a) => view! { <AccountBody account=a create=create revoke=revoke/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountBody(
    account: AccountPage,
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let u = account.user;
    view! {
        <dl class="facts">
            <dt>"Name"</dt><dd>{u.display_name.clone()}</dd>
            <dt>"E-Mail-Adresse"</dt><dd>{u.email.clone()}</dd>
            <dt>"Rolle"</dt><dd>{u.role.label(crate::current_locale())}</dd>
            <dt>"Zuständig für"</dt>
            <dd>{if u.scopes.is_empty() {
                if u.is_admin() { "alle Organisationseinheiten".to_owned() } else { "–".to_owned() }
            } else {
                u.scopes.iter().map(|s| format!("{} ({})", s.name, s.code)).collect::<Vec<_>>().join(", ")
            }}</dd>
        </dl>

        <section aria-labelledby="passwort">
            <h2 id="passwort">"Passwort ändern"</h2>
            <form method="post" action="/auth/passwort" class="stacked-form">
                <label for="pw-current">"Bisheriges Passwort"</label>
                <input id="pw-current" name="current" type="password" autocomplete="current-password" required=true/>
                <label for="pw-new">"Neues Passwort (mindestens 12 Zeichen)"</label>
                <input id="pw-new" name="new" type="password" autocomplete="new-password" minlength="12" required=true/>
                <label for="pw-repeat">"Neues Passwort wiederholen"</label>
                <input id="pw-repeat" name="repeat" type="password" autocomplete="new-password" minlength="12" required=true/>
                <button type="submit">"Passwort ändern"</button>
            </form>
        </section>

        <section aria-labelledby="tokens">
            <h2 id="tokens">"API-Tokens"</h2>
            <p>"Mit einem persönlichen Token greifen Programme in Ihrem Namen auf die Schnittstelle zu ("
               <code>"Authorization: Bearer …"</code>"), mit denselben Rechten wie Sie. "
               <a href="/api/v1/openapi.json">"Beschreibung der Schnittstelle (OpenAPI)"</a></p>
            <ActionForm action=create attr:class="inline-fields">
                <label for="token-name">"Name des Tokens"</label>
                <input id="token-name" name="name" type="text" required=true placeholder="z. B. Monatsabgleich Kreis"/>
                <button type="submit">"Token erstellen"</button>
            </ActionForm>
            <div aria-live="polite">
                {move || create.value().get().map(|r| match r {
                    Ok(t) => view! {
                        <div class="success-notice" role="status">
                            <p>"Neues Token „"{t.info.name}"“ – jetzt kopieren, es wird nur dieses eine Mal angezeigt:"</p>
                            <p><code class="token-secret">{t.secret}</code></p>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                })}
            </div>
            <TokenTable tokens=account.tokens revoke=revoke/>
        </section>
    }
}

#[component]
fn TokenTable(tokens: Vec<ApiTokenInfo>, revoke: ServerAction<RevokeToken>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table>
                <caption>"Ihre Tokens"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Erstellt"</th>
                    <th scope="col">"Zuletzt benutzt"</th><th scope="col">"Status"</th>
                </tr></thead>
                <tbody>
                    {tokens.is_empty().then(|| view! { <tr><td colspan="4">"Noch keine Tokens."</td></tr> })}
                    {tokens.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td>{format::datetime(t.created_at)}</td>
                            <td>{t.last_used_at.map(format::datetime).unwrap_or_else(|| "nie".into())}</td>
                            <td>{match t.revoked_at {
                                Some(at) => format!("widerrufen am {}", format::datetime_date(at)).into_any(),
                                None => view! {
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="token_id" value=t.id.to_string()/>
                                        <button type="submit" aria-label=format!("Token {} widerrufen", t.name)>"Widerrufen"</button>
                                    </ActionForm>
                                }.into_any(),
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
