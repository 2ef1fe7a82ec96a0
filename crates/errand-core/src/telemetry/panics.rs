//! Panics as log events. std's own report writes the raw message to stderr (a model's
//! scripted panic could forge lines and drive the terminal) and, under RUST_BACKTRACE, a
//! backtrace for every panicking task. Here a panic is one escaped error event with its
//! location and thread. Its backtrace is a debug event; with debug off and RUST_BACKTRACE
//! set, the first panic of the process carries one, the later ones none.

use std::any::Any;
use std::backtrace::{Backtrace, BacktraceStatus};
use std::panic::PanicHookInfo;
use std::sync::atomic::{AtomicBool, Ordering};

/// Replaces the process's panic hook. Call once, after the subscriber is installed: a
/// panic before that goes through std's report.
pub fn log_panics() {
    let backtrace_logged = AtomicBool::new(false);
    std::panic::set_hook(Box::new(move |info| log_panic(info, &backtrace_logged)));
}

/// The text a panic was raised with.
pub fn panic_text(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic without a message")
}

fn log_panic(info: &PanicHookInfo<'_>, backtrace_logged: &AtomicBool) {
    let thread = std::thread::current();
    let thread = thread.name().unwrap_or("unnamed");
    let location = info
        .location()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string);
    let message = panic_text(info.payload());
    if tracing::enabled!(tracing::Level::DEBUG) {
        tracing::error!(thread, %location, "panicked: {message}");
        let backtrace = Backtrace::force_capture();
        tracing::debug!(thread, %location, %backtrace, "backtrace of a panic");
    } else if let Some(backtrace) = first_backtrace(backtrace_logged) {
        tracing::error!(
            thread,
            %location,
            %backtrace,
            "panicked: {message} (later panics log their backtrace at debug level only)"
        );
    } else {
        tracing::error!(thread, %location, "panicked: {message}");
    }
}

/// The backtrace of the process's first panic when RUST_BACKTRACE (or
/// RUST_LIB_BACKTRACE) asks for backtraces; `None` for later panics.
fn first_backtrace(logged: &AtomicBool) -> Option<Backtrace> {
    if logged.load(Ordering::Relaxed) {
        return None;
    }
    let backtrace = Backtrace::capture();
    (backtrace.status() == BacktraceStatus::Captured && !logged.swap(true, Ordering::Relaxed))
        .then_some(backtrace)
}
