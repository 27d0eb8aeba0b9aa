//! Tests for import_formats (being written).
