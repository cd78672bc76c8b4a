//! Writing to the terminal without panicking: `println!` and `eprintln!` panic when the other
//! end of a pipe is gone (`proctor serve 2>&1 | head -1`, `proctor list | head`). Through
//! these macros a closed stdout or stderr only ends that output, quietly; the process carries
//! on (a server keeps serving, a run finishes and writes its reports) and exits as it would have.

/// Like `println!`, ignoring write errors (a closed pipe).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::output::write_line(&mut std::io::stdout().lock(), format_args!($($arg)*))
    };
}

/// Like `print!`, ignoring write errors (a closed pipe).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_fmt(format_args!($($arg)*)).and_then(|()| stdout.flush());
    }};
}

/// Like `eprintln!`, ignoring write errors (a closed pipe).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::output::write_line(&mut std::io::stderr().lock(), format_args!($($arg)*))
    };
}

/// Writes one line and flushes it; a failed write is dropped.
pub(crate) fn write_line(out: &mut impl std::io::Write, args: std::fmt::Arguments<'_>) {
    let _ = out.write_fmt(args).and_then(|()| out.write_all(b"\n")).and_then(|()| out.flush());
}

/// True for the error a write to a closed pipe gives: output that nobody reads any more, which
/// ends quietly rather than as a failure.
pub(crate) fn is_closed_pipe(err: &std::io::Error) -> bool {
    err.kind() == std::io::ErrorKind::BrokenPipe
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Closed;

    impl std::io::Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn a_closed_pipe_is_not_a_panic() {
        write_line(&mut Closed, format_args!("{}", 1));
        assert!(is_closed_pipe(&std::io::ErrorKind::BrokenPipe.into()));
    }
}
