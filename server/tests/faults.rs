//! Faults, with the real `ozg-monitor` binary: killed with SIGKILL while coordinators write,
//! stopped with SIGTERM during a request, and its PostgreSQL stopped under load. Traffic goes
//! only to 127.0.0.1; every test bounds its time.

mod support;

use server::scheduled::{Job, HISTORY_BROKEN, HISTORY_CHECKED};
use server::storage::Storage;
use std::collections::HashMap;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

const PASSWORD: &str = "fehler-test-passwort-1";

fn temp_dir(kind: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ozg-{kind}-{}", unique_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn binary(database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ozg-monitor"));
    command
        .env("DATABASE_URL", database_url)
        .env("OZG_DEMO_DATA", "false")
        .env("OZG_PUBLIC_READ", "true")
        // scheduled work every second, so it runs during the faults below
        .env("OZG_SESSION_CLEANUP_SECONDS", "1")
        .env("OZG_HISTORY_CHECK_SECONDS", "1")
        .env("RUST_LOG", "warn");
    command
}

/// Runs an administrative command; its stdout.
fn cli(database_url: &str, args: &[&str]) -> String {
    let out = binary(database_url)
        .args(args)
        .env("OZG_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// An administrator's API token (creating the account on first use).
fn admin_token(database_url: &str) -> String {
    cli(
        database_url,
        &[
            "user",
            "add",
            "--email",
            "fehler@test.example",
            "--role",
            "admin",
        ],
    );
    cli(
        database_url,
        &["token", "create", "--email", "fehler@test.example"],
    )
    .trim()
    .to_owned()
}

/// A running server process.
struct Instance {
    child: Child,
    base: String,
}

impl Instance {
    async fn start(database_url: &str, log: &std::path::Path) -> Self {
        let port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap();
        let child = binary(database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        let instance = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_mins(3);
        while Instant::now() < deadline {
            if let Ok(r) = client.get(instance.url("/healthz")).send().await {
                if r.status().is_success() {
                    return instance;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("the server did not come up within 180 s");
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn kill_9(&mut self) {
        self.signal("KILL");
        self.child.wait().unwrap();
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn record_ids(srv: &Instance, token: &str, n: usize) -> Vec<(i64, i64)> {
    let answer = client()
        .get(srv.url("/api/v1/records?ozg_id=10124&pro_seite=100"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let (_, body) = api_contract::checked("get", answer).await;
    let items = body["items"].as_array().expect("records");
    assert!(items.len() >= n, "{} records", items.len());
    items
        .iter()
        .take(n)
        .map(|r| (r["id"].as_i64().unwrap(), r["version"].as_i64().unwrap()))
        .collect()
}

/// What the writers were told was stored.
#[derive(Default)]
struct Acknowledged {
    /// (record, note) of every 200 to a PATCH
    notes: Vec<(i64, String)>,
    /// when each of `notes` was acknowledged
    acknowledged_at: Vec<Instant>,
    /// comment of every bulk request sent → whether it was acknowledged
    /// comment of every bulk request sent → how many records it changed, if it was answered
    /// (all of them, unless a concurrent writer got to some first)
    bulks: HashMap<String, Option<usize>>,
    /// 409 answers (another writer saved the record first)
    conflicts: usize,
    /// an answer that ended a writer before `stop` (other than a dropped connection)
    stopped_by: Vec<String>,
}

const SINGLE_WRITERS: usize = 4;
const RECORDS_PER_WRITER: usize = 5;
const BULK_RECORDS: usize = 8;
static BULK_SEQUENCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static NOTE_SEQUENCE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Writers until `stop`: each single writer edits notes of its own records, one writer sends
/// bulk updates (maturity flips, so each bulk changes every record).
async fn write_until(
    base: &str,
    token: &str,
    records: &[(i64, i64)],
    stop: Arc<AtomicBool>,
) -> Acknowledged {
    let mut tasks = Vec::new();
    for w in 0..SINGLE_WRITERS {
        let mine: Vec<(i64, i64)> =
            records[w * RECORDS_PER_WRITER..(w + 1) * RECORDS_PER_WRITER].to_vec();
        let (url, token, stop) = (
            format!("{base}/api/v1/records/"),
            token.to_owned(),
            stop.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let client = client();
            let mut versions: HashMap<i64, i64> = mine.iter().copied().collect();
            let mut acknowledged = Acknowledged::default();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let id = mine[i % mine.len()].0;
                // unique across rounds and tests, so each acknowledged note is found exactly once
                let note = format!("w{w}-{}", NOTE_SEQUENCE.fetch_add(1, Ordering::Relaxed));
                let sent = client
                    .patch(format!("{url}{id}"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({ "version": versions[&id], "note": note }))
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status() == 409 {
                    // someone else saved first: reload and go on, as the edit page does
                    let Ok(current) = client
                        .get(format!("{url}{id}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                    else {
                        break;
                    };
                    let Ok(body) = current.json::<serde_json::Value>().await else {
                        break;
                    };
                    versions.insert(id, body["version"].as_i64().unwrap_or(versions[&id]));
                    acknowledged.conflicts += 1;
                    // the same record again, with the version just read (moving on to the next
                    // record instead let two writers cycling through the same records in step
                    // starve one of them: its versions were always one round old)
                    continue;
                }
                if response.status() != 200 {
                    acknowledged
                        .stopped_by
                        .push(format!("PATCH {id}: {}", response.status()));
                    break;
                }
                i += 1;
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    break;
                };
                versions.insert(id, body["version"].as_i64().unwrap());
                acknowledged.notes.push((id, note));
                acknowledged.acknowledged_at.push(Instant::now());
            }
            acknowledged
        }));
    }
    let bulk_ids: Vec<i64> = records[SINGLE_WRITERS * RECORDS_PER_WRITER..][..BULK_RECORDS]
        .iter()
        .map(|r| r.0)
        .collect();
    let (url, token2, stop2) = (
        format!("{base}/api/v1/records/bulk"),
        token.to_owned(),
        stop.clone(),
    );
    tasks.push(tokio::spawn(async move {
        let client = client();
        let mut acknowledged = Acknowledged::default();
        while !stop2.load(Ordering::Relaxed) {
            // a planned date never used before: every bulk changes all its records
            let k = BULK_SEQUENCE.fetch_add(1, Ordering::Relaxed);
            let comment = format!("bulk-{k}");
            let planned =
                chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() + chrono::Days::new(k as u64);
            acknowledged.bulks.insert(comment.clone(), None);
            let sent = client
                .post(&url)
                .bearer_auth(&token2)
                .json(&serde_json::json!({
                    "record_ids": bulk_ids,
                    "planned_go_live": planned.format("%d.%m.%Y").to_string(),
                    "comment": comment,
                }))
                .send()
                .await;
            match sent {
                Ok(r) if r.status() == 200 => {
                    let body: serde_json::Value = match r.json().await {
                        Ok(b) => b,
                        Err(_) => break,
                    };
                    let changed = body["changed"].as_array().unwrap().len();
                    let refused = body["refused"].as_array().unwrap();
                    assert!(
                        refused.iter().all(|r| r["reason"]
                            .as_str()
                            .unwrap()
                            .contains("gerade von jemand anderem")),
                        "only concurrent edits refuse a bulk update here: {body}"
                    );
                    assert_eq!(changed + refused.len(), BULK_RECORDS, "{body}");
                    acknowledged.bulks.insert(comment, Some(changed));
                }
                Ok(r) => {
                    acknowledged
                        .stopped_by
                        .push(format!("bulk: {}", r.status()));
                    break;
                }
                Err(_) => break,
            }
        }
        acknowledged
    }));
    let mut all = Acknowledged::default();
    for t in tasks {
        let a = t.await.unwrap();
        all.notes.extend(a.notes);
        all.acknowledged_at.extend(a.acknowledged_at);
        all.bulks.extend(a.bulks);
        all.conflicts += a.conflicts;
        all.stopped_by.extend(a.stopped_by);
    }
    all
}

async fn kill_9_loses_no_acknowledged_write(database_url: &str) {
    let dir = temp_dir("kill9");
    let log = dir.join("server.log");
    let token = admin_token(database_url);
    let mut srv = Instance::start(database_url, &log).await;
    let records = record_ids(
        &srv,
        &token,
        SINGLE_WRITERS * RECORDS_PER_WRITER + BULK_RECORDS,
    )
    .await;
    let base = srv.base.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let killer = {
        let stop = stop.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(2500)).await;
            srv.kill_9();
            stop.store(true, Ordering::Relaxed);
            srv
        }
    };
    let (acknowledged, srv) = tokio::join!(write_until(&base, &token, &records, stop), killer);
    drop(srv);
    assert!(
        acknowledged.notes.len() > 20,
        "writes got through before the kill: {}",
        acknowledged.notes.len()
    );

    // the restarted server comes up on the same database …
    let restarted = Instance::start(database_url, &log).await;
    drop(restarted);
    // … and every acknowledged write is there, with its event, exactly once
    let storage = Storage::connect(database_url).await.unwrap();
    let mut events: HashMap<i64, Vec<server::storage::StoredEvent>> = HashMap::new();
    for (id, _) in &records {
        events.insert(*id, storage.record_events(*id).await.unwrap());
    }
    assert_notes_stored_once(&storage, &acknowledged.notes).await;
    // a bulk update is in the history exactly as answered; one cut off by the kill is in it
    // for all its records or for none
    for (comment, answered) in &acknowledged.bulks {
        let n = events
            .values()
            .flatten()
            .filter(|e| e.comment.as_deref() == Some(comment.as_str()))
            .count();
        match answered {
            Some(changed) => assert_eq!(n, *changed, "acknowledged {comment}"),
            None => assert!(
                n == 0 || n == BULK_RECORDS,
                "{comment}: {n} of {BULK_RECORDS} records"
            ),
        }
    }
    assert_history_whole(&storage, &records).await;
    storage.close().await;
    eprintln!(
        "kill -9: {} acknowledged edits and {} acknowledged bulk updates survived",
        acknowledged.notes.len(),
        acknowledged.bulks.values().filter(|a| a.is_some()).count()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_write_sqlite() {
    let dir = temp_dir("kill9-db");
    let url = format!("sqlite:{}/ozg.db", dir.display());
    kill_9_loses_no_acknowledged_write(&url).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_write_postgres() {
    if let Some(url) = postgres_database_url().await {
        kill_9_loses_no_acknowledged_write(&url).await;
    }
}

/// Sends a request whose body arrives slowly, stops the server with SIGTERM while it waits for
/// the rest, then completes it: the request is answered and applied, new connections are
/// refused, and the process exits cleanly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_and_refuses_new_ones() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = temp_dir("sigterm");
    let url = format!("sqlite:{}/ozg.db", dir.display());
    let token = admin_token(&url);
    let mut srv = Instance::start(&url, &dir.join("server.log")).await;
    let (id, version) = record_ids(&srv, &token, 1).await[0];
    let body =
        serde_json::json!({ "record_ids": [id], "maturity": 3, "comment": "beim Herunterfahren" })
            .to_string();
    let (first, rest) = body.as_bytes().split_at(10);
    let address = srv.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/records/bulk HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    srv.signal("TERM");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "no new connections after SIGTERM"
    );
    stream.write_all(rest).await.unwrap();
    let mut response = String::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        stream.read_to_string(&mut response),
    )
    .await
    .expect("answered in time")
    .unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"changed\":[{"), "{response}");

    let exit = tokio::task::spawn_blocking(move || {
        let status = srv.child.wait().unwrap();
        (srv, status)
    });
    let (_srv, status) = tokio::time::timeout(Duration::from_secs(15), exit)
        .await
        .expect("the process exits after the last request")
        .unwrap();
    assert!(status.success(), "clean exit: {status:?}");
    let storage = Storage::connect(&url).await.unwrap();
    let record = storage.record_detail(id).await.unwrap().unwrap();
    assert_eq!((record.version, record.maturity), (version + 1, Some(3)));
    storage.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// A PostgreSQL server of this test's own (initdb in a temp folder), so it can be stopped and
/// started without touching the machine's shared one.
struct PrivatePostgres {
    dir: std::path::PathBuf,
    bin: std::path::PathBuf,
    port: u16,
}

impl PrivatePostgres {
    /// `None` (with a notice) where PostgreSQL's server programs are missing; under CI=true that fails.
    fn create() -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|versions| {
                versions
                    .filter_map(std::result::Result::ok)
                    .map(|v| v.path().join("bin"))
                    .find(|b| b.join("initdb").exists())
            });
        let Some(bin) = bin else {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "PostgreSQL's server programs (initdb, pg_ctl) are required under CI=true"
            );
            eprintln!("NOTICE: no initdb under /usr/lib/postgresql; skipping the outage test");
            return None;
        };
        let dir = temp_dir("pg-outage");
        let pg = Self {
            dir,
            bin,
            port: free_port(),
        };
        // PostgreSQL refuses to run as root: the folder belongs to the postgres user
        assert!(Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&pg.dir)
            .status()
            .unwrap()
            .success());
        pg.as_postgres(
            "initdb",
            &["-D", "data", "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        pg.start();
        Some(pg)
    }

    fn as_postgres(&self, program: &str, args: &[&str]) {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(program))
            .args(args)
            .current_dir(&self.dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off",
            self.port,
            self.dir.display()
        );
        self.as_postgres(
            "pg_ctl",
            &["-D", "data", "-l", "pg.log", "-o", &options, "-w", "start"],
        );
    }

    fn stop(&self) {
        self.as_postgres("pg_ctl", &["-D", "data", "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", "data", "-m", "immediate", "stop"])
            .current_dir(&self.dir)
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// PostgreSQL stopped under load and started again: 503 with Retry-After while it is away
/// (never a 500, never a success that was not stored), /healthz says so, and the server
/// recovers by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_answers_503_and_recovers_without_restart() {
    let Some(pg) = PrivatePostgres::create() else {
        return;
    };
    let url = pg.url();
    let token = admin_token(&url);
    let srv = Instance::start(&url, &pg.dir.join("server.log")).await;
    let records = record_ids(
        &srv,
        &token,
        SINGLE_WRITERS * RECORDS_PER_WRITER + BULK_RECORDS,
    )
    .await;

    // readers: every answer is 200 or 503
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (base, token, stop) = (srv.base.clone(), token.clone(), stop.clone());
        tokio::spawn(async move {
            let client = client();
            let mut statuses: HashMap<u16, usize> = HashMap::new();
            while !stop.load(Ordering::Relaxed) {
                let r = client
                    .get(format!("{base}/api/v1/services?pro_seite=5"))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .expect("the server itself stays up");
                let (status, _) = api_contract::checked("get", r).await;
                *statuses.entry(status).or_default() += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            statuses
        })
    };
    let writers = {
        let (base, token, stop, records) = (
            srv.base.clone(),
            token.clone(),
            stop.clone(),
            records.clone(),
        );
        tokio::spawn(async move {
            // writers stop at their first non-200; run them in rounds until the end
            let mut all = Acknowledged::default();
            while !stop.load(Ordering::Relaxed) {
                let round_stop = Arc::new(AtomicBool::new(false));
                let timer = {
                    let round_stop = round_stop.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        round_stop.store(true, Ordering::Relaxed);
                    })
                };
                let versions = current_versions(&base, &token, &records).await;
                let a = write_until(&base, &token, &versions, round_stop).await;
                timer.abort();
                all.notes.extend(a.notes);
                all.bulks.extend(a.bulks);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            all
        })
    };

    tokio::time::sleep(Duration::from_millis(1500)).await;
    pg.stop();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let client = client();
    let health = client.get(srv.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 503);
    let health: serde_json::Value = health.json().await.unwrap();
    assert_eq!(health["database"]["reachable"], false, "{health}");
    let r = client
        .get(srv.url("/api/v1/records?ozg_id=10124"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["retry-after"], "5");
    let (status, body) = api_contract::checked("get", r).await;
    assert_eq!(status, 503);
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let page = client.get(srv.url("/leistungen")).send().await.unwrap();
    assert_eq!(page.status(), 503, "pages say it too");

    tokio::time::sleep(Duration::from_secs(1)).await;
    pg.start();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let r = client.get(srv.url("/healthz")).send().await.unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no recovery within 30 s of the database's return"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    stop.store(true, Ordering::Relaxed);
    let statuses = reader.await.unwrap();
    let acknowledged = writers.await.unwrap();
    let other: Vec<_> = statuses
        .keys()
        .filter(|s| **s != 200 && **s != 503)
        .collect();
    if !other.is_empty() {
        let log = std::fs::read_to_string(pg.dir.join("server.log")).unwrap_or_default();
        let errors: Vec<&str> = log.lines().filter(|l| l.contains("ERROR")).collect();
        panic!(
            "only 200 and 503 during the outage: {statuses:?}; server errors:\n{}",
            errors.join("\n")
        );
    }
    assert!(statuses.get(&503).is_some_and(|n| *n > 0), "{statuses:?}");
    let r = client
        .get(srv.url("/api/v1/services?pro_seite=5"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_contract::checked("get", r).await.0,
        200,
        "recovered without a restart"
    );

    let storage = Storage::connect(&url).await.unwrap();
    assert_notes_stored_once(&storage, &acknowledged.notes).await;
    assert_history_whole(&storage, &records).await;
    storage.close().await;
    eprintln!(
        "outage: answers {statuses:?}; {} acknowledged edits stored",
        acknowledged.notes.len()
    );
}

/// The records' current versions (writers start each round from them).
async fn current_versions(base: &str, token: &str, records: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let client = client();
    let mut out = Vec::with_capacity(records.len());
    for (id, version) in records {
        let current = async {
            let r = client
                .get(format!("{base}/api/v1/records/{id}"))
                .bearer_auth(token)
                .send()
                .await
                .ok()?;
            let body: serde_json::Value = r.json().await.ok()?;
            body["version"].as_i64()
        }
        .await;
        out.push((*id, current.unwrap_or(*version)));
    }
    out
}

/// Every acknowledged (record, note) is in that record's history exactly once.
async fn assert_notes_stored_once<'a>(
    storage: &Storage,
    notes: impl IntoIterator<Item = &'a (i64, String)>,
) {
    for (id, note) in notes {
        let found = storage
            .record_events(*id)
            .await
            .unwrap()
            .iter()
            .filter(|e| {
                serde_json::from_str::<serde_json::Value>(&e.changes).unwrap()["note"][1]
                    == note.as_str()
            })
            .count();
        assert_eq!(found, 1, "acknowledged note {note} of record {id}");
    }
}

/// What every fault must leave: one event per version step of the `records`, an intact hash
/// chain, exact rollups and (SQLite) a file that passes its integrity check.
async fn assert_history_whole(storage: &Storage, records: &[(i64, i64)]) -> u64 {
    for (id, _) in records {
        let record = storage.record_detail(*id).await.unwrap().unwrap();
        let events = storage.record_events(*id).await.unwrap();
        assert_eq!(
            events.len() as i64,
            record.version - 1,
            "record {id}: one event per version"
        );
    }
    let chain = storage.verify_chain().await.unwrap();
    assert!(chain.is_intact(), "{chain:?}");
    let maintained = storage.rollup_snapshot().await.unwrap();
    storage.rebuild_rollups().await.unwrap();
    assert_eq!(
        maintained,
        storage.rollup_snapshot().await.unwrap(),
        "rollups exact"
    );
    if let Storage::Sqlite(pool) = storage {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await
            .unwrap();
        assert_eq!(check, "ok");
    }
    chain.checked
}

/// `ozg-monitor backup` while coordinators write, then `restore` into another database: the
/// restored database is whole (integrity, hash chain, rollups), holds every write acknowledged
/// before the backup started, and a server runs on it.
async fn backup_and_restore_under_load(
    database_url: &str,
    restore_url: &str,
    dir: &std::path::Path,
) {
    let log = dir.join("server.log");
    let token = admin_token(database_url);
    let srv = Instance::start(database_url, &log).await;
    let records = record_ids(
        &srv,
        &token,
        SINGLE_WRITERS * RECORDS_PER_WRITER + BULK_RECORDS,
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let backup_file = dir.join("sicherung.bak");
    let backup = {
        let (url, file, stop) = (database_url.to_owned(), backup_file.clone(), stop.clone());
        async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let started = Instant::now();
            let out = tokio::task::spawn_blocking(move || {
                cli(&url, &["backup", "--output", file.to_str().unwrap()])
            })
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_millis(500)).await;
            stop.store(true, Ordering::Relaxed);
            (started, out)
        }
    };
    let base = srv.base.clone();
    let (acknowledged, (backup_started, out)) =
        tokio::join!(write_until(&base, &token, &records, stop), backup);
    drop(srv);
    assert!(out.contains("backup written"), "{out}");
    let before: Vec<&(i64, String)> = acknowledged
        .notes
        .iter()
        .zip(&acknowledged.acknowledged_at)
        .filter(|(_, at)| **at < backup_started)
        .map(|(n, _)| n)
        .collect();
    assert!(
        before.len() > 10,
        "writes before the backup: {}",
        before.len()
    );

    let out = cli(
        restore_url,
        &["restore", "--input", backup_file.to_str().unwrap()],
    );
    assert!(out.contains("restored from"), "{out}");
    let restored = Storage::connect(restore_url).await.unwrap();
    assert_notes_stored_once(&restored, before.iter().copied()).await;
    let chained = assert_history_whole(&restored, &records).await;
    restored.close().await;
    // the same token works on the restored database: accounts came along
    let srv = Instance::start(restore_url, &log).await;
    let r = client()
        .get(srv.url("/api/v1/records?ozg_id=10124&pro_seite=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    eprintln!(
        "backup under load: {} of {} acknowledged edits were before the backup and are in it; {} events in the restored chain",
        before.len(),
        acknowledged.notes.len(),
        chained
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_under_load_sqlite() {
    let dir = temp_dir("backup");
    let source = format!("sqlite:{}/ozg.db", dir.display());
    let target = format!("sqlite:{}/wiederhergestellt.db", dir.display());
    backup_and_restore_under_load(&source, &target, &dir).await;
    // a second backup to the same file is refused, a damaged backup is not restored
    let file = dir.join("sicherung.bak");
    let out = binary(&source)
        .args(["backup", "--output", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let mut damaged = std::fs::read(&file).unwrap();
    let middle = damaged.len() / 2;
    damaged[middle..middle + 4096].fill(0xA5);
    std::fs::write(dir.join("kaputt.bak"), damaged).unwrap();
    let out = binary(&target)
        .args([
            "restore",
            "--input",
            dir.join("kaputt.bak").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success(), "a damaged backup is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a usable backup"));
    let storage = Storage::connect(&target).await.unwrap();
    assert!(
        storage.verify_chain().await.unwrap().is_intact(),
        "the database was left as it was"
    );
    storage.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_under_load_postgres() {
    let Some(source) = postgres_database_url().await else {
        return;
    };
    let target = postgres_database_url().await.unwrap();
    let dir = temp_dir("backup-pg");
    backup_and_restore_under_load(&source, &target, &dir).await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two `ozg-monitor` processes on one PostgreSQL: a session started on one is valid on the
/// other, and coordinators writing through both lose nothing (the version check holds across
/// processes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_and_the_version_check() {
    let Some(url) = postgres_database_url().await else {
        return;
    };
    let dir = temp_dir("two-instances");
    let token = admin_token(&url);
    let a = Instance::start(&url, &dir.join("a.log")).await;
    let b = Instance::start(&url, &dir.join("b.log")).await;

    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = no_redirects
        .post(a.url("/auth/anmelden"))
        .header("origin", &a.base)
        .form(&[("email", "fehler@test.example"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = session_cookie(&login);
    let me: serde_json::Value = no_redirects
        .post(b.url("/api/fn/current-user"))
        .header("cookie", &cookie)
        .header("origin", &b.base)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        me["email"], "fehler@test.example",
        "session of A valid on B: {me}"
    );

    // the same records edited through both instances at once
    let records = record_ids(
        &a,
        &token,
        SINGLE_WRITERS * RECORDS_PER_WRITER + BULK_RECORDS,
    )
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let timer = {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(2)).await;
            stop.store(true, Ordering::Relaxed);
        })
    };
    let (through_a, through_b) = tokio::join!(
        write_until(&a.base, &token, &records, stop.clone()),
        write_until(&b.base, &token, &records, stop.clone())
    );
    timer.await.unwrap();
    // scheduled work (every second here) ran once per slot, not once per instance
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop((a, b));
    let storage = Storage::connect(&url).await.unwrap();
    assert_notes_stored_once(&storage, through_a.notes.iter().chain(&through_b.notes)).await;
    assert_history_whole(&storage, &records).await;
    let runs = storage
        .scheduled_runs(Job::HistoryCheck.name())
        .await
        .unwrap();
    let finished = runs.iter().filter(|r| r.finished_at.is_some()).count() as i64;
    let logged = storage
        .audit_page(Some(HISTORY_CHECKED), 1, 1)
        .await
        .unwrap()
        .total;
    assert!(runs.len() >= 2, "the check ran during the test: {runs:?}");
    assert!(
        finished <= logged && logged <= runs.len() as i64,
        "one logged check per claimed slot: {logged} logged, {} slots ({finished} finished)",
        runs.len()
    );
    let broken = storage
        .audit_page(Some(HISTORY_BROKEN), 1, 1)
        .await
        .unwrap()
        .total;
    assert_eq!(
        broken, 0,
        "checks during concurrent writes found the chain intact"
    );
    storage.close().await;
    assert!(
        !through_a.notes.is_empty() && !through_b.notes.is_empty(),
        "both instances took edits: {} through A, {} through B; writers stopped by {:?} {:?}",
        through_a.notes.len(),
        through_b.notes.len(),
        through_a.stopped_by,
        through_b.stopped_by
    );
    assert!(
        through_a.conflicts + through_b.conflicts > 0,
        "the instances did compete"
    );
    eprintln!(
        "two instances: {} + {} acknowledged edits, none lost; {} conflicts answered with 409",
        through_a.notes.len(),
        through_b.notes.len(),
        through_a.conflicts + through_b.conflicts
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A write lock held past SQLite's busy timeout (a long import, a backup, another process)
/// answers 503 with Retry-After — to an edit and to a sign-in alike, never 500 — and both work
/// once the lock is released.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_sqlite_write_lock_answers_503_with_retry_after() {
    use sqlx::ConnectOptions;
    let storage = seeded(sqlite_file_storage().await).await;
    let Storage::Sqlite(pool) = &storage else {
        unreachable!()
    };
    let file = pool.connect_options().get_filename().to_owned();
    let srv = spawn_server(storage, server::auth::AuthSettings::default()).await;
    let token = add_user(&srv, "ada@example.org", "admin", "").await;
    let record = gemeinde_record(&srv.storage, 10092, "16068").await;
    let patch = |note: &'static str, version: i64| {
        srv.client
            .patch(format!("{}/api/v1/records/{}", srv.base, record.id))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "version": version, "note": note }))
            .send()
    };
    let sign_in = || {
        srv.client
            .post(format!("{}/auth/anmelden", srv.base))
            .header("origin", &srv.base)
            .form(&[
                ("email", "ada@example.org"),
                ("password", support::PASSWORD),
            ])
            .send()
    };

    let mut other = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&file)
        .connect()
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let edit = patch("während einer Sperre", record.version).await.unwrap();
    assert_eq!(edit.status(), 503, "{}", edit.text().await.unwrap());
    assert_eq!(edit.headers()["retry-after"], "5");
    let login = sign_in().await.unwrap();
    assert_eq!(login.status(), 503);
    assert_eq!(login.headers()["retry-after"], "5");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();

    let edit = patch("nach der Sperre", record.version).await.unwrap();
    assert_eq!(edit.status(), 200, "{}", edit.text().await.unwrap());
    assert_eq!(sign_in().await.unwrap().status(), 303);
}
