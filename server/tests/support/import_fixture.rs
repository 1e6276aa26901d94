//! The import tests' server: the test slice on a SQLite file with an administrator, and
//! the files it hands out and takes back.

use super::*;
use reqwest::StatusCode;
use serde_json::Value;
use server::auth::AuthSettings;

pub const CSV: &str = "text/csv";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub struct Fixture {
    pub srv: TestServer,
    pub admin: String,
}

/// A closed server on the test slice (every record "nicht begonnen", version 1) with an admin.
pub async fn fixture() -> Fixture {
    let srv = spawn_server(
        seeded(sqlite_file_storage().await).await,
        AuthSettings::default(),
    )
    .await;
    let admin = add_user(&srv, "ada@example.org", "admin", "").await;
    Fixture { srv, admin }
}

impl Fixture {
    /// GET `path` as the administrator; the answer must be 200.
    pub async fn download(&self, path: &str) -> Vec<u8> {
        let r = self
            .srv
            .client
            .get(format!("{}{path}", self.srv.base))
            .bearer_auth(&self.admin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.bytes().await.unwrap().to_vec()
    }

    /// The German CSV export of `query` as rows of cells (header first).
    pub async fn export(&self, query: &str) -> Vec<Vec<String>> {
        parse_german_csv(&self.download(&format!("/api/v1/records.csv?{query}")).await)
    }

    pub async fn import(
        &self,
        token: &str,
        query: &str,
        body: Vec<u8>,
        kind: &str,
    ) -> (u16, Value) {
        self.upload("status", token, query, body, kind).await
    }

    /// POSTs `body` to `/api/v1/imports/{endpoint}`: the status code and the JSON answer.
    pub async fn upload(
        &self,
        endpoint: &str,
        token: &str,
        query: &str,
        body: Vec<u8>,
        kind: &str,
    ) -> (u16, Value) {
        let r = self
            .srv
            .client
            .post(format!(
                "{}/api/v1/imports/{endpoint}?{query}",
                self.srv.base
            ))
            .bearer_auth(token)
            .header("content-type", kind)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A JSON answer of the API, read as the administrator.
    pub async fn json(&self, path: &str) -> Value {
        serde_json::from_slice(&self.download(path).await).unwrap()
    }
}

pub fn parse_german_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The position of the header cell `name` in the first row.
pub fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0].iter().position(|h| h == name).unwrap()
}
