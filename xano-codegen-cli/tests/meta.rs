//! `list` and `fetch` through the binary, against a fake Metadata API on 127.0.0.1.

mod support;

use assert_cmd::Command;
use std::path::Path;
use support::fake_meta::{FakeMeta, SWAGGER_TOKEN, TOKEN};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the CLI in `dir` (off the async runtime, which serves the fake meanwhile).
async fn run(fake: &FakeMeta, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("xano-codegen").unwrap();
    cmd.current_dir(dir).args(args);
    if matches!(args.first(), Some(&"list" | &"fetch"))
        || args.first() == Some(&"diff") && args.contains(&"--remote")
    {
        cmd.args(["--retry-delay-ms", "10"]);
    }
    cmd.env("XANO_META_ORIGIN", &fake.origin_a)
        .env("HOME", dir)
        .env_remove("XANO_META_TOKEN")
        .env_remove("XANO_DEVELOPER_KEY")
        .env_remove("XANO_DEVELOPER_API")
        .env_remove("XANO_CONFIG")
        .env_remove("XANO_PROFILE")
        .env("RUSTFMT", "/nonexistent");
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token was printed:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    run
}

const WITH_TOKEN: &[(&str, &str)] = &[("XANO_META_TOKEN", TOKEN)];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_instances_workspaces_and_groups() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let instances = run(&fake, dir.path(), &["list"], WITH_TOKEN).await;
    assert_eq!(instances.code, Some(0), "{}", instances.stderr);
    assert!(
        instances
            .stdout
            .starts_with("NAME     DISPLAY  ORIGIN\nx-main   Main     http://127.0.0.1:"),
        "{}",
        instances.stdout
    );
    assert!(instances.stdout.contains("x-other"));

    // Workspaces: a bare array on one instance, a paged object on the other.
    let bare = run(
        &fake,
        dir.path(),
        &["list", "--instance", "x-main", "--json"],
        WITH_TOKEN,
    )
    .await;
    let bare: serde_json::Value = serde_json::from_str(&bare.stdout).unwrap();
    assert_eq!(
        bare,
        serde_json::json!([{"id": 1, "name": "Bookstore"}, {"id": 2, "name": "Sandbox"}])
    );
    let paged = run(
        &fake,
        dir.path(),
        &["list", "--instance", "x-other"],
        WITH_TOKEN,
    )
    .await;
    assert_eq!(paged.stdout, "ID  NAME\n3   Other WS\n");

    // Groups over two pages (the second page fails once with a 500 and is retried).
    let groups = run(
        &fake,
        dir.path(),
        &[
            "list",
            "--instance",
            "x-main",
            "--workspace",
            "Bookstore",
            "--branch",
            "dev",
        ],
        WITH_TOKEN,
    )
    .await;
    assert_eq!(groups.code, Some(0), "{}", groups.stderr);
    assert_eq!(
        groups.stdout,
        "NAME            CANONICAL   ID   BRANCH\nAuthentication  auth1       110  dev\nBooks           bookstore1  111  dev\nAdmin           admin1      112  dev\n",
        "a branch's groups are its own copies, with ids of their own"
    );
    assert_eq!(
        fake.count("/api:meta/workspace/1/apigroup"),
        3,
        "page 1, page 2 (500), page 2 again"
    );

    let bad_token = run(&fake, dir.path(), &["list", "--token", "wrong"], &[]).await;
    assert_eq!(bad_token.code, Some(2));
    assert!(
        bad_token.stderr.contains("401") && bad_token.stderr.contains("invalid or expired"),
        "{}",
        bad_token.stderr
    );
    assert!(!bad_token.stderr.contains("wrong"), "{}", bad_token.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_lock_check_and_generate_offline() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        "[xano]\ninstance = \"x-main\"\nworkspace = \"Bookstore\"\nspecs = \"specs\"\nout = \"src/xano.rs\"\n",
    )
    .unwrap();
    let fetched = run(&fake, dir.path(), &["fetch"], WITH_TOKEN).await;
    assert_eq!(fetched.code, Some(0), "{}", fetched.stderr);
    let specs = dir.path().join("specs");
    for file in [
        "authentication.json",
        "books.json",
        "admin.json",
        "xano.lock",
    ] {
        assert!(
            specs.join(file).exists(),
            "{file} missing: {}",
            fetched.stderr
        );
    }
    assert_eq!(
        fake.count("/api:meta/workspace/1/apigroup/11/openapi"),
        2,
        "the 429 was retried"
    );
    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(specs.join("xano.lock")).unwrap()).unwrap();
    assert_eq!(lock["origin"].as_str(), Some(fake.origin_a.as_str()));
    assert_eq!(lock["workspace_id"].as_integer(), Some(1));
    let groups = lock["group"].as_array().unwrap();
    assert_eq!(groups.len(), 3);
    let books = groups
        .iter()
        .find(|g| g["canonical"].as_str() == Some("bookstore1"))
        .unwrap();
    let bytes = std::fs::read(specs.join("books.json")).unwrap();
    assert_eq!(
        books["sha256"].as_str().unwrap(),
        xano_codegen::source::sha256_hex(&bytes)
    );
    assert!(
        !std::fs::read_to_string(specs.join("xano.lock"))
            .unwrap()
            .contains(TOKEN)
    );

    // Nothing changed remotely: --check passes; after an edit in "Xano" it fails.
    let check = run(&fake, dir.path(), &["fetch", "--check"], WITH_TOKEN).await;
    assert_eq!(check.code, Some(0), "{}", check.stderr);
    fake.bump("bookstore1");
    let drift = run(&fake, dir.path(), &["fetch", "--check"], WITH_TOKEN).await;
    assert_eq!(drift.code, Some(1), "{}", drift.stderr);
    assert!(drift.stderr.contains("`Books` changed"), "{}", drift.stderr);
    // …and what the change means for the generated client.
    assert!(
        drift
            .stderr
            .contains("0 breaking, 0 on the wire, 1 additive"),
        "{}",
        drift.stderr
    );
    assert!(
        drift
            .stderr
            .contains("[endpoint-added] Books: GET /revision1: new endpoint"),
        "{}",
        drift.stderr
    );
    assert!(
        drift
            .stderr
            .contains("rust: fn books::Client::get_revision1"),
        "{}",
        drift.stderr
    );
    // The same report on its own: the lock's specs against what Xano serves.
    let remote = run(
        &fake,
        dir.path(),
        &[
            "diff",
            "--remote",
            "--fail-on",
            "any",
            "--format",
            "markdown",
        ],
        WITH_TOKEN,
    )
    .await;
    assert_eq!(remote.code, Some(1), "{}", remote.stderr);
    assert!(
        remote
            .stdout
            .contains("| Books | `GET /revision1` | new endpoint"),
        "{}",
        remote.stdout
    );

    // Without xano.toml the lock says which instance, workspace and groups.
    let toml = std::fs::read(dir.path().join("xano.toml")).unwrap();
    std::fs::remove_file(dir.path().join("xano.toml")).unwrap();
    let from_lock = run(&fake, dir.path(), &["fetch", "--check"], WITH_TOKEN).await;
    assert_eq!(from_lock.code, Some(1), "{}", from_lock.stderr);
    assert!(
        from_lock.stderr.contains("`Books` changed"),
        "{}",
        from_lock.stderr
    );
    assert!(
        !from_lock.stderr.contains("which instance"),
        "{}",
        from_lock.stderr
    );
    std::fs::write(dir.path().join("xano.toml"), toml).unwrap();

    // generate with no arguments: xano.toml + the locked specs, no network.
    let generated = run(&fake, dir.path(), &["generate"], &[]).await;
    assert_eq!(generated.code, Some(0), "{}", generated.stderr);
    let code = std::fs::read_to_string(dir.path().join("src/xano.rs")).unwrap();
    for module in ["pub mod authentication", "pub mod books", "pub mod admin"] {
        assert!(code.contains(module), "{module} missing");
    }
    compiles(&code);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_fetch_leaves_the_old_specs_alone() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "fetch",
        "--instance",
        "x-main",
        "--workspace",
        "1",
        "-o",
        "specs",
    ];
    assert_eq!(
        run(&fake, dir.path(), &args, WITH_TOKEN).await.code,
        Some(0)
    );
    let before: Vec<(String, Vec<u8>)> = snapshot(&dir.path().join("specs"));

    fake.bump("auth1");
    fake.truncate_admin(true);
    let failed = run(&fake, dir.path(), &args, WITH_TOKEN).await;
    assert_eq!(failed.code, Some(2));
    assert!(
        failed.stderr.contains("API group `Admin`") && failed.stderr.contains("not valid JSON"),
        "{}",
        failed.stderr
    );
    assert_eq!(
        snapshot(&dir.path().join("specs")),
        before,
        "a failed fetch changed files"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_profiles_and_instance_urls() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("credentials.yaml");
    std::fs::write(
        &config,
        format!(
            "profiles:\n  default:\n    access_token: not-this-one\n  work:\n    access_token: {TOKEN}\n    instance_origin: {}\ndefault: default\n",
            fake.origin_b
        ),
    )
    .unwrap();
    let config = config.display().to_string();
    let wrong = run(&fake, dir.path(), &["list"], &[("XANO_CONFIG", &config)]).await;
    assert_eq!(
        wrong.code,
        Some(2),
        "the default profile's token is rejected"
    );
    // The `work` profile: its token and its instance (an origin URL, as for a
    // self-hosted instance or a custom domain: no master API lookup).
    let work = run(
        &fake,
        dir.path(),
        &["list"],
        &[("XANO_CONFIG", &config), ("XANO_PROFILE", "work")],
    )
    .await;
    assert_eq!(work.stdout, "ID  NAME\n3   Other WS\n", "{}", work.stderr);
    let explicit = run(
        &fake,
        dir.path(),
        &["list", "--instance", &fake.origin_a],
        &[("XANO_CONFIG", &config), ("XANO_PROFILE", "work")],
    )
    .await;
    assert!(
        explicit.stdout.contains("1   Bookstore"),
        "{}",
        explicit.stderr
    );

    // Plain http:// is refused for anything but loopback, before any request.
    let insecure = run(
        &fake,
        dir.path(),
        &["list", "--instance", "http://x-main.example.com"],
        WITH_TOKEN,
    )
    .await;
    assert_eq!(insecure.code, Some(2));
    assert!(
        insecure.stderr.contains("refusing plain http://"),
        "{}",
        insecure.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_specs_without_a_meta_token() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let base = ["fetch", "--instance", fake.origin_a.as_str(), "-o", "specs"];
    let public = run(
        &fake,
        dir.path(),
        &[&base[..], &["--group", "bookstore1"]].concat(),
        &[],
    )
    .await;
    assert_eq!(public.code, Some(0), "{}", public.stderr);
    assert!(
        dir.path().join("specs/books.json").exists(),
        "named from the spec's title"
    );

    let off = run(
        &fake,
        dir.path(),
        &[&base[..], &["--group", "admin1"]].concat(),
        &[],
    )
    .await;
    assert_eq!(off.code, Some(2));
    assert!(
        off.stderr
            .contains("enable Swagger documentation for the group"),
        "{}",
        off.stderr
    );

    let private = run(
        &fake,
        dir.path(),
        &[&base[..], &["--group", "auth1"]].concat(),
        &[],
    )
    .await;
    assert_eq!(private.code, Some(2));
    assert!(
        private.stderr.contains("--swagger-token"),
        "{}",
        private.stderr
    );
    let with_token = run(
        &fake,
        dir.path(),
        &[
            &base[..],
            &["--group", "auth1", "--swagger-token", SWAGGER_TOKEN],
        ]
        .concat(),
        &[],
    )
    .await;
    assert_eq!(with_token.code, Some(0), "{}", with_token.stderr);
    assert!(!with_token.stderr.contains(SWAGGER_TOKEN));
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// `cargo check` of a crate holding only `code` (sharing a target directory across
/// runs, so only the first pays for xano-runtime's dependencies).
fn compiles(code: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let krate = root.join("target/fetch-check/crate");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fetched\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[dependencies]\nxano-runtime = {{ path = {:?} }}\n[workspace]\n",
            root.join("xano-runtime").display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        format!("#![deny(warnings)]\n{code}"),
    )
    .unwrap();
    // The workspace's versions: already downloaded, so `--offline` resolves.
    std::fs::copy(root.join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let output = std::process::Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", root.join("target/fetch-check/target"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the fetched specs' client does not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_is_fetched_through_its_own_group_copies() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let fetched = run(
        &fake,
        dir.path(),
        &[
            "fetch",
            "--instance",
            "x-main",
            "--workspace",
            "Bookstore",
            "--branch",
            "dev",
            "-o",
            "specs",
        ],
        WITH_TOKEN,
    )
    .await;
    assert_eq!(fetched.code, Some(0), "{}", fetched.stderr);
    let books = std::fs::read_to_string(dir.path().join("specs/books.json")).unwrap();
    assert!(books.contains("branch dev"), "the dev copy's spec: {books}");
    // The spec calls name the branch copies by id, with no `branch` parameter
    // (Xano's published Meta API declares none there; the fake would refuse it).
    assert_eq!(fake.count("/api:meta/workspace/1/apigroup/111/openapi"), 2);
    assert_eq!(fake.count("/api:meta/workspace/1/apigroup/11/openapi"), 0);
}

/// The judge itself: it refuses what Xano's published Meta API does not declare.
#[test]
fn the_published_meta_api_judges_requests_and_answers() {
    let Some(reference) = support::meta_reference::MetaReference::load() else {
        return;
    };
    let keys = |k: &[&str]| k.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    assert!(
        reference
            .check_request(
                "workspace/1/apigroup",
                &keys(&["page", "per_page", "branch"])
            )
            .is_ok()
    );
    assert!(
        reference
            .check_request("workspace/1/apigroup/11/openapi", &keys(&["branch"]))
            .is_err(),
        "the group spec takes no branch parameter"
    );
    assert!(
        reference
            .check_request("workspace/1/openapi", &keys(&["branch"]))
            .is_ok()
    );
    assert!(
        reference
            .check_request("workspace/abc/branch", &[])
            .is_err()
    );
    assert!(reference.check_request("workspaces", &[]).is_err());
    let envelope = serde_json::json!({"curPage": 1, "nextPage": null, "prevPage": null, "items": [{"id": 1, "name": "A"}]});
    assert!(
        reference
            .check_response("workspace/1/apigroup", &envelope)
            .is_ok()
    );
    let wrong = serde_json::json!({"curPage": "1", "items": [{"id": "one"}]});
    assert!(
        reference
            .check_response("workspace/1/apigroup", &wrong)
            .is_err()
    );
    assert!(
        reference
            .check_response("workspace", &serde_json::json!({"items": []}))
            .is_err(),
        "the workspace list is an array"
    );
}

/// A group whose own spec Xano cannot build (one bad input breaks a group's
/// Swagger) loses only its broken endpoints: it is put together endpoint by
/// endpoint, the lock records what was left out, and a later good spec is a
/// change `fetch --check` reports.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_group_loses_only_its_broken_endpoints() {
    let fake = FakeMeta::start().await;
    fake.break_a_group();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xano.toml"),
        "[xano]\ninstance = \"x-main\"\nworkspace = \"Bookstore\"\nspecs = \"specs\"\nout = \"src/xano.rs\"\n",
    )
    .unwrap();
    let fetched = run(&fake, dir.path(), &["fetch"], WITH_TOKEN).await;
    assert_eq!(fetched.code, Some(0), "{}", fetched.stderr);
    assert!(
        fetched.stderr.contains("Broken: its spec could not be had whole; put together endpoint by endpoint, 2 left out:"),
        "{}",
        fetched.stderr
    );
    assert!(
        fetched.stderr.contains("  GET /books/count: HTTP 500"),
        "{}",
        fetched.stderr
    );
    assert!(
        fetched.stderr.contains("  GET /search-books: `GET /search-books` cannot be read: `$ref` to `#/components/schemas/Nowhere`"),
        "{}",
        fetched.stderr
    );
    let specs = dir.path().join("specs");
    let lock: toml::Value =
        toml::from_str(&std::fs::read_to_string(specs.join("xano.lock")).unwrap()).unwrap();
    let broken = lock["group"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["canonical"].as_str() == Some("broken1"))
        .expect("the broken group is locked");
    let left_out = broken["left_out"].as_array().unwrap();
    assert_eq!(left_out.len(), 2, "{left_out:?}");
    assert_eq!(left_out[1]["path"].as_str(), Some("/search-books"));
    assert!(
        left_out[1]["pointer"]
            .as_str()
            .unwrap()
            .ends_with("/responses/200/content/application~1json/schema/$ref"),
        "{left_out:?}"
    );
    // Every other endpoint is there, and the client generates.
    let spec: serde_json::Value =
        serde_json::from_slice(&std::fs::read(specs.join("broken.json")).unwrap()).unwrap();
    let operations: usize = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| *k != "parameters")
                .count()
        })
        .sum();
    assert_eq!(operations, 15 - 2);
    let generated = run(&fake, dir.path(), &["generate"], &[]).await;
    assert_eq!(generated.code, Some(0), "{}", generated.stderr);
    compiles(&std::fs::read_to_string(dir.path().join("src/xano.rs")).unwrap());

    // Fixed in Xano: the check sees the change, endpoint by endpoint.
    fake.fix_the_group();
    let check = run(&fake, dir.path(), &["fetch", "--check"], WITH_TOKEN).await;
    assert_eq!(check.code, Some(1), "{}", check.stderr);
    assert!(
        check.stderr.contains("`Broken` changed"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("`GET /books/count` reads again"),
        "{}",
        check.stderr
    );
}

