//! Konto: the own account — password change (a plain form post) and personal API tokens.

use crate::api::{get_account, CreateToken, RevokeToken};
use crate::components::{loading, use_hydrated, ErrorNotice, NeedsJavaScript, PageTitle};
use crate::current_locale;
use crate::domain::{AccountWithTokens, ApiTokenInfo};
use crate::format;
use crate::i18n::{td_string, Locale};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The outcome of a password change (a code in the query string) and whether it succeeded.
fn password_message(code: &str, l: Locale) -> (&'static str, bool) {
    match code {
        "geaendert" => (td_string!(l, account.password_changed), true),
        "falsch" => (td_string!(l, account.password_wrong), false),
        "verschieden" => (td_string!(l, account.password_mismatch), false),
        "regeln" => (td_string!(l, account.password_rules), false),
        _ => (td_string!(l, account.password_failed), false),
    }
}

#[component]
pub fn AccountPageView() -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let revoke = ServerAction::<RevokeToken>::new();
    let account = Resource::new(
        move || {
            (
                create.version().try_get().unwrap_or_default(),
                revoke.version().try_get().unwrap_or_default(),
            )
        },
        |_| get_account(),
    );
    let query = use_query_map();
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, account.title)/>
        <h1>{td_string!(l, account.heading)}</h1>
        {move || query.read().get("passwort").map(|code| {
            let (text, ok) = password_message(&code, l);
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
    account: AccountWithTokens,
    create: ServerAction<CreateToken>,
    revoke: ServerAction<RevokeToken>,
) -> impl IntoView {
    let u = account.user;
    let l = current_locale();
    let hydrated = use_hydrated();
    view! {
        <dl class="facts">
            <dt>{td_string!(l, account.name)}</dt><dd>{u.display_name.clone()}</dd>
            <dt>{td_string!(l, account.email)}</dt><dd>{u.email.clone()}</dd>
            <dt>{td_string!(l, account.role)}</dt><dd>{u.role.label(l)}</dd>
            <dt>{td_string!(l, account.scopes)}</dt>
            <dd>{if u.scopes.is_empty() {
                if u.is_admin() { td_string!(l, account.all_org_units).to_owned() } else { "–".to_owned() }
            } else {
                u.scopes.iter().map(|s| format!("{} ({})", s.name, s.code)).collect::<Vec<_>>().join(", ")
            }}</dd>
        </dl>

        <section aria-labelledby="passwort">
            <h2 id="passwort">{td_string!(l, account.change_password)}</h2>
            <form method="post" action="/auth/passwort" class="stacked-form">
                <label for="pw-current">{td_string!(l, account.current_password)}</label>
                <input id="pw-current" name="current" type="password" autocomplete="current-password" required=true/>
                <label for="pw-new">{td_string!(l, account.new_password)}</label>
                <input id="pw-new" name="new" type="password" autocomplete="new-password" minlength="12" required=true/>
                <label for="pw-repeat">{td_string!(l, account.repeat_password)}</label>
                <input id="pw-repeat" name="repeat" type="password" autocomplete="new-password" minlength="12" required=true/>
                <button type="submit">{td_string!(l, account.change_password)}</button>
            </form>
        </section>

        <section aria-labelledby="tokens">
            <h2 id="tokens">{td_string!(l, account.tokens)}</h2>
            <p>{td_string!(l, account.tokens_intro_before)}
               <code>"Authorization: Bearer …"</code>{td_string!(l, account.tokens_intro_after)}
               <a href="/api/v1/openapi.json">{td_string!(l, account.api_description)}</a></p>
            <ActionForm action=create attr:class="inline-fields">
                <label for="token-name">{td_string!(l, account.token_name)}</label>
                <input id="token-name" name="name" type="text" required=true placeholder=td_string!(l, account.token_name_placeholder)/>
                // the new token is shown once, in this page: a post without JavaScript would
                // create it and lose it
                <button type="submit" disabled=move || !hydrated.get()>{td_string!(l, account.create_token)}</button>
            </ActionForm>
            <NeedsJavaScript hydrated=hydrated/>
            <div aria-live="polite">
                {move || create.value().get().map(|r| match r {
                    Ok(t) => view! {
                        <div class="success-notice" role="status">
                            <p>{td_string!(l, account.new_token, name = t.info.name.as_str())}</p>
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
    let l = current_locale();
    view! {
        <div class="table-wrap">
            <table>
                <caption>{td_string!(l, account.your_tokens)}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(l, account.name)}</th><th scope="col">{td_string!(l, account.created)}</th>
                    <th scope="col">{td_string!(l, account.last_used)}</th><th scope="col">{td_string!(l, account.status)}</th>
                </tr></thead>
                <tbody>
                    {tokens.is_empty().then(|| view! { <tr><td colspan="4">{td_string!(l, account.no_tokens)}</td></tr> })}
                    {tokens.into_iter().map(|t| view! {
                        <tr>
                            <td>{t.name.clone()}</td>
                            <td>{format::datetime(t.created_at)}</td>
                            <td>{t.last_used_at.map_or_else(|| td_string!(l, account.never).into(), format::datetime)}</td>
                            <td>{match t.revoked_at {
                                Some(at) => td_string!(l, account.revoked_on, date = format::datetime_date(at)).into_any(),
                                None => view! {
                                    <ActionForm action=revoke attr:class="inline-form">
                                        <input type="hidden" name="token_id" value=t.id.to_string()/>
                                        <button type="submit" aria-label=td_string!(l, account.revoke_token_label, name = t.name.as_str())>{td_string!(l, account.revoke)}</button>
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
