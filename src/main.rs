use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = errand::cli::Cli::parse();
    match errand::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("errand: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
