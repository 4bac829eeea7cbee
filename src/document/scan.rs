//! A cursor over JSON that `serde_json` has already accepted, so that it only
//! has to find boundaries, never to diagnose syntax. The parser walks it to
//! say where a duplicate key is; `locate` walks it to find values.

use std::ops::ControlFlow;

pub(super) struct Scanner<'a> {
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Scanner<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, pos: 0 }
    }

    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub(super) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// Skips a string starting at its opening quote; returns its raw bytes
    /// including the quotes.
    pub(super) fn skip_string(&mut self) -> &'a [u8] {
        let bytes = self.bytes;
        let start = self.pos;
        self.pos += 1;
        // Statement texts are long: jump from one quote or backslash to the next.
        while let Some(i) = bytes
            .get(self.pos..)
            .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
        {
            self.pos += i + 1;
            if bytes[self.pos - 1] == b'"' {
                return &bytes[start..self.pos];
            }
            self.pos += 1; // the escaped character
        }
        self.pos = bytes.len();
        &bytes[start..]
    }

    pub(super) fn skip_value(&mut self) {
        self.skip_ws();
        match self.peek() {
            Some(b'"') => {
                self.skip_string();
            }
            Some(open @ (b'{' | b'[')) => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b) if b == close => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',' | b':') => self.pos += 1,
                        Some(_) => self.skip_value(),
                        None => return,
                    }
                }
            }
            Some(_) => {
                while let Some(b) = self.peek() {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.pos += 1;
                }
            }
            None => {}
        }
    }

    /// At an object's `{`: calls `visit` for each member in order, with the
    /// offset of its key (the opening quote) and the key unescaped, the
    /// cursor just after the `:`. `visit` moves past the value, or breaks;
    /// at the closing brace the cursor moves past it.
    pub(super) fn members<B>(
        &mut self,
        mut visit: impl FnMut(&mut Self, usize, String) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        self.pos += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b'"') => {}
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                _ => {
                    self.pos += 1; // '}'
                    return ControlFlow::Continue(());
                }
            }
            let key_at = self.pos;
            let key = unescape_key(self.skip_string()).unwrap_or_default();
            self.skip_ws();
            self.pos += 1; // ':'
            visit(self, key_at, key)?;
        }
    }

    /// At an array's `[`: calls `visit` for each item with its index, the
    /// cursor at (or just before) the item. `visit` moves past the item, or
    /// breaks; at the closing bracket the cursor moves past it.
    pub(super) fn items<B>(
        &mut self,
        mut visit: impl FnMut(&mut Self, usize) -> ControlFlow<B>,
    ) -> ControlFlow<B> {
        self.pos += 1;
        let mut index = 0;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    continue;
                }
                Some(b']') | None => {
                    self.pos += 1;
                    return ControlFlow::Continue(());
                }
                _ => {}
            }
            visit(self, index)?;
            index += 1;
        }
    }
}

/// The key a raw JSON string (with quotes) stands for.
fn unescape_key(raw: &[u8]) -> Option<String> {
    if raw.contains(&b'\\') {
        serde_json::from_slice(raw).ok()
    } else {
        let inner = raw.get(1..raw.len().checked_sub(1)?)?;
        std::str::from_utf8(inner).ok().map(str::to_owned)
    }
}