/// The workspace's combined spec, with a token (Meta API, of the branch) or
/// without (the public `apispec:workspace:<id>` URL): one file, the lock says
/// so, and `generate` gives one module per group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_is_fetched_combined_either_way() {
    let fake = FakeMeta::start().await;
    let instance_a = format!("\"{}\"", fake.origin_a);
    for (env, instance, workspace) in [
        (WITH_TOKEN, "\"x-main\"", "\"Bookstore\""),
        (&[][..], instance_a.as_str(), "1"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("xano.toml"),
            format!(
                "[xano]\ninstance = {instance}\nworkspace = {workspace}\nspecs = \"specs\"\nout = \"src/xano.rs\"\ncombined = true\n"
            ),
        )
        .unwrap();
        let fetched = run(&fake, dir.path(), &["fetch"], env).await;
        assert_eq!(fetched.code, Some(0), "{}", fetched.stderr);
        let specs = dir.path().join("specs");
        let lock: toml::Value =
            toml::from_str(&std::fs::read_to_string(specs.join("xano.lock")).unwrap()).unwrap();
        assert_eq!(lock["combined"].as_bool(), Some(true), "{lock}");
        let groups = lock["group"].as_array().unwrap();
        assert_eq!(groups.len(), 1);
        let file = groups[0]["file"].as_str().unwrap();
        assert_eq!(
            groups[0]["sha256"].as_str().unwrap(),
            xano_codegen::source::sha256_hex(&std::fs::read(specs.join(file)).unwrap())
        );
        let generated = run(&fake, dir.path(), &["generate"], &[]).await;
        assert_eq!(generated.code, Some(0), "{}", generated.stderr);
        let code = std::fs::read_to_string(dir.path().join("src/xano.rs")).unwrap();
        for module in ["pub mod authentication", "pub mod books", "pub mod admin"] {
            assert!(code.contains(module), "{module} missing");
        }
        assert!(code.contains("\"api:bookstore1\""));
        let check = run(&fake, dir.path(), &["fetch", "--check"], env).await;
        assert_eq!(check.code, Some(0), "{}", check.stderr);
    }
    assert_eq!(
        fake.count("/api:meta/workspace/1/openapi"),
        2,
        "fetch and its check"
    );
    assert_eq!(fake.count("/apispec:workspace:1"), 2);
}

