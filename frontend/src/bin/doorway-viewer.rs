//! The shared-result viewer (`/r/<id>`, `/r/#…`): its own small app, so the
//! checker that every phone loads does not carry it.
fn main() {
    doorway_frontend::app::mount::<doorway_frontend::shared::Viewer>();
}
