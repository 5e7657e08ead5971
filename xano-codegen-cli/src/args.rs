//! The command line: every subcommand, flag and its help text (clap).

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Typed Rust clients for Xano backends.
#[derive(Debug, Parser)]
#[command(name = "xano-codegen", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Generate a typed client from Xano API group specs.
    ///
    /// Without SPEC, reads `xano.toml` in the current directory: every spec in its
    /// `specs` directory, written to its `out` file.
    Generate(GenerateArgs),
    /// Write a spec with Xano's quirks repaired, as standard OpenAPI 3.0 JSON that
    /// other tools can read.
    Normalize(NormalizeArgs),
    /// List instances, the workspaces of an instance, or the API groups of a
    /// workspace (Metadata API).
    List(ListArgs),
    /// Check the specs against Xano's pre-launch security checklist.
    ///
    /// Without SPEC, audits the specs of `xano.toml` and honours its `[audit] allow`.
    Audit(AuditArgs),
    /// Download every API group's spec into a directory, with `xano.lock`.
    ///
    /// With a Meta API token: the groups of `--workspace` (all, or those named by
    /// `--group`). Without one: the public `apispec:` URL of each `--group <canonical>`.
    Fetch(FetchArgs),
    /// Report what changed between two versions of the specs, in the terms of
    /// the generated Rust API: breaking for Rust callers, breaking on the wire,
    /// additive.
    ///
    /// OLD and NEW are spec files, URLs or directories of specs (a directory with
    /// `xano.lock` means its locked specs). With `--remote`, the specs of
    /// `xano.lock` against what Xano serves now. Renames and replacements of
    /// `xano.toml` are applied first.
    Diff(DiffArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old specs: a file, URL or directory.
    #[arg(required_unless_present = "remote")]
    pub(crate) old: Option<String>,
    /// The new specs: a file, URL or directory.
    #[arg(required_unless_present = "remote")]
    pub(crate) new: Option<String>,
    /// Compare the locked specs with what Xano serves now (as `fetch --check`
    /// would fetch them).
    #[arg(long, conflicts_with_all = ["old", "new"])]
    pub(crate) remote: bool,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "markdown", "sarif"])]
    pub(crate) format: String,
    /// Exit 1 when a change of this class or worse is found (`any`: any change).
    #[arg(long, value_parser = ["breaking", "wire", "any"])]
    pub(crate) fail_on: Option<String>,
    #[command(flatten)]
    pub(crate) meta: MetaArgs,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Spec files or http(s) URLs.
    pub(crate) specs: Vec<String>,
    /// Output format.
    #[arg(long, default_value = "text", value_parser = ["text", "json", "sarif"])]
    pub(crate) format: String,
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long, value_parser = ["info", "warn", "error"])]
    pub(crate) fail_on: Option<String>,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

/// How large and how deep a spec may be: far above any real Xano spec, so that a
/// wrong file fails fast instead of exhausting memory or the stack.
#[derive(Debug, Args)]
pub(crate) struct LimitArgs {
    /// Refuse specs larger than this many bytes (suffixes K, M, G: KiB, MiB, GiB).
    #[arg(long, value_name = "SIZE", default_value = "32M", value_parser = xano_codegen::source::parse_size)]
    pub(crate) max_spec_size: usize,
    /// Refuse specs that nest arrays and objects deeper than this.
    #[arg(long, value_name = "LEVELS", default_value_t = 128)]
    pub(crate) max_depth: usize,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> xano_codegen::Limits {
        xano_codegen::Limits {
            max_bytes: self.max_spec_size,
            max_depth: self.max_depth,
        }
    }
}