const DEV_SECRETS: [&str; 3] = [
    support::fake_meta::DEV_KEY,
    support::fake_meta::INSTANCE_TOKEN,
    support::fake_meta::TOKEN_URL_SECRET,
];

fn no_developer_secret(run: &Run) {
    for secret in DEV_SECRETS {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "`{secret}` was printed:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
}

/// An account with only a Developer API key: the documented flow (instances,
/// an instance's `tokenUrl`, its workspaces and groups, each group's spec from
/// its `swaggerspec` URL) for `list` and `fetch`, with two instances, a custom
/// domain and two groups on two hosts; no secret in any output or file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_developer_api_key_lists_and_fetches() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let key = support::fake_meta::DEV_KEY;
    let env = [
        ("XANO_DEVELOPER_KEY", key),
        ("XANO_DEVELOPER_API", fake.origin_a.as_str()),
    ];
    let instances = run(&fake, dir.path(), &["list"], &env).await;
    assert_eq!(instances.code, Some(0), "{}", instances.stderr);
    assert!(instances.stdout.contains("x-main") && instances.stdout.contains("x-other"));
    no_developer_secret(&instances);

    let workspaces = run(&fake, dir.path(), &["list", "--instance", "x-main"], &env).await;
    assert_eq!(workspaces.code, Some(0), "{}", workspaces.stderr);
    assert!(
        workspaces.stdout.contains("Bookstore"),
        "{}",
        workspaces.stdout
    );
    let groups = run(
        &fake,
        dir.path(),
        &[
            "list",
            "--instance",
            "x-main",
            "--workspace",
            "Bookstore",
            "--json",
        ],
        &env,
    )
    .await;
    assert_eq!(groups.code, Some(0), "{}", groups.stderr);
    assert!(groups.stdout.contains("bookstore1"), "{}", groups.stdout);
    no_developer_secret(&groups);

    let fetched = run(
        &fake,
        dir.path(),
        &[
            "fetch",
            "--instance",
            "1",
            "--workspace",
            "1",
            "-o",
            "specs",
        ],
        &env,
    )
    .await;
    assert_eq!(fetched.code, Some(0), "{}", fetched.stderr);
    no_developer_secret(&fetched);
    let specs = dir.path().join("specs");
    for file in ["authentication.json", "books.json", "xano.lock"] {
        assert!(specs.join(file).exists(), "{file}: {}", fetched.stderr);
    }
    let lock_text = std::fs::read_to_string(specs.join("xano.lock")).unwrap();
    for secret in DEV_SECRETS {
        assert!(!lock_text.contains(secret), "{lock_text}");
    }
    let lock: toml::Value = toml::from_str(&lock_text).unwrap();
    assert_eq!(lock["api"].as_str(), Some("developer"));
    assert_eq!(
        lock["origin"].as_str(),
        Some("https://books.example.com"),
        "the custom domain"
    );
    // Two groups on two hosts.
    assert_eq!(fake.count("/apispec:auth1"), 1);
    assert_eq!(fake.count("/apispec:bookstore1"), 1);
    // No Metadata API call was made.
    assert_eq!(fake.count("/api:meta/"), 0);
}

