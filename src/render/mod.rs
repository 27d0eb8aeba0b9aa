//! Render. (Being written.)
