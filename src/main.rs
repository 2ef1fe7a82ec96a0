use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = errand::cli::Cli::parse();
    // Every SSE stream holds a socket: allow as many as the hard limit does.
    errand::service::raise_open_files_limit();
    match errand::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("errand: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