/// Each key where the other belongs gets a message saying which key the
/// command needs; with both, the Metadata API wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wrong_key_says_which_key_is_needed() {
    let fake = FakeMeta::start().await;
    let dir = tempfile::tempdir().unwrap();
    let wrong = run(
        &fake,
        dir.path(),
        &["list"],
        &[
            ("XANO_DEVELOPER_KEY", "not-the-key"),
            ("XANO_DEVELOPER_API", fake.origin_a.as_str()),
        ],
    )
    .await;
    assert_eq!(wrong.code, Some(2), "{}", wrong.stderr);
    assert!(
        wrong.stderr.contains(
            "the Developer API key is invalid or revoked; a Metadata API token goes in --token"
        ),
        "{}",
        wrong.stderr
    );
    assert!(!wrong.stderr.contains("not-the-key"), "{}", wrong.stderr);

    let developer_key_as_meta = run(
        &fake,
        dir.path(),
        &["list"],
        &[("XANO_META_TOKEN", support::fake_meta::DEV_KEY)],
    )
    .await;
    assert_eq!(
        developer_key_as_meta.code,
        Some(2),
        "{}",
        developer_key_as_meta.stderr
    );
    assert!(
        developer_key_as_meta
            .stderr
            .contains("a Developer API key goes in --developer-key"),
        "{}",
        developer_key_as_meta.stderr
    );
    no_developer_secret(&developer_key_as_meta);

    let developer_calls = fake.count("/api:developer/");
    let both = run(
        &fake,
        dir.path(),
        &["list"],
        &[
            ("XANO_META_TOKEN", TOKEN),
            ("XANO_DEVELOPER_KEY", support::fake_meta::DEV_KEY),
            ("XANO_DEVELOPER_API", fake.origin_a.as_str()),
        ],
    )
    .await;
    assert_eq!(both.code, Some(0), "{}", both.stderr);
    assert_eq!(
        fake.count("/api:developer/"),
        developer_calls,
        "the Metadata API wins"
    );
}
