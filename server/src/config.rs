//! Command line and environment configuration. Every setting is a flag and an environment
//! variable; `ozg-monitor --help` lists them.

use clap::builder::BoolishValueParser;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;

pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/ozg-monitor.db";

#[derive(Debug, Clone, Parser)]
#[command(
    name = "ozg-monitor",
    version,
    about = "OZG-Monitor: Umsetzungsstand der OZG-Leistungen in Land und Kommunen",
    long_about = "Tracks the implementation status of every OZG online service across a state's \
                  ministries and municipalities. Without a subcommand the web server starts."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub config: Config,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Start the web server (the default).
    Serve,
    /// Create or upgrade the database schema and seed the reference data, then exit.
    Migrate,
    /// Manage accounts (the first administrator is created here).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the tamper evidence of the history.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a consistent copy of the database while the server keeps serving (SQLite:
    /// VACUUM INTO; PostgreSQL: pg_dump in its custom format).
    Backup {
        /// The file to write; must not exist yet.
        #[arg(long)]
        output: std::path::PathBuf,
    },
    /// Fill a fresh database with labelled demo data at a chosen size (benchmarks, trials):
    /// the Land, or every German Kreis and Gemeinde, each with demo history 2019–2026.
    Generate {
        #[arg(long, value_enum, default_value = "thueringen")]
        scale: crate::generate::Scale,
    },
    /// Add labelled demo history for benchmarks: every existing event gets a twin one day
    /// later (a note correction), so the history doubles with each round.
    DemoHistory {
        #[arg(long, default_value_t = 1)]
        rounds: u32,
    },
    /// Replace the database with a backup (stop the server first). The backup is checked
    /// before anything is replaced.
    Restore {
        /// A file written by `ozg-monitor backup`.
        #[arg(long)]
        input: std::path::PathBuf,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain of all events; exit status 1 if anything was altered or removed.
    Verify,
}

#[derive(Debug, Clone, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from OZG_PASSWORD or asked for on the terminal.
    Add {
        #[arg(long)]
        email: String,
        /// admin, koordination, lesen or bericht
        #[arg(long)]
        role: String,
        /// Display name (defaults to the e-mail address).
        #[arg(long)]
        name: Option<String>,
        /// Org unit in scope (AGS of a Kreis or Gemeinde, or a ministry code); repeatable.
        #[arg(long = "org-unit")]
        org_units: Vec<String>,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Create a personal API token for an account and print it (shown only this once).
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Kommandozeile")]
        name: String,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Database: `sqlite:<file>` (embedded, created if missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    pub database_url: String,

    /// Address to listen on, e.g. 127.0.0.1:3000 (0 as port picks a free one).
    #[arg(
        long,
        env = "LEPTOS_SITE_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub site_addr: SocketAddr,

    /// Fill an empty database with labelled demo progress (2019–2026). Off by default.
    #[arg(
        long,
        env = "OZG_DEMO_DATA",
        value_parser = BoolishValueParser::new(),
        num_args = 0..=1,
        default_value = "false",
        default_missing_value = "true",
        global = true
    )]
    pub demo_data: bool,

    /// Folder with the compiled site (wasm, CSS, static files).
    #[arg(
        long,
        env = "LEPTOS_SITE_ROOT",
        default_value = "target/site",
        global = true
    )]
    pub site_root: String,

    /// Let anonymous visitors read every page and the read API (no edits). Off by default:
    /// then only the login page is public.
    #[arg(
        long,
        env = "OZG_PUBLIC_READ",
        value_parser = BoolishValueParser::new(),
        num_args = 0..=1,
        default_value = "false",
        default_missing_value = "true",
        global = true
    )]
    pub public_read: bool,

    /// Behind a reverse proxy: take the client address and HTTPS from X-Forwarded-For /
    /// X-Forwarded-Proto. Only switch on when the proxy sets (and overwrites) them.
    #[arg(
        long,
        env = "OZG_TRUST_PROXY",
        value_parser = BoolishValueParser::new(),
        num_args = 0..=1,
        default_value = "false",
        default_missing_value = "true",
        global = true
    )]
    pub trust_proxy: bool,

    /// Mark the session cookie `Secure` always (for HTTPS deployments without a trusted proxy header).
    #[arg(
        long,
        env = "OZG_SECURE_COOKIES",
        value_parser = BoolishValueParser::new(),
        num_args = 0..=1,
        default_value = "false",
        default_missing_value = "true",
        global = true
    )]
    pub secure_cookies: bool,

    /// Operator of this installation (Impressum, Datenschutz, Barrierefreiheit), e.g.
    /// "Thüringer Finanzministerium".
    #[arg(long, env = "OZG_OPERATOR_NAME", global = true)]
    pub operator_name: Option<String>,
    /// Postal address of the operator; lines separated by `;`.
    #[arg(long, env = "OZG_OPERATOR_ADDRESS", global = true)]
    pub operator_address: Option<String>,
    /// Contact e-mail (also the feedback contact of the accessibility statement).
    #[arg(long, env = "OZG_OPERATOR_EMAIL", global = true)]
    pub operator_email: Option<String>,
    #[arg(long, env = "OZG_OPERATOR_PHONE", global = true)]
    pub operator_phone: Option<String>,
    /// Person responsible for the content.
    #[arg(long, env = "OZG_OPERATOR_RESPONSIBLE", global = true)]
    pub operator_responsible: Option<String>,
    /// Contact of the data protection officer.
    #[arg(long, env = "OZG_PRIVACY_OFFICER", global = true)]
    pub privacy_officer: Option<String>,
    /// The data protection supervisory authority.
    #[arg(
        long,
        env = "OZG_SUPERVISORY_AUTHORITY",
        default_value = "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit (TLfDI)",
        global = true
    )]
    pub supervisory_authority: String,
    /// Enforcement / conciliation body for accessibility complaints.
    #[arg(long, env = "OZG_ENFORCEMENT_BODY", global = true)]
    pub enforcement_body: Option<String>,

    /// Seconds between clean-ups of expired sessions; 0 switches it off. With several
    /// instances on one database, each clean-up runs on one of them.
    #[arg(
        long,
        env = "OZG_SESSION_CLEANUP_SECONDS",
        default_value_t = 3600,
        global = true
    )]
    pub session_cleanup_seconds: u64,

    /// Seconds between checks of the history's hash chain (result in the audit log); 0
    /// switches it off. Runs on one instance per period.
    #[arg(
        long,
        env = "OZG_HISTORY_CHECK_SECONDS",
        default_value_t = 86_400,
        global = true
    )]
    pub history_check_seconds: u64,

    /// Log filter, e.g. `info` or `server=debug,sqlx=warn`.
    #[arg(
        long,
        env = "RUST_LOG",
        default_value = "info,sqlx=warn",
        global = true
    )]
    pub log: String,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "OZG_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"], global = true)]
    pub log_format: String,

    /// Log how long each traced step took when it ends (with `--log warn,server=debug` also
    /// the steps inside a request): the profile of `scripts/benchmarks.sh`.
    #[arg(
        long,
        env = "OZG_LOG_SPAN_TIMES",
        value_parser = BoolishValueParser::new(),
        num_args = 0..=1,
        default_value = "false",
        default_missing_value = "true",
        global = true
    )]
    pub log_span_times: bool,
}

