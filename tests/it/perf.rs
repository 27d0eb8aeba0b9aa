//! Tests for perf (being written).
