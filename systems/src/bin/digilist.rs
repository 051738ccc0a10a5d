//! `cargo digilist <command>`: schemactl's CLI over the digilist schema.
fn main() -> std::process::ExitCode {
    schemactl::cli::main_with_schema(seed_systems::digilist::build)
}
