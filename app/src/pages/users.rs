//! Konten (administration): every account with role and scope; create accounts, change role,
//! scope and active flag, reset a password.

use crate::api::{list_users, SaveUser};
use crate::components::{loading, ErrorNotice, PageTitle};
use crate::current_locale;
use crate::domain::{Role, UserSummary};
use crate::i18n::td_string;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let save = ServerAction::<SaveUser>::new();
    let users = Resource::new(
        move || save.version().try_get().unwrap_or_default(),
        |_| list_users(),
    );
    let l = current_locale();
    view! {
        <PageTitle text=td_string!(l, users.title)/>
        <h1>{td_string!(l, users.title)}</h1>
        <div aria-live="polite">
            {move || save.value().get().map(|r| match r {
                Ok(u) => view! { <p class="success-notice" role="status">{td_string!(l, users.saved, email = u.email.as_str())}</p> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
            })}
        </div>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => view! { <UserList users=list save=save/> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                }
            })}
        </Transition>
        <section aria-labelledby="neu">
            <h2 id="neu">{td_string!(l, users.new_account)}</h2>
            <UserFormView user=None save=save/>
        </section>
    }
}

#[component]
fn UserList(users: Vec<UserSummary>, save: ServerAction<SaveUser>) -> impl IntoView {
    let l = current_locale();
    view! {
        <div class="table-wrap">
            <table>
                <caption>{match users.len() {
                    1 => td_string!(l, users.count_single).to_string(),
                    n => td_string!(l, users.count, count = n).to_string(),
                }}</caption>
                <thead><tr>
                    <th scope="col">{td_string!(l, users.name)}</th><th scope="col">{td_string!(l, users.email)}</th><th scope="col">{td_string!(l, users.role)}</th>
                    <th scope="col">{td_string!(l, users.scopes)}</th><th scope="col">{td_string!(l, users.active)}</th><th scope="col">{td_string!(l, users.edit)}</th>
                </tr></thead>
                <tbody>
                    {users.into_iter().map(|u| view! {
                        <tr>
                            <td>{u.display_name.clone()}</td>
                            <td>{u.email.clone()}</td>
                            <td>{u.role.label(l)}</td>
                            <td>{u.scopes.iter().map(|s| format!("{} ({})", s.name, s.code)).collect::<Vec<_>>().join(", ")}</td>
                            <td>{if u.active { td_string!(l, users.yes) } else { td_string!(l, users.no) }}</td>
                            <td>
                                <details>
                                    <summary>{td_string!(l, users.edit_user, name = u.display_name.as_str())}</summary>
                                    <UserFormView user=Some(u.clone()) save=save/>
                                </details>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn UserFormView(user: Option<UserSummary>, save: ServerAction<SaveUser>) -> impl IntoView {
    let prefix = user
        .as_ref()
        .map_or_else(|| "neu".into(), |u| format!("u{}", u.id));
    let id = move |name: &str| format!("{prefix}-{name}");
    let role = user.as_ref().map_or(Role::Koordination, |u| u.role);
    let scopes = user
        .as_ref()
        .map(|u| {
            u.scopes
                .iter()
                .map(|s| s.code.clone())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let active = user.as_ref().is_none_or(|u| u.active);
    let is_new = user.is_none();
    let l = current_locale();
    view! {
        <ActionForm action=save attr:class="stacked-form">
            {user.as_ref().map(|u| view! { <input type="hidden" name="form[id]" value=u.id.to_string()/> })}
            <label for=id("email")>{td_string!(l, users.email)}</label>
            <input id=id("email") name="form[email]" type="email" required=true readonly=!is_new
                value=user.as_ref().map(|u| u.email.clone()).unwrap_or_default()/>
            <label for=id("name")>{td_string!(l, users.name)}</label>
            <input id=id("name") name="form[display_name]" type="text" required=true
                value=user.as_ref().map(|u| u.display_name.clone()).unwrap_or_default()/>
            <label for=id("role")>{td_string!(l, users.role)}</label>
            <select id=id("role") name="form[role]">
                {Role::ALL.into_iter().map(|r| view! { <option value=r.code() selected=r == role>{r.label(l)}</option> }).collect_view()}
            </select>
            <label for=id("scopes")>{td_string!(l, users.scopes_label)}</label>
            <input id=id("scopes") name="form[scopes]" type="text" value=scopes placeholder=td_string!(l, users.scopes_placeholder)/>
            <div class="checkbox-row">
                <input id=id("active") name="form[active]" type="checkbox" value="true" checked=active/>
                <label for=id("active")>{td_string!(l, users.account_active)}</label>
            </div>
            <label for=id("password")>{if is_new { td_string!(l, users.first_password) } else { td_string!(l, users.new_password) }}</label>
            <input id=id("password") name="form[password]" type="password" autocomplete="new-password" required=is_new/>
            <button type="submit">{if is_new { td_string!(l, users.create) } else { td_string!(l, users.save) }}</button>
        </ActionForm>
    }
}
