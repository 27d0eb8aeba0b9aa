//! The integration test binary: builds and imports real sites through the
//! `confsite` CLI and library, one module per capability.

mod common;

mod build;
mod check;
mod exports;
mod feeds;
mod import_demo;
mod import_lists;
mod import_schedules;
mod import_speakers;
mod import_write;
mod interop;
mod perf;
mod search;
mod serve;
mod themes;
