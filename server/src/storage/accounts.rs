//! Users, their scopes, sessions, API tokens and the audit log. Secrets are stored only as
//! hashes (Argon2id for passwords, SHA-256 for random session and token secrets); none of
//! the types here is serialisable.

use super::{in_transaction, on_pool, Result, Storage, StorageError};
use app::domain::{
    ApiTokenInfo, AuditLine, CurrentUser, OrgUnitKind, Role, ScopeUnit, UserSummary,
};
use chrono::{DateTime, Utc};

/// A user with the password hash, for the login check.
pub struct StoredUser {
    pub user: CurrentUser,
    pub password_hash: String,
    pub active: bool,
}

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    /// Org unit codes (AGS, ministry code).
    pub scope_codes: Vec<String>,
}

pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub scope_codes: Vec<String>,
}

/// One line of the audit log.
pub struct AuditEntry<'a> {
    pub action: &'a str,
    pub actor: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub client_addr: Option<&'a str>,
    pub detail: Option<&'a str>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
    active: bool,
}

#[derive(sqlx::FromRow)]
struct ScopeRow {
    user_id: i64,
    id: i64,
    code: String,
    name: String,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.password_hash, u.active";

fn scope_unit(r: ScopeRow) -> Result<ScopeUnit> {
    Ok(ScopeUnit {
        id: r.id,
        kind: OrgUnitKind::from_code(&r.kind)
            .ok_or_else(|| StorageError::Inconsistent(format!("org unit kind {}", r.kind)))?,
        code: r.code,
        name: r.name,
    })
}

fn role(code: &str) -> Result<Role> {
    Role::from_code(code).ok_or_else(|| StorageError::Inconsistent(format!("role {code}")))
}

/// E-mail addresses are compared case-insensitively: stored lower-case.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Storage {
    pub async fn create_user(&self, new: &NewUser) -> Result<i64> {
        let email = normalise_email(&new.email);
        let now = Utc::now();
        let unit_ids = self.org_unit_ids(&new.scope_codes).await?;
        in_transaction!(self, tx => {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM app_user WHERE email = $1")
                .bind(&email).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                return Err(StorageError::Invalid(format!("Ein Konto mit der E-Mail-Adresse {email} gibt es bereits.")));
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO app_user (email, display_name, role, password_hash, active, created_at, password_changed_at) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $5) RETURNING id",
            )
            .bind(&email).bind(new.display_name.trim()).bind(new.role.code()).bind(&new.password_hash).bind(now)
            .fetch_one(&mut *tx).await?;
            for unit in &unit_ids {
                sqlx::query("INSERT INTO user_scope (user_id, org_unit_id) VALUES ($1, $2)")
                    .bind(id).bind(unit).execute(&mut *tx).await?;
            }
            Ok::<_, StorageError>(id)
        })
    }

    /// Changes name, role, active flag and scopes; deactivating ends every session and revokes
    /// every API token.
    pub async fn update_user(&self, id: i64, update: &UserUpdate) -> Result<()> {
        let unit_ids = self.org_unit_ids(&update.scope_codes).await?;
        in_transaction!(self, tx => {
            let n = sqlx::query("UPDATE app_user SET display_name = $1, role = $2, active = $3 WHERE id = $4")
                .bind(update.display_name.trim()).bind(update.role.code()).bind(update.active).bind(id)
                .execute(&mut *tx).await?.rows_affected();
            if n == 0 {
                return Err(StorageError::NotFound("Dieses Konto gibt es nicht.".into()));
            }
            sqlx::query("DELETE FROM user_scope WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            for unit in &unit_ids {
                sqlx::query("INSERT INTO user_scope (user_id, org_unit_id) VALUES ($1, $2)")
                    .bind(id).bind(unit).execute(&mut *tx).await?;
            }
            if !update.active {
                // a deactivated account keeps nothing that signs in, also once reactivated
                sqlx::query("DELETE FROM user_session WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
                sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(Utc::now()).bind(id).execute(&mut *tx).await?;
            }
            Ok::<_, StorageError>(())
        })
    }

    /// Ids of org units by code; an unknown code is an error naming it.
    async fn org_unit_ids(&self, codes: &[String]) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(codes.len());
        for code in codes {
            let id: Option<i64> = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT id FROM org_unit WHERE code = $1").bind(code.trim()).fetch_optional(pool).await?
            });
            ids.push(id.ok_or_else(|| {
                StorageError::Invalid(format!("Eine Organisationseinheit „{code}“ gibt es nicht."))
            })?);
        }
        ids.sort_unstable();
        ids.dedup();
        Ok(ids)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<StoredUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.email = $1");
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(normalise_email(email)).fetch_optional(pool).await?
        });
        self.with_scopes(row).await
    }

    pub async fn user_by_id(&self, id: i64) -> Result<Option<StoredUser>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u WHERE u.id = $1");
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        self.with_scopes(row).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn with_scopes(&self, row: Option<UserRow>) -> Result<Option<StoredUser>> {
        let Some(row) = row else { return Ok(None) };
        let scopes = self
            .scopes(Some(row.id))
            .await?
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        Ok(Some(StoredUser {
            user: CurrentUser {
                id: row.id,
                email: row.email,
                display_name: row.display_name,
                role: role(&row.role)?,
                scopes,
            },
            password_hash: row.password_hash,
            active: row.active,
        }))
    }

    /// (user id, unit) pairs of one user or of all users.
    async fn scopes(&self, user_id: Option<i64>) -> Result<Vec<(i64, ScopeUnit)>> {
        let sql = "SELECT us.user_id, o.id, o.code, o.name, o.kind FROM user_scope us \
                   JOIN org_unit o ON o.id = us.org_unit_id";
        let rows: Vec<ScopeRow> = on_pool!(self, pool => {
            match user_id {
                Some(id) => sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} WHERE us.user_id = $1 ORDER BY o.name"))).bind(id).fetch_all(pool).await?,
                None => sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} ORDER BY o.name"))).fetch_all(pool).await?,
            }
        });
        rows.into_iter()
            .map(|r| Ok((r.user_id, scope_unit(r)?)))
            .collect()
    }

    pub async fn list_users(&self) -> Result<Vec<UserSummary>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM app_user u ORDER BY u.email");
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        let scopes = self.scopes(None).await?;
        rows.into_iter()
            .map(|r| {
                Ok(UserSummary {
                    scopes: scopes
                        .iter()
                        .filter(|(u, _)| *u == r.id)
                        .map(|(_, s)| s.clone())
                        .collect(),
                    id: r.id,
                    email: r.email,
                    display_name: r.display_name,
                    role: role(&r.role)?,
                    active: r.active,
                })
            })
            .collect()
    }

    /// Sets a new password hash, ends every session of the user except `keep_session` and
    /// revokes every API token (a token made by whoever knew the old password must not
    /// outlive it).
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        in_transaction!(self, tx => {
            sqlx::query("UPDATE app_user SET password_hash = $1, password_changed_at = $2 WHERE id = $3")
                .bind(password_hash).bind(Utc::now()).bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM user_session WHERE user_id = $1 AND token_hash <> $2")
                .bind(user_id).bind(keep_session.unwrap_or("")).execute(&mut *tx).await?;
            sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(Utc::now()).bind(user_id).execute(&mut *tx).await?;
        });
        Ok(())
    }

    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = Utc::now();
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO user_session (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)")
                .bind(token_hash).bind(user_id).bind(now).bind(expires_at).execute(pool).await?;
        });
        Ok(())
    }

    /// The active user of an unexpired session.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<StoredUser>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM user_session s JOIN app_user u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active"
        );
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(Utc::now()).fetch_optional(pool).await?
        });
        self.with_scopes(row).await
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM user_session WHERE token_hash = $1")
                .bind(token_hash).execute(pool).await?;
        });
        Ok(())
    }

    /// Deletes the sessions that expired before `now` (they sign nobody in any more; the
    /// scheduled clean-up keeps the table small). Returns how many.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<u64> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM user_session WHERE expires_at < $1")
                .bind(now).execute(pool).await?.rows_affected()
        });
        Ok(deleted)
    }

    pub async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
    ) -> Result<ApiTokenInfo> {
        let now = Utc::now();
        let id: i64 = on_pool!(self, pool => {
            sqlx::query_scalar("INSERT INTO api_token (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(user_id).bind(name.trim()).bind(token_hash).bind(now).fetch_one(pool).await?
        });
        Ok(ApiTokenInfo {
            id,
            name: name.trim().to_owned(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// The active user of an unrevoked token; notes when it was last used.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<StoredUser>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM api_token t JOIN app_user u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active"
        );
        let row: Option<UserRow> = on_pool!(self, pool => {
            let row = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(pool).await?;
            if row.is_some() {
                // at most once a minute: a write per API request would halve SQLite's throughput
                let now = Utc::now();
                sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
                    .bind(now).bind(token_hash).bind(now - chrono::Duration::minutes(1)).execute(pool).await?;
            }
            row
        });
        self.with_scopes(row).await
    }

    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiTokenInfo>> {
        let rows: Vec<TokenRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name, created_at, last_used_at, revoked_at FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id DESC")
                .bind(user_id).fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenInfo {
                id: r.id,
                name: r.name,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// Revokes one of the user's own tokens; false when there is no such unrevoked token.
    pub async fn revoke_api_token(&self, user_id: i64, token_id: i64) -> Result<bool> {
        let n = on_pool!(self, pool => {
            sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
                .bind(Utc::now()).bind(token_id).bind(user_id).execute(pool).await?.rows_affected()
        });
        Ok(n == 1)
    }

    pub async fn audit(&self, e: &AuditEntry<'_>) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("INSERT INTO audit_log (occurred_at, action, actor, subject, client_addr, detail) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(Utc::now()).bind(e.action).bind(e.actor).bind(e.subject).bind(e.client_addr).bind(e.detail)
                .execute(pool).await?;
        });
        Ok(())
    }

    /// A page of the audit log, newest first, optionally of one action.
    pub async fn audit_page(
        &self,
        action: Option<&str>,
        page: u32,
        per_page: u32,
    ) -> Result<app::domain::Page<AuditLine>> {
        type Row = (
            DateTime<Utc>,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let offset = i64::from(page.max(1) - 1) * i64::from(per_page);
        let (total, rows): (i64, Vec<Row>) = on_pool!(self, pool => {
            match action {
                Some(a) => (
                    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1").bind(a).fetch_one(pool).await?,
                    sqlx::query_as("SELECT occurred_at, action, actor, subject, client_addr, detail FROM audit_log WHERE action = $1 ORDER BY id DESC LIMIT $2 OFFSET $3")
                        .bind(a).bind(i64::from(per_page)).bind(offset).fetch_all(pool).await?,
                ),
                None => (
                    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(pool).await?,
                    sqlx::query_as("SELECT occurred_at, action, actor, subject, client_addr, detail FROM audit_log ORDER BY id DESC LIMIT $1 OFFSET $2")
                        .bind(i64::from(per_page)).bind(offset).fetch_all(pool).await?,
                ),
            }
        });
        Ok(app::domain::Page {
            items: rows
                .into_iter()
                .map(
                    |(occurred_at, action, actor, subject, client_addr, detail)| AuditLine {
                        occurred_at,
                        action,
                        actor,
                        subject,
                        client_addr,
                        detail,
                    },
                )
                .collect(),
            total,
            page: page.max(1),
            per_page,
            next_after: None,
        })
    }
}