/// Where the Meta API is and how to reach it.
#[derive(Debug, Args)]
pub(crate) struct MetaArgs {
    /// The instance: its name (looked up in your account), host, or origin URL
    /// (custom domains and self-hosted instances). Default: xano.toml, then the
    /// Xano CLI profile.
    #[arg(long)]
    pub(crate) instance: Option<String>,
    /// The workspace id or name. Default: xano.toml, then the profile.
    #[arg(long)]
    pub(crate) workspace: Option<String>,
    /// The branch label (default: live).
    #[arg(long)]
    pub(crate) branch: Option<String>,
    /// The Meta API token. Default: XANO_META_TOKEN, then the Xano CLI profile
    /// (~/.xano/credentials.yaml, XANO_CONFIG, XANO_PROFILE). Never printed.
    #[arg(long, hide_env_values = true)]
    pub(crate) token: Option<String>,
    /// A legacy Developer API key, for accounts without a Metadata API token.
    /// Default: XANO_DEVELOPER_KEY. Never printed. A Meta API token wins when
    /// both are given.
    #[arg(long, env = "XANO_DEVELOPER_KEY", hide_env_values = true)]
    pub(crate) developer_key: Option<String>,
    /// The Developer API's master origin.
    #[arg(long, env = "XANO_DEVELOPER_API", hide = true)]
    pub(crate) developer_origin: Option<String>,
    /// Allow plain http:// to hosts other than localhost.
    #[arg(long)]
    pub(crate) allow_insecure: bool,
    /// The account-level Meta API origin.
    #[arg(long, env = "XANO_META_ORIGIN", default_value = crate::remote::meta::MASTER_ORIGIN, hide = true)]
    pub(crate) master_origin: String,
    /// The first wait before retrying a 429/5xx, in milliseconds.
    #[arg(long, default_value_t = 2000, hide = true)]
    pub(crate) retry_delay_ms: u64,
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    #[command(flatten)]
    pub(crate) meta: MetaArgs,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct FetchArgs {
    #[command(flatten)]
    pub(crate) meta: MetaArgs,
    /// An API group's name or canonical; repeatable (default: every group).
    #[arg(long = "group")]
    pub(crate) groups: Vec<String>,
    /// The directory for the specs and xano.lock (default: xano.toml's `specs`, else `specs`).
    #[arg(short, long)]
    pub(crate) out: Option<PathBuf>,
    /// Do not write: exit 1 when the remote specs differ from xano.lock.
    #[arg(long)]
    pub(crate) check: bool,
    /// The token of a group's private Swagger documentation (public mode).
    #[arg(long, hide_env_values = true)]
    pub(crate) swagger_token: Option<String>,
    /// Fetch the workspace's combined spec (one file with every group whose
    /// docs are on) instead of one spec per group. Default: xano.toml's
    /// `combined`.
    #[arg(long)]
    pub(crate) combined: bool,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// Spec files or http(s) URLs (`https://<host>/apispec:<canonical>?type=json`).
    pub(crate) specs: Vec<String>,
    /// Output: a `.rs` file (every group in one file) or a directory (one file per
    /// group plus `mod.rs`). Without it the code goes to standard output.
    #[arg(short, long)]
    pub(crate) out: Option<PathBuf>,
    /// Do not write: exit 1 with a diff summary if the output on disk differs.
    #[arg(long)]
    pub(crate) check: bool,
    /// Also list every repair made to the specs.
    #[arg(short, long, conflicts_with = "quiet")]
    pub(crate) verbose: bool,
    /// Print nothing but errors and warnings.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Also run the installed rustfmt (with your rustfmt.toml) over the output.
    /// Without it the code is laid out as rustfmt's defaults would, by the
    /// generator itself: the same bytes on every machine.
    #[arg(long)]
    pub(crate) rustfmt: bool,
    /// Accepted for compatibility: rustfmt is no longer run by default.
    #[arg(long, hide = true)]
    pub(crate) no_rustfmt: bool,
    /// Also generate a streaming variant (`<fn>_stream`) of this endpoint, e.g.
    /// "POST /chat"; repeatable. Default: xano.toml's `stream`.
    #[arg(long = "stream", value_name = "METHOD PATH")]
    pub(crate) streams: Vec<String>,
    /// Also generate, per group, a typed fake server for your tests (a `fake`
    /// module under `cfg(any(test, feature = "xano-fake"))`). Default: xano.toml's
    /// `fake`.
    #[arg(long)]
    pub(crate) fake: bool,
    /// Adds a derive (`Eq`, `Hash`, `schemars::JsonSchema`, …) to every generated
    /// type; repeatable.
    #[arg(long = "derive", value_name = "PATH")]
    pub(crate) derives: Vec<String>,
    /// The rustfmt style edition for `--rustfmt` (default 2021).
    #[arg(long, requires = "rustfmt", value_parser = ["2015", "2018", "2021", "2024"])]
    pub(crate) edition: Option<String>,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

#[derive(Debug, Args)]
pub(crate) struct NormalizeArgs {
    /// A spec file or http(s) URL.
    pub(crate) spec: String,
    /// Where to write the repaired spec (default: standard output).
    #[arg(short, long)]
    pub(crate) out: Option<PathBuf>,
    /// Also list every repair made.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}
