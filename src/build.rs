//! Build orchestration. (Being written.)
