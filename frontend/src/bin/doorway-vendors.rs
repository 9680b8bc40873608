//! The vendors' page (`/embed`): the snippet builder, its own small app, so
//! the checker that every phone loads does not carry it.
fn main() {
    doorway_frontend::app::mount::<doorway_frontend::vendors::Vendors>();
}
