//! `cargo events <command>`: schemactl's CLI over the events schema.
fn main() -> std::process::ExitCode {
    schemactl::cli::main_with_schema(seed_systems::events::build)
}
