//! Tests for themes (being written).
