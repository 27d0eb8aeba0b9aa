//! Work taken off the critical path.

/// Drops `value` on a thread of its own.
///
/// At the end of a build the model and every page's template values are
/// freed object by object: tens of milliseconds at 10,000 sessions, on one
/// thread, after everything else is done. Dropped here they are freed
/// beside the work that remains, and not at all if the process exits first
/// (the operating system takes the memory back at once).
pub fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here instead.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    /// Sends on its channel when dropped.
    struct Tell(mpsc::Sender<std::thread::ThreadId>);

    impl Drop for Tell {
        fn drop(&mut self) {
            let _ = self.0.send(std::thread::current().id());
        }
    }

    #[test]
    fn the_value_is_dropped_on_another_thread() {
        let (tx, rx) = mpsc::channel();
        drop_in_background(Tell(tx));
        let dropped_on = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("the value is dropped");
        assert_ne!(dropped_on, std::thread::current().id());
    }
}
