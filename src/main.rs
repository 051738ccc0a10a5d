fn main() -> std::process::ExitCode {
    schemactl::cli::main()
}
