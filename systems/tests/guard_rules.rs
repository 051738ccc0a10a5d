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
