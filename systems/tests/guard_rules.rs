//! Each system's rules live in its schemactl.yaml: breaking one in the model makes guard say so.

use schemactl::config::Config;
use schemactl::guard::check_schema;
use schemactl::model::{ForeignKey, QName, Schema};
use std::path::Path;

fn config(system: &str) -> Config {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(system)
        .join("schemactl.yaml");
    Config::load(Some(&file), Path::new(".")).expect("config parses")
}

fn codes(schema: &Schema, system: &str) -> Vec<String> {
    check_schema(schema, &config(system).guard)
        .into_iter()
        .map(|d| d.code)
        .collect()
}

fn table<'a>(schema: &'a mut Schema, name: &str) -> &'a mut schemactl::model::Table {
    let q = QName::parse(name);
    schema.tables.iter_mut().find(|t| t.name == q).unwrap()
}

#[test]
fn digilist_platform_may_not_reference_the_product() {
    let mut schema = seed_systems::digilist::build().unwrap();
    assert!(codes(&schema, "digilist").is_empty());
    let orgs = table(&mut schema, "platform.organizations");
    orgs.foreign_keys.push(ForeignKey {
        name: "organizations_tenant_id_id_fk".into(),
        columns: vec!["tenant_id".into(), "id".into()],
        ref_table: QName::parse("digilist.listings"),
        ref_columns: vec!["tenant_id".into(), "id".into()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferrable: Default::default(),
        origin: Default::default(),
    });
    let found = codes(&schema, "digilist");
    assert!(found.contains(&"SG203".to_string()), "{found:?}");
}

#[test]
fn digilist_tenant_tables_need_tenant_id() {
    let mut schema = seed_systems::digilist::build().unwrap();
    let t = table(&mut schema, "digilist.zones");
    t.columns.retain(|c| c.name != "tenant_id");
    t.meta.scope = Default::default();
    let found = codes(&schema, "digilist");
    assert!(found.contains(&"SG101".to_string()), "{found:?}");
}

#[test]
fn studiovault_mutable_tables_need_version() {
    let mut schema = seed_systems::studiovault::build().unwrap();
    assert!(codes(&schema, "studiovault").is_empty());
    table(&mut schema, "clients")
        .columns
        .retain(|c| c.name != "version");
    let found = codes(&schema, "studiovault");
    assert_eq!(found, ["SG106"]);
}

#[test]
fn renoz_operational_tables_need_created_by_and_updated_by() {
    let mut schema = seed_systems::renoz::build().unwrap();
    assert!(codes(&schema, "renoz").is_empty());
    let t = table(&mut schema, "orders");
    t.columns.retain(|c| c.name != "updated_by");
    t.foreign_keys.retain(|f| f.columns != ["updated_by"]);
    let found = check_schema(&schema, &config("renoz").guard);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "SG105");
    assert_eq!(
        found[0].severity,
        schemactl::diag::Severity::Error,
        "the config makes it an error"
    );
}

/// The distribution-readiness findings of a system with its SG5xx allows taken out: what
/// blocks sharding it by the tenant key, as README.md states it.
fn distribution_blockers(schema: &Schema, config: &Config) -> Vec<(String, String)> {
    let mut guard = config.guard.clone();
    guard.allow.retain(|a| !a.code.starts_with("SG5"));
    let mut found: Vec<(String, String)> = check_schema(schema, &guard)
        .into_iter()
        .filter(|d| d.code.starts_with("SG5"))
        .map(|d| {
            // "primary key", "unique constraint", "foreign key", ...
            let what = d.message.split(" `").next().unwrap_or_default().to_string();
            (d.code, what)
        })
        .collect();
    found.sort();
    found
}

fn tally(found: &[(String, String)]) -> Vec<(String, String, usize)> {
    let mut out: Vec<(String, String, usize)> = Vec::new();
    for (code, what) in found {
        match out.last_mut() {
            Some((c, w, n)) if c == code && w == what => *n += 1,
            _ => out.push((code.clone(), what.clone(), 1)),
        }
    }
    out
}

#[test]
fn distribution_readiness_of_each_system_is_what_the_readme_says() {
    let t = |code: &str, what: &str, n: usize| (code.to_string(), what.to_string(), n);
    let bizing_config = Config::load(
        Some(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemactl.yaml")),
        Path::new("."),
    )
    .unwrap();
    let bizing = bizing_schema::build().unwrap();
    for (name, schema, config, want) in [
        (
            "bizing",
            bizing,
            bizing_config,
            vec![
                t("SG501", "primary key", 292),
                t("SG501", "unique constraint", 15),
                t("SG502", "foreign key", 10),
            ],
        ),
        (
            "renoz",
            seed_systems::renoz::build().unwrap(),
            config("renoz"),
            vec![
                t("SG501", "primary key", 45),
                t("SG501", "unique constraint", 3),
            ],
        ),
        (
            "digilist",
            seed_systems::digilist::build().unwrap(),
            config("digilist"),
            vec![
                t("SG501", "primary key", 34),
                t("SG501", "unique constraint", 2),
            ],
        ),
    ] {
        assert_eq!(
            tally(&distribution_blockers(&schema, &config)),
            want,
            "{name}"
        );
        // With the allows (each with its reason) the system passes.
        let left: Vec<String> = check_schema(&schema, &config.guard)
            .into_iter()
            .filter(|d| d.code.starts_with("SG5"))
            .map(|d| d.message)
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
        assert!(config
            .guard
            .allow
            .iter()
            .filter(|a| a.code.starts_with("SG5"))
            .all(|a| a.reason.len() > 40));
    }
    // The SQLite systems say why the rules do not apply.
    for name in ["studiovault", "events"] {
        let d = config(name).guard.distribution.expect("configured");
        assert!(d.column.is_none(), "{name}");
        assert!(d.not_applicable.unwrap().contains("SQLite"), "{name}");
    }
}
