// Rebuild when a bundled theme changes: the themes are compiled into the binary.
fn main() {
    println!("cargo:rerun-if-changed=themes");
}
