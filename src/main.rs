//! The `docseal` command: parses arguments, runs one command, maps the
//! outcome to an exit code (0 ok, 1 checked and failed, 2 could not check).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}

// Parsing many documents is allocation-heavy; mimalloc is markedly faster
// than the system allocator for it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
