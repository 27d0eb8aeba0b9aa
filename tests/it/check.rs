//! Tests for check (being written).
