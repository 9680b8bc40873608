//! JSON answers read through the browser's own parser (`Response.json()`),
//! then mapped onto our types: this keeps a JSON parser out of the wasm.

use gloo::net::http::Response;
use serde::de::DeserializeOwned;

pub async fn read<T: DeserializeOwned>(response: Response) -> Result<T, String> {
    let promise = web_sys::Response::from(response)
        .json()
        .map_err(|_| "the answer is not JSON".to_owned())?;
    let value = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| "the answer is not JSON".to_owned())?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

/// What went wrong, from an error answer: the server's own message (its
/// JSON error body), or the status when the body is not one.
pub async fn error_message(response: Response) -> String {
    let status = response.status();
    read::<doorway_core::api::ErrorResponse>(response)
        .await
        .map(|e| e.error.message)
        .unwrap_or_else(|_| format!("the server answered {status}"))
}
