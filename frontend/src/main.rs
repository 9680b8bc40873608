//! The checker app (`/`, `/?profile=…`).
fn main() {
    doorway_frontend::app::mount::<doorway_frontend::app::App>();
}
