fn main() {
    yew::Renderer::<doorway_frontend::app::App>::new().render();
}
