//! Tests for import_seeds (being written).
