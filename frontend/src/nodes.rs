//! The probe node a page checks with, where its server lists some
//! (`probe.nodes` in `/api/config`): every node is asked for `/probe` at
//! once, and the first to answer with the page's nonce is the nearest on
//! this network. Its own configuration then says what to probe.

use doorway_core::api::{ConfigResponse, NONCE_PARAM};
use doorway_core::node::{probe_through, NodeOrigin};
use futures::future::{select_ok, LocalBoxFuture};
use futures::FutureExt;

use crate::app::{load_config, new_nonce};
use crate::probe::fetch_once;

/// How long a node may take to answer the race: a node slower than this
/// from here would make every probe's budget as slow.
const RACE_LIMIT_MS: u32 = 3_000;

/// `config` as it comes, or, when it lists probe nodes, with the probes of
/// the one that answered first.
pub async fn choose(config: ConfigResponse) -> Result<ConfigResponse, String> {
    // The server checked each when it started; a bad one is skipped here.
    let nodes: Vec<NodeOrigin> = config
        .probe
        .nodes
        .iter()
        .filter_map(|node| NodeOrigin::parse(node).ok())
        .collect();
    if nodes.is_empty() {
        return Ok(config);
    }
    let node = first_to_answer(&nodes).await.ok_or_else(|| {
        let tried: Vec<String> = nodes.iter().map(ToString::to_string).collect();
        format!(
            "none of its probe servers answered from this network ({})",
            tried.join(", ")
        )
    })?;
    let node_config = load_config(&format!("{node}/api/config"), None).await?;
    Ok(probe_through(config, &node, node_config.probe))
}

async fn first_to_answer(nodes: &[NodeOrigin]) -> Option<NodeOrigin> {
    let nonce = new_nonce();
    let nonce = nonce.as_str();
    let race: Vec<LocalBoxFuture<'_, Result<NodeOrigin, ()>>> = nodes
        .iter()
        .map(|node| {
            let url = format!("{node}/probe?{NONCE_PARAM}={nonce}");
            async move {
                match fetch_once(&url, nonce, RACE_LIMIT_MS).await {
                    outcome if outcome.is_reachable() => Ok(node.clone()),
                    _ => Err(()),
                }
            }
            .boxed_local()
        })
        .collect();
    select_ok(race).await.ok().map(|(node, _)| node)
}
