//! Checks. (Being written.)
