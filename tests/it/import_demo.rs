//! End-to-end imports of the five seeds (being written).
