//! Tests for interop (being written).
