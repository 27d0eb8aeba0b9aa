//! Tests for search (being written).