impl Config {
    pub fn operator(&self) -> app::domain::OperatorInfo {
        let clean = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        app::domain::OperatorInfo {
            name: clean(&self.operator_name),
            address: clean(&self.operator_address),
            email: clean(&self.operator_email),
            phone: clean(&self.operator_phone),
            responsible: clean(&self.operator_responsible),
            privacy_officer: clean(&self.privacy_officer),
            supervisory_authority: clean(&Some(self.supervisory_authority.clone())),
            enforcement_body: clean(&self.enforcement_body),
        }
    }

    pub fn schedule(&self) -> crate::scheduled::Schedule {
        let every = |seconds: u64| (seconds > 0).then(|| std::time::Duration::from_secs(seconds));
        crate::scheduled::Schedule {
            session_cleanup: every(self.session_cleanup_seconds),
            history_check: every(self.history_check_seconds),
        }
    }

    pub fn auth_settings(&self) -> crate::auth::AuthSettings {
        crate::auth::AuthSettings {
            public_read: self.public_read,
            trust_proxy: self.trust_proxy,
            secure_cookies: self.secure_cookies,
        }
    }

    /// A configuration for tests and tools: in-memory defaults, no demo data.
    pub fn for_database(url: &str) -> Self {
        Self {
            database_url: url.to_owned(),
            site_addr: "127.0.0.1:0".parse().expect("valid address"),
            demo_data: false,
            public_read: false,
            trust_proxy: false,
            secure_cookies: false,
            operator_name: None,
            operator_address: None,
            operator_email: None,
            operator_phone: None,
            operator_responsible: None,
            privacy_officer: None,
            supervisory_authority: "TLfDI".into(),
            enforcement_body: None,
            site_root: "target/site".into(),
            session_cleanup_seconds: 0,
            history_check_seconds: 0,
            log: "warn".into(),
            log_format: "text".into(),
            log_span_times: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "ozg-monitor",
            "--demo-data",
            "--database-url",
            "sqlite::memory:",
        ])
        .unwrap();
        assert!(cli.config.demo_data);
        assert_eq!(cli.config.database_url, "sqlite::memory:");
        assert!(!cli.config.log_span_times);
        let cli = Cli::try_parse_from([
            "ozg-monitor",
            "--demo-data=false",
            "--site-addr",
            "127.0.0.1:8080",
            "--log-span-times",
        ])
        .unwrap();
        assert!(!cli.config.demo_data);
        assert!(cli.config.log_span_times);
        assert_eq!(cli.config.site_addr.port(), 8080);
        assert!(Cli::try_parse_from(["ozg-monitor", "--site-addr", "nonsense"]).is_err());
        assert!(Cli::try_parse_from(["ozg-monitor", "--demo-data=vielleicht"]).is_err());
    }
}
