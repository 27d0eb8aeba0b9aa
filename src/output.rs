//! Output. (Being written.)
