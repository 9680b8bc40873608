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
