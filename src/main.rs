//! The `vigil` binary: a thin wrapper over [`vigil::cli`].

use clap::Parser;

/// How far glibc grows a thread's heap at a time. Its default grows the
/// heaps of worker threads a few pages at a time, one `mprotect` call each:
/// 6,000 calls and 9% of the CPU time of compiling SigmaHQ. Address space
/// reserved ahead is not memory used: untouched pages are never resident.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const HEAP_TOP_PAD: libc::c_int = 64 << 20;

fn main() -> std::process::ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only sets a tuning parameter of the allocator; it
    // is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_TOP_PAD, HEAP_TOP_PAD);
    }
    let cli = vigil::cli::Cli::parse();
    let worker = std::thread::Builder::new()
        .name("vigil".into())
        .stack_size(vigil::par::STACK_BYTES)
        .spawn(move || vigil::cli::run(cli));
    match worker.map(|h| h.join()) {
        Ok(Ok(code)) => code,
        _ => {
            eprintln!(
                "error: vigil stopped unexpectedly (this is a bug; please report it with the input)"
            );
            std::process::ExitCode::from(101)
        }
    }
}
