//! A record's bytes: counts and byte strings, little-endian.

/// A record being written: counts and byte strings, little-endian.
pub struct Enc(pub Vec<u8>);

impl Enc {
    pub fn u32(&mut self, n: u32) {
        self.0.extend_from_slice(&n.to_le_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    pub fn opt(&mut self, b: Option<&[u8]>) {
        match b {
            Some(b) => {
                self.0.push(1);
                self.bytes(b);
            }
            None => self.0.push(0),
        }
    }
    pub fn strs(&mut self, list: &[String]) {
        self.u32(list.len() as u32);
        list.iter().for_each(|s| self.bytes(s.as_bytes()));
    }
}

/// A record being read; every read is `None` past its end.
pub struct Dec<'a>(pub &'a [u8]);

impl<'a> Dec<'a> {
    pub fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.0.get(..n)?, self.0.get(n..)?);
        self.0 = rest;
        Some(head)
    }
    pub fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    pub fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    pub fn opt(&mut self) -> Option<Option<&'a [u8]>> {
        match self.take(1)?[0] {
            0 => Some(None),
            1 => Some(Some(self.bytes()?)),
            _ => None,
        }
    }
    pub fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.u32()? as usize;
        // Each string takes 4 bytes at least: a count past that is a bad record.
        if n > self.0.len() / 4 {
            return None;
        }
        (0..n).map(|_| String::from_utf8(self.bytes()?.to_vec()).ok()).collect()
    }
}
