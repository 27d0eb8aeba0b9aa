//! Tests for import_write (being written).
