//! The `waymark` binary: everything is in the library; see `waymark::cli`.

fn main() -> std::process::ExitCode {
    waymark::cli::run()
}
