use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = errand::cli::Cli::parse();
    // Every SSE stream holds a socket: allow as many as the hard limit does.
    errand::service::raise_open_files_limit();
    match errand::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            // One line, whatever the error's parts span (a settings error's is several).
            let said = format!("{e:#}");
            let line: Vec<&str> = said
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            eprintln!("errand: {}", line.join(" "));
            std::process::ExitCode::FAILURE
        }
    }
}
