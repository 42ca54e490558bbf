//! `strings`: the dictionary of repeated sign-in values (GUIDs, IPs, places, reasons).

use foldhash::{HashMap, HashMapExt};

use rusqlite::{Connection, OptionalExtension};

use crate::Result;

/// Looks strings up in, and adds them to, the `strings` table, remembering recent answers.
/// The memory it keeps is bounded: past `capacity` entries it starts afresh.
pub struct Interner {
    cache: HashMap<Box<str>, i64>,
    capacity: usize,
}

impl Default for Interner {
    fn default() -> Self {
        Interner::with_capacity(200_000)
    }
}

impl Interner {
    pub fn with_capacity(capacity: usize) -> Interner {
        Interner {
            cache: HashMap::new(),
            capacity,
        }
    }

    /// The id of `value`, adding it to the table if new.
    pub fn intern(&mut self, conn: &Connection, value: &str) -> Result<i64> {
        if let Some(&id) = self.cache.get(value) {
            return Ok(id);
        }
        let mut select = conn.prepare_cached("SELECT id FROM strings WHERE value = ?1")?;
        let id = match select.query_row([value], |r| r.get(0)).optional()? {
            Some(id) => id,
            None => {
                let mut insert = conn.prepare_cached("INSERT INTO strings (value) VALUES (?1)")?;
                insert.execute([value])?;
                conn.last_insert_rowid()
            }
        };
        if self.cache.len() >= self.capacity {
            self.cache.clear();
        }
        self.cache.insert(value.into(), id);
        Ok(id)
    }

    pub fn intern_opt(&mut self, conn: &Connection, value: Option<&str>) -> Result<Option<i64>> {
        match value {
            Some(v) if !v.is_empty() => self.intern(conn, v).map(Some),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::open_in_memory;

    #[test]
    fn the_same_value_gets_the_same_id_even_after_the_cache_is_full() {
        let conn = open_in_memory().unwrap();
        let mut i = Interner::with_capacity(2);
        let a = i.intern(&conn, "a").unwrap();
        let b = i.intern(&conn, "b").unwrap();
        let c = i.intern(&conn, "c").unwrap();
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_eq!(
            i.intern(&conn, "a").unwrap(),
            a,
            "found again in the table once evicted"
        );
        assert_eq!(
            i.intern_opt(&conn, Some("")).unwrap(),
            None,
            "empty strings are not stored"
        );
    }
}
