//! `apply|status|drift --fleet` through the binary against a real fleet: three PostgreSQL
//! servers holding 65 targets (databases listed by URL, databases a control query returns,
//! and tenant schemas listed and queried), waves, both failure policies, a `kill -9` of the
//! whole rollout, and every target's tracking table checked afterwards.

mod support;

use schemactl_testkit::{PgServer, TestDb};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::*;

/// Where a target's tracking table is, to check it from the test.
struct Probe {
    conninfo: String,
    /// `None`: a database target; `Some(s)`: the tenant schema `s`.
    schema: Option<String>,
}

impl Probe {
    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.conninfo, postgres::NoTls).unwrap()
    }

    fn tracking(&self) -> String {
        match &self.schema {
            Some(s) => format!("\"{s}\".schemactl_migrations"),
            None => "public.schemactl_migrations".into(),
        }
    }

    /// (version, statements_done) rows, or None when there is no tracking table.
    fn rows(&self) -> Rows {
        let mut c = self.client();
        let exists: bool = c
            .query_one(
                &format!("SELECT to_regclass('{}') IS NOT NULL", self.tracking()),
                &[],
            )
            .unwrap()
            .get(0);
        if !exists {
            return None;
        }
        Some(
            c.query(
                &format!(
                    "SELECT version, statements_done FROM {} ORDER BY version",
                    self.tracking()
                ),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect(),
        )
    }

    fn relation(&self, name: &str) -> bool {
        let qualified = match &self.schema {
            Some(s) => format!("\"{s}\".{name}"),
            None => format!("public.{name}"),
        };
        self.client()
            .query_one(
                &format!("SELECT to_regclass('{qualified}') IS NOT NULL"),
                &[],
            )
            .unwrap()
            .get(0)
    }
}

/// A tracking table's (version, statements_done) rows; None: no tracking table.
type Rows = Option<Vec<(i64, Option<i32>)>>;

struct Fleet {
    _servers: (PgServer, PgServer),
    env: Vec<(String, String)>,
    passwords: Vec<String>,
    /// Target name -> where to look.
    probes: BTreeMap<String, Probe>,
    file: PathBuf,
    /// The database target whose second migration fails until the test fixes it.
    broken: TestDb,
}

const FILES: &[(&str, &str)] = &[
    (
        "0001_accounts.sql",
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n",
    ),
    (
        "0002_orders.sql",
        "CREATE TABLE orders (id bigint PRIMARY KEY, account_id bigint NOT NULL REFERENCES accounts (id), total numeric(12,2) NOT NULL);\nINSERT INTO accounts VALUES (1, 'first');\nINSERT INTO orders VALUES (1, 1, 9.50);\n",
    ),
    (
        "0003_orders_index.sql",
        "-- schemactl:no-transaction\nCREATE INDEX CONCURRENTLY orders_account_idx ON orders (account_id);\nCREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);\n",
    ),
];

