//! Tests for build (being written).
