//! Themes. (Being written.)