/// Three servers: 20 databases by URL on the shared one (one of them broken), 20 databases
/// on a second one returned by a control query, and on a third one 20 tenant schemas from a
/// query plus 5 listed ones: 65 targets.
fn fleet(root: &Path) -> Fleet {
    let a = PgServer::shared();
    let b = PgServer::start().expect("a second PostgreSQL server");
    let c = PgServer::start().expect("a third PostgreSQL server");
    let mut probes = BTreeMap::new();
    let tcp = |s: &PgServer, db: &str| format!("postgres://postgres@127.0.0.1:{}/{db}", s.port);
    let mut yaml = String::from(
        "max_parallel: 6\non_failure: stop\nwaves:\n  - name: canary\n    labels: {ring: canary}\n  - name: rest\ntargets:\n",
    );
    let mut broken = None;
    for i in 0..20 {
        let db = a.create_database(&format!("fleet_a{i}"));
        let name = format!("a{i:02}");
        let ring = if i < 2 {
            "  labels: {ring: canary}\n"
        } else {
            ""
        };
        yaml.push_str(&format!(
            "- name: {name}\n  url: {}\n  password_env: FLEET_A_PASSWORD\n{ring}",
            tcp(a, &db.name)
        ));
        probes.insert(
            name,
            Probe {
                conninfo: db.conninfo.clone(),
                schema: None,
            },
        );
        if i == 10 {
            broken = Some(db);
        }
    }
    // Server B: a control database lists its 20 shards.
    let control = b.create_database("fleet_control");
    let mut cc = control.client();
    cc.batch_execute("CREATE TABLE shards (url text NOT NULL, labels text)")
        .unwrap();
    for i in 0..20 {
        let db = b.create_database(&format!("fleet_b{i}"));
        let labels = if i == 0 { Some("ring=canary") } else { None };
        cc.execute(
            "INSERT INTO shards VALUES ($1, $2)",
            &[&tcp(&b, &db.name), &labels],
        )
        .unwrap();
        probes.insert(
            format!("shards/127.0.0.1:{}/{}", b.port, db.name),
            Probe {
                conninfo: db.conninfo.clone(),
                schema: None,
            },
        );
    }
    yaml.push_str(&format!(
        "- name: shards\n  url: {}\n  password_env: FLEET_B_PASSWORD\n  urls_query: SELECT url, labels FROM shards ORDER BY url\n  urls_password_env: FLEET_B_PASSWORD\n",
        tcp(&b, &control.name)
    ));
    // Server C: tenant schemas, queried from a tenants table and listed.
    let tenants = c.create_database("fleet_tenants");
    let mut tc = tenants.client();
    tc.batch_execute("CREATE TABLE tenants (schema_name text PRIMARY KEY)")
        .unwrap();
    for i in 0..20 {
        let s = format!("tenant_{i:02}");
        tc.execute("INSERT INTO tenants VALUES ($1)", &[&s])
            .unwrap();
        probes.insert(
            format!("tenants/{s}"),
            Probe {
                conninfo: tenants.conninfo.clone(),
                schema: Some(s),
            },
        );
    }
    yaml.push_str(&format!(
        "- name: tenants\n  url: {}\n  password_env: FLEET_C_PASSWORD\n  schemas_query: SELECT schema_name FROM tenants ORDER BY 1\n",
        tcp(&c, &tenants.name)
    ));
    let listed = c.create_database("fleet_listed");
    let schemas: Vec<String> = (0..5).map(|i| format!("shop-{i}")).collect();
    for s in &schemas {
        probes.insert(
            format!("listed/{s}"),
            Probe {
                conninfo: listed.conninfo.clone(),
                schema: Some(s.clone()),
            },
        );
    }
    yaml.push_str(&format!(
        "- name: listed\n  url: {}\n  password_env: FLEET_C_PASSWORD\n  labels: {{ring: canary}}\n  schemas: [{}]\n",
        tcp(&c, &listed.name),
        schemas.join(", ")
    ));
    let file = root.join("fleet.yaml");
    std::fs::write(&file, yaml).unwrap();
    // The broken target already has an `orders` table, so 0002 fails there.
    broken
        .as_ref()
        .unwrap()
        .client()
        .batch_execute("CREATE TABLE orders (legacy int)")
        .unwrap();
    let env = vec![
        ("FLEET_A_PASSWORD".to_string(), a.password.clone()),
        ("FLEET_B_PASSWORD".to_string(), b.password.clone()),
        ("FLEET_C_PASSWORD".to_string(), c.password.clone()),
    ];
    let passwords = vec![a.password.clone(), b.password.clone(), c.password.clone()];
    Fleet {
        _servers: (b, c),
        env,
        passwords,
        probes,
        file,
        broken: broken.unwrap(),
    }
}

impl Fleet {
    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = schemactl();
        cmd.args(args)
            .arg("--fleet")
            .arg(&self.file)
            .env_remove("PGPASSWORD");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        let r: Run = self.command(args).output().unwrap().into();
        for p in &self.passwords {
            assert!(
                !r.stdout.contains(p.as_str()) && !r.stderr.contains(p.as_str()),
                "a password leaked:\n{}\n{}",
                r.stdout,
                r.stderr
            );
        }
        r
    }

    /// Every target's tracking rows.
    fn states(&self) -> BTreeMap<String, Rows> {
        self.probes
            .iter()
            .map(|(name, p)| (name.clone(), p.rows()))
            .collect()
    }
}

