//! `cargo renoz <command>`: schemactl's CLI over the renoz schema.
fn main() -> std::process::ExitCode {
    schemactl::cli::main_with_schema(seed_systems::renoz::build)
}
