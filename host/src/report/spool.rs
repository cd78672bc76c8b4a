//! Console output within bounds. A test may print gigabytes; reporters that keep output until
//! later (the documentation reporter until the test ends, the summary and JUnit until the run
//! ends) keep it in a [`Capped`] buffer, the first and the last half of [`CONSOLE_CAP`] with a
//! marker saying how much was cut between them, and the summary and JUnit keep what they hold
//! for the end of the run in a [`Spool`]: in memory up to [`SPOOL_MEMORY`], beyond that in an
//! anonymous temp file the OS removes when it is closed, even if proctor dies.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};

/// How much of one test's console output (per stream, in JUnit) a report keeps: the first half
/// and the last half.
pub(crate) const CONSOLE_CAP: usize = 64 * 1024;

/// How many bytes of kept output a reporter holds in memory before the rest goes to disk.
pub(crate) const SPOOL_MEMORY: usize = 1024 * 1024;

/// Text of unbounded length kept as its first and last `cap / 2` bytes (on character
/// boundaries), counting the bytes cut between them.
#[derive(Debug)]
pub(crate) struct Capped {
    cap: usize,
    head: String,
    /// The latest text; may grow to `cap` before it is trimmed to `cap / 2`, so trimming costs
    /// amortized constant time per byte.
    tail: String,
    cut: u64,
}

impl Capped {
    /// An empty buffer that keeps at most about `cap` bytes.
    pub(crate) fn new(cap: usize) -> Self {
        Capped { cap, head: String::new(), tail: String::new(), cut: 0 }
    }

    /// True when nothing was pushed.
    pub(crate) fn is_empty(&self) -> bool {
        self.head.is_empty()
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: &str) {
        let half = self.cap / 2;
        let room = half.saturating_sub(self.head.len());
        let split = floor_boundary(text, room);
        self.head.push_str(&text[..split]);
        let rest = &text[split..];
        if rest.is_empty() {
            return;
        }
        if rest.len() >= half {
            let start = ceil_boundary(rest, rest.len() - half);
            self.cut += (self.tail.len() + start) as u64;
            self.tail.clear();
            self.tail.push_str(&rest[start..]);
        } else {
            self.tail.push_str(rest);
            if self.tail.len() > 2 * half {
                self.trim_tail();
            }
        }
    }

    fn trim_tail(&mut self) {
        let half = self.cap / 2;
        if self.tail.len() > half {
            let start = ceil_boundary(&self.tail, self.tail.len() - half);
            self.cut += start as u64;
            self.tail.drain(..start);
        }
    }

    /// The kept text, with a line saying how much was cut where it was cut.
    pub(crate) fn into_text(mut self) -> String {
        self.trim_tail();
        if self.cut == 0 {
            self.head.push_str(&self.tail);
            return self.head;
        }
        let mut text = self.head;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!(
            "[proctor: {} bytes of output cut here; reports keep the first and the last {} KiB]\n",
            self.cut,
            self.cap / 2 / 1024
        ));
        text.push_str(&self.tail);
        text
    }
}

/// Appends console output as the terminal reporters show it: one line per line, those from
/// stderr marked `[stderr] `.
pub(crate) fn push_console(capped: &mut Capped, stream: protocol::Stream, text: &str) {
    let marker = match stream {
        protocol::Stream::Stdout => "",
        protocol::Stream::Stderr => "[stderr] ",
    };
    for line in text.trim_end_matches('\n').lines() {
        capped.push(marker);
        capped.push(line);
        capped.push("\n");
    }
}

/// The largest character boundary at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The smallest character boundary at or above `at`.
fn ceil_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Text kept for the end of the run by a [`Spool`].
#[derive(Debug)]
pub(crate) enum Spooled {
    /// Held in memory.
    Memory(String),
    /// At this place in the spool's file.
    Disk {
        /// Where it starts.
        offset: u64,
        /// Its length in bytes.
        len: usize,
    },
}

/// Keeps texts for later: in memory up to a budget, then in a temp file.
#[derive(Debug)]
pub(crate) struct Spool {
    budget: usize,
    in_memory: usize,
    file: Option<File>,
    end: u64,
}