fn json(r: &Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr))
}

fn states_by_name(v: &serde_json::Value) -> BTreeMap<String, String> {
    v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["state"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Every migration exactly once, complete: versions 1..=n, no part-way row.
fn complete(rows: &Rows, n: i64) -> bool {
    rows.as_ref()
        .is_some_and(|r| *r == (1..=n).map(|v| (v, None)).collect::<Vec<_>>())
}

#[test]
fn a_fleet_of_65_targets_on_3_servers_rolls_out_stops_continues_and_survives_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path(), FILES);
    let m = dir.to_str().unwrap();
    let f = fleet(tmp.path());
    assert_eq!(f.probes.len(), 65);

    // Nothing applied yet: status says so for every target, exit 1.
    let r = f.run(&["status", "--migrations", m, "--format", "json"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v = json(&r);
    assert_eq!(v["targets"].as_array().unwrap().len(), 65);
    assert!(states_by_name(&v).values().all(|s| s == "behind"), "{v}");

    // on_failure: stop. The canary wave (2 + 1 + 5 targets) goes first; the broken target
    // in the rest wave fails at 0002 and no target starts after it.
    let r = f.run(&["apply", "--migrations", m, "--format", "json"]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v = json(&r);
    let states = states_by_name(&v);
    assert_eq!(states["a10"], "failed");
    let canary: Vec<&serde_json::Value> = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["wave"] == "canary")
        .collect();
    assert_eq!(canary.len(), 8);
    assert!(canary.iter().all(|t| t["state"] == "applied"));
    let error = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "a10")
        .unwrap()["error"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        error.contains("[apply::failed]") && error.contains("orders"),
        "{error}"
    );
    let not_started = states.values().filter(|s| *s == "not_started").count();
    // 57 targets in the rest wave, at most 6 running when a10 failed.
    assert!(not_started >= 40, "{states:?}");
    assert!(r.stderr.contains("stopping: `a10` failed"), "{}", r.stderr);
    let tracked = f.states();
    assert_eq!(
        tracked["a10"],
        Some(vec![(1, None)]),
        "0001 kept, 0002 rolled back"
    );
    for (name, s) in &states {
        match s.as_str() {
            "applied" => assert!(complete(&tracked[name], 3), "{name}: {:?}", tracked[name]),
            "not_started" => assert_eq!(tracked[name], None, "{name} was not touched"),
            _ => {}
        }
    }
    // Status: exit 1 until every target is at the last version.
    let r = f.run(&["status", "--migrations", m]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("behind"), "{}", r.stdout);

    // on_failure: continue (the same fleet, the policy overridden in a copy of the file):
    // every other target completes, the broken one fails again and is reported.
    let text = std::fs::read_to_string(&f.file).unwrap();
    std::fs::write(
        &f.file,
        text.replace("on_failure: stop", "on_failure: continue"),
    )
    .unwrap();
    let r = f.run(&["apply", "--migrations", m]);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("rollout incomplete: 1 failed, 0 not started, 64 of 65 done"),
        "{}",
        r.stdout
    );
    let tracked = f.states();
    for (name, rows) in &tracked {
        if name != "a10" {
            assert!(complete(rows, 3), "{name}: {rows:?}");
        }
    }
    // Schema-per-tenant targets hold their objects and tracking table in their own schema.
    let t = &f.probes["tenants/tenant_07"];
    assert!(t.relation("orders") && t.relation("schemactl_migrations"));
    let public = Probe {
        conninfo: t.conninfo.clone(),
        schema: None,
    };
    assert!(!public.relation("orders") && !public.relation("schemactl_migrations"));

    // Fix the broken target; the same command completes the rollout.
    f.broken
        .client()
        .batch_execute("DROP TABLE orders")
        .unwrap();
    let r = f.run(&["apply", "--migrations", m]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains(
            "rollout complete: 65 target(s) at version 3 (1 migrated now, 64 already there)"
        ),
        "{}",
        r.stdout
    );
    let r = f.run(&["status", "--migrations", m]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("up to date: all 65 target(s) at version 3"),
        "{}",
        r.stdout
    );

    // kill -9 of the whole rollout, in the middle of a no-transaction file, then resume.
    let more = [
        (
            "0004_slow_backfill.sql",
            "-- schemactl:no-transaction\nALTER TABLE accounts ADD COLUMN region text;\nSELECT pg_sleep(0.3);\nUPDATE accounts SET region = 'eu';\n",
        ),
        (
            "0005_regions.sql",
            "CREATE TABLE regions (code text PRIMARY KEY);\nSELECT pg_sleep(0.1);\n",
        ),
    ];
    for (name, sql) in more {
        std::fs::write(dir.join(name), sql).unwrap();
    }
    rehash(&dir);
    let mut child = f
        .command(&["apply", "--migrations", m])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let start = Instant::now();
    let mut finished = 0;
    while finished < 12 {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the rollout makes progress");
        if line.trim_start().starts_with("applied ") {
            finished += 1;
        }
        assert!(start.elapsed() < Duration::from_secs(120));
    }
    child.kill().unwrap(); // SIGKILL: no cleanup of any kind
    child.wait().unwrap();
    let tracked = f.states();
    let partial = tracked
        .values()
        .filter(|r| !complete(r, 5) && !complete(r, 3))
        .count();
    let done = tracked.values().filter(|r| complete(r, 5)).count();
    assert!(
        (12..65).contains(&done),
        "killed in the middle: {done} done, {partial} part-way"
    );
    // Whatever a target holds, it is a prefix of the chain, each file at most once, and a
    // part-way row only for the no-transaction file.
    for (name, rows) in &tracked {
        let rows = rows.as_ref().unwrap();
        for (i, (version, done)) in rows.iter().enumerate() {
            assert_eq!(*version, i as i64 + 1, "{name}: {rows:?}");
            assert!(done.is_none() || *version == 4, "{name}: {rows:?}");
        }
    }
    let r = f.run(&["apply", "--migrations", m, "--format", "json"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(json(&r)["complete"], true);
    for (name, rows) in f.states() {
        assert!(complete(&rows, 5), "{name}: {rows:?}");
    }
    for (name, p) in &f.probes {
        assert!(p.relation("regions"), "{name}");
        let region: Option<String> = p
            .client()
            .query_one(
                &format!(
                    "SELECT region FROM {} WHERE id = 1",
                    match &p.schema {
                        Some(s) => format!("\"{s}\".accounts"),
                        None => "public.accounts".into(),
                    }
                ),
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(
            region.as_deref(),
            Some("eu"),
            "{name}: the backfill ran once, whole"
        );
    }
    let r = f.run(&["status", "--migrations", m, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = json(&r);
    assert!(v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["version"] == 5 && t["state"] == "up_to_date"));
}

#[test]
fn drift_over_a_fleet_finds_the_one_changed_tenant() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = folder(tmp.path(), FILES);
    let m = dir.to_str().unwrap();
    let server = PgServer::shared();
    let one = server.create_database("fleet_drift_one");
    let shared = server.create_database("fleet_drift_schemas");
    let file = tmp.path().join("fleet.yaml");
    std::fs::write(
        &file,
        format!(
            "targets:\n  - {{name: one, url: '{}'}}\n  - {{name: shop, url: '{}', schemas: [acme, globex]}}\n",
            one.conninfo, shared.conninfo
        ),
    )
    .unwrap();
    let fleet = ["--fleet", file.to_str().unwrap()];
    let r = run(&[&["apply", "--migrations", m][..], &fleet[..]].concat());
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    shared
        .client()
        .batch_execute("ALTER TABLE globex.accounts ADD COLUMN note text")
        .unwrap();
    let r = run(&[
        &["drift", "--migrations", m, "--format", "json"][..],
        &fleet[..],
    ]
    .concat());
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let v = json(&r);
    let states = states_by_name(&v);
    assert_eq!(
        states,
        BTreeMap::from([
            ("one".to_string(), "no_drift".to_string()),
            ("shop/acme".to_string(), "no_drift".to_string()),
            ("shop/globex".to_string(), "drift".to_string()),
        ])
    );
}
