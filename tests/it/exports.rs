//! Tests for exports (being written).