impl Spool {
    /// A spool that holds up to `budget` bytes in memory.
    pub(crate) fn new(budget: usize) -> Self {
        Spool { budget, in_memory: 0, file: None, end: 0 }
    }

    /// Keeps `text`.
    pub(crate) fn keep(&mut self, text: String) -> std::io::Result<Spooled> {
        if self.in_memory + text.len() <= self.budget {
            self.in_memory += text.len();
            return Ok(Spooled::Memory(text));
        }
        let context = |err: std::io::Error| {
            std::io::Error::new(err.kind(), format!("failed to spool console output to a temp file: {err}"))
        };
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(tempfile::tempfile().map_err(context)?),
        };
        file.seek(SeekFrom::Start(self.end)).map_err(context)?;
        file.write_all(text.as_bytes()).map_err(context)?;
        let offset = self.end;
        self.end += text.len() as u64;
        Ok(Spooled::Disk { offset, len: text.len() })
    }

    /// Reads kept text back.
    pub(crate) fn read(&mut self, spooled: Spooled) -> std::io::Result<String> {
        match spooled {
            Spooled::Memory(text) => Ok(text),
            Spooled::Disk { offset, len } => {
                let file = self.file.as_mut().ok_or_else(|| std::io::Error::other("the spool has no file"))?;
                file.seek(SeekFrom::Start(offset))?;
                let mut bytes = vec![0; len];
                file.read_exact(&mut bytes)?;
                String::from_utf8(bytes).map_err(std::io::Error::other)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        let mut capped = Capped::new(16);
        capped.push("abc\n");
        capped.push("def\n");
        assert_eq!(capped.into_text(), "abc\ndef\n");
    }

    #[test]
    fn long_text_keeps_its_head_and_tail_and_says_how_much_was_cut() {
        let mut capped = Capped::new(8);
        for chunk in ["0123", "4567", "89ab", "cdef", "ghij"] {
            capped.push(chunk);
        }
        let text = capped.into_text();
        assert_eq!(
            text,
            "0123\n[proctor: 12 bytes of output cut here; reports keep the first and the last 0 KiB]\nghij"
        );
        let mut one = Capped::new(8);
        one.push("0123456789abcdefghij");
        assert_eq!(one.into_text(), text);
    }

    #[test]
    fn cuts_only_on_character_boundaries() {
        let mut capped = Capped::new(8);
        capped.push("ééééééééé");
        let text = capped.into_text();
        assert!(text.starts_with("éé\n[proctor: 10 bytes"), "{text}");
        assert!(text.ends_with("]\néé"), "{text}");
    }

    #[test]
    fn memory_stays_bounded_however_much_is_pushed() {
        let mut capped = Capped::new(CONSOLE_CAP);
        let line = "x".repeat(1000) + "\n";
        for _ in 0..20_000 {
            capped.push(&line);
            assert!(capped.head.capacity() + capped.tail.capacity() <= 4 * CONSOLE_CAP);
        }
        let text = capped.into_text();
        assert!(text.len() < CONSOLE_CAP + 200, "{}", text.len());
        assert!(
            text.contains(&format!("[proctor: {} bytes of output cut here", 20_000 * 1001 - CONSOLE_CAP)),
            "{}",
            &text[32 * 1024..32 * 1024 + 120]
        );
    }

    #[test]
    fn the_spool_holds_its_budget_in_memory_and_the_rest_on_disk() {
        let mut spool = Spool::new(10);
        let a = spool.keep("12345678".into()).unwrap();
        let b = spool.keep("abcdef".into()).unwrap();
        let c = spool.keep("ghi".into()).unwrap();
        assert!(matches!(a, Spooled::Memory(_)));
        assert!(matches!(b, Spooled::Disk { offset: 0, len: 6 }));
        assert!(matches!(c, Spooled::Disk { offset: 6, len: 3 }));
        assert_eq!(spool.read(c).unwrap(), "ghi");
        assert_eq!(spool.read(b).unwrap(), "abcdef");
        assert_eq!(spool.read(a).unwrap(), "12345678");
    }
}
