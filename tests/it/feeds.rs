//! Tests for feeds (being written).
