//! Accepting connections and datagrams. Takes already-bound listeners, so tests bind port 0
//! and production binds whatever the configuration says.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::sniff::{sniff, Sniffed};
use crate::stun;

/// A client that connects and says nothing is dropped after this.
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(10);
/// Headers must arrive within this; slow-loris clients are cut off.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound on connections served at once, over all ports.
const MAX_CONNECTIONS: usize = 4096;

/// Facts about the connection a request came over, for the handlers.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionInfo {
    pub peer: SocketAddr,
    pub local_port: u16,
    pub tls: bool,
}

/// A bound listener and the routes it serves.
pub struct Endpoint {
    pub listener: TcpListener,
    pub router: Router,
}

/// Serves every TCP endpoint and answers STUN on every UDP socket until the
/// returned future is dropped.
pub async fn serve(
    endpoints: Vec<Endpoint>,
    stun_sockets: Vec<UdpSocket>,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    let acceptor = tls.map(TlsAcceptor::from);
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut tasks = JoinSet::new();
    for endpoint in endpoints {
        tasks.spawn(accept_loop(endpoint, acceptor.clone(), permits.clone()));
    }
    for socket in stun_sockets {
        tasks.spawn(stun_loop(socket));
    }
    while tasks.join_next().await.is_some() {}
}

/// Answers Binding requests on one UDP socket; everything else is dropped.
async fn stun_loop(socket: UdpSocket) {
    let mut datagram = [0u8; 1500];
    let mut answer = [0u8; stun::MAX_ANSWER];
    loop {
        let (len, sender) = match socket.recv_from(&mut datagram).await {
            Ok(received) => received,
            Err(error) => {
                // ICMP errors from earlier sends surface here on some systems.
                tracing::debug!(%error, "STUN receive failed");
                continue;
            }
        };
        if let Some(n) = stun::answer(&datagram[..len], sender, &mut answer) {
            if let Err(error) = socket.send_to(&answer[..n], sender).await {
                tracing::debug!(%error, %sender, "STUN answer not sent");
            }
        }
    }
}

async fn accept_loop(endpoint: Endpoint, acceptor: Option<TlsAcceptor>, permits: Arc<Semaphore>) {
    let local_port = match endpoint.listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(error) => {
            tracing::error!(%error, "listener has no local address");
            return;
        }
    };
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (stream, peer) = match endpoint.listener.accept().await {
            Ok(accepted) => accepted,
            Err(error) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(%error, port = local_port, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let router = endpoint.router.clone();
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            let info = ConnectionInfo {
                peer,
                local_port,
                tls: false,
            };
            if let Err(error) = serve_connection(stream, info, router, acceptor).await {
                tracing::debug!(%error, %peer, port = local_port, "connection ended with an error");
            }
            drop(permit);
        });
    }
}

async fn serve_connection(
    stream: TcpStream,
    mut info: ConnectionInfo,
    router: Router,
    acceptor: Option<TlsAcceptor>,
) -> anyhow::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    let read = tokio::time::timeout(FIRST_BYTE_TIMEOUT, stream.peek(&mut first)).await??;
    if read == 0 {
        return Ok(());
    }
    match (sniff(first[0]), acceptor) {
        (Sniffed::Tls, Some(acceptor)) => {
            let stream = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)).await??;
            info.tls = true;
            serve_http(TokioIo::new(stream), info, router).await
        }
        (Sniffed::Http, _) => serve_http(TokioIo::new(stream), info, router).await,
        // Garbage, or TLS without a certificate: close without a word.
        _ => Ok(()),
    }
}

async fn serve_http<I>(io: I, info: ConnectionInfo, router: Router) -> anyhow::Result<()>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        request.extensions_mut().insert(info);
        router.clone().oneshot(request)
    });
    hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .serve_connection(io, service)
        .with_upgrades()
        .await?;
    Ok(())
}
