fn main() {
    // The server's page shell (index.html) shows the first screen until now;
    // the app takes its place.
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<doorway_frontend::app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<doorway_frontend::app::App>::new().render();
        }
    }
}
