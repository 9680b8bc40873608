//! Accepting connections and datagrams. Takes already-bound listeners, so tests bind port 0
//! and production binds whatever the configuration says.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::admission::{Admission, ConnectionCaps, Slot};
use crate::metrics::Metrics;
use crate::rtc::RtcEcho;
use crate::sniff::{sniff, Sniffed};
use crate::stun;

/// A client that connects and says nothing is dropped after this.
const FIRST_BYTE_TIMEOUT: Duration = Duration::from_secs(10);
/// Headers (and a TLS handshake) must arrive within this; slow-loris clients
/// are cut off. It also ends a keep-alive connection left idle this long.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Request line and headers together: browsers send well under 8 KiB here.
const MAX_HEADER_BYTES: usize = 16 * 1024;
/// hyper's read buffer per connection, so headers cannot grow memory.
const MAX_BUFFER_BYTES: usize = 32 * 1024;
/// How long a shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Facts about the connection a request came over, for the handlers.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionInfo {
    pub peer: SocketAddr,
    /// The address the client reached this server on.
    pub local: IpAddr,
    pub local_port: u16,
    pub tls: bool,
}

/// A bound listener and the routes it serves.
pub struct Endpoint {
    pub listener: TcpListener,
    pub router: Router,
}

/// Serves every TCP endpoint and answers STUN on every UDP socket until the
/// returned future is dropped, with the caps of a default open-file limit.
pub async fn serve(
    endpoints: Vec<Endpoint>,
    stun_sockets: Vec<UdpSocket>,
    tls: Option<Arc<rustls::ServerConfig>>,
) {
    let admission = Admission::new(ConnectionCaps::default());
    serve_until(
        endpoints,
        stun_sockets,
        tls,
        admission,
        Arc::new(Metrics::new()),
        std::future::pending(),
    )
    .await;
}

/// Serves until `shutdown` completes, then stops accepting, lets requests in
/// flight finish (at most [`SHUTDOWN_GRACE`]) and returns whether all did.
/// Every request carries `metrics` as an extension, for the handlers to count,
/// and the quality echo that shares the STUN sockets.
pub async fn serve_until(
    endpoints: Vec<Endpoint>,
    stun_sockets: Vec<UdpSocket>,
    tls: Option<Arc<rustls::ServerConfig>>,
    admission: Arc<Admission>,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> bool {
    let acceptor = tls.map(TlsAcceptor::from);
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    let stun_sockets: Vec<Arc<UdpSocket>> = stun_sockets.into_iter().map(Arc::new).collect();
    let echo = RtcEcho::new(stun_sockets.clone());
    for endpoint in endpoints {
        tasks.spawn(accept_loop(
            endpoint,
            acceptor.clone(),
            admission.clone(),
            Shared {
                metrics: metrics.clone(),
                echo: echo.clone(),
            },
            stopping.clone(),
        ));
    }
    for socket in stun_sockets {
        tasks.spawn(stun_loop(socket, echo.clone(), metrics.clone()));
    }
    tokio::select! {
        () = shutdown => {}
        _ = async { while tasks.join_next().await.is_some() {} } => {}
    }
    // No new connections; open ones finish their request and close.
    tasks.abort_all();
    let _ = stop.send(true);
    admission.drain(SHUTDOWN_GRACE).await
}

/// Completes when the server starts shutting down (or is gone).
async fn stopped(mut stopping: watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

/// What every connection hands its requests, besides its own details.
#[derive(Clone)]
struct Shared {
    metrics: Arc<Metrics>,
    echo: Arc<RtcEcho>,
}

/// Answers Binding requests on one UDP socket, after offering each datagram
/// to the quality echo's sessions; everything else is dropped.
async fn stun_loop(socket: Arc<UdpSocket>, echo: Arc<RtcEcho>, metrics: Arc<Metrics>) {
    let Ok(local) = socket.local_addr() else {
        tracing::error!("STUN socket has no local address");
        return;
    };
    let port = local.port();
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
        if echo.deliver(local, sender, &datagram[..len]) {
            continue;
        }
        if let Some(n) = stun::answer(&datagram[..len], sender, &mut answer) {
            match socket.send_to(&answer[..n], sender).await {
                Ok(_) => metrics.stun_answer(port),
                Err(error) => tracing::debug!(%error, %sender, "STUN answer not sent"),
            }
        }
    }
}

async fn accept_loop(
    endpoint: Endpoint,
    acceptor: Option<TlsAcceptor>,
    admission: Arc<Admission>,
    shared: Shared,
    stopping: watch::Receiver<bool>,
) {
    let local_port = match endpoint.listener.local_addr() {
        Ok(addr) => addr.port(),
        Err(error) => {
            tracing::error!(%error, "listener has no local address");
            return;
        }
    };
    loop {
        let Some(room) = admission.room().await else {
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
        // Over its share, a client's connection is closed unread.
        let Some(slot) = admission.admit(room, peer.ip()) else {
            tracing::debug!(%peer, port = local_port, "client over its connection share");
            shared.metrics.connection_refused();
            continue;
        };
        let router = endpoint.router.clone();
        let acceptor = acceptor.clone();
        let stopping = stopping.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let local = stream
                .local_addr()
                .map_or(IpAddr::from([0, 0, 0, 0]), |a| a.ip());
            let info = ConnectionInfo {
                peer,
                local,
                local_port,
                tls: false,
            };
            let connection = Connection { info, slot, shared };
            if let Err(error) =
                serve_connection(stream, connection, router, acceptor, stopping).await
            {
                tracing::debug!(%error, %peer, port = local_port, "connection ended with an error");
            }
        });
    }
}

/// What every request over one connection carries.
struct Connection {
    info: ConnectionInfo,
    slot: Slot,
    shared: Shared,
}

async fn serve_connection(
    stream: TcpStream,
    mut connection: Connection,
    router: Router,
    acceptor: Option<TlsAcceptor>,
    stopping: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut first = [0u8; 1];
    let read = tokio::select! {
        read = tokio::time::timeout(FIRST_BYTE_TIMEOUT, stream.peek(&mut first)) => read??,
        () = stopped(stopping.clone()) => return Ok(()),
    };
    if read == 0 {
        return Ok(());
    }
    match (sniff(first[0]), acceptor) {
        (Sniffed::Tls, Some(acceptor)) => {
            let stream = tokio::select! {
                stream = tokio::time::timeout(HEADER_TIMEOUT, acceptor.accept(stream)) => stream??,
                () = stopped(stopping.clone()) => return Ok(()),
            };
            connection.info.tls = true;
            serve_http(TokioIo::new(stream), connection, router, stopping).await
        }
        (Sniffed::Http, _) => serve_http(TokioIo::new(stream), connection, router, stopping).await,
        // Garbage, or TLS without a certificate: close without a word.
        _ => Ok(()),
    }
}

async fn serve_http<I>(
    io: I,
    connection: Connection,
    router: Router,
    stopping: watch::Receiver<bool>,
) -> anyhow::Result<()>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
        let extensions = request.extensions_mut();
        extensions.insert(connection.info);
        // An upgraded WebSocket outlives this connection and keeps the slot.
        extensions.insert(connection.slot.clone());
        extensions.insert(connection.shared.metrics.clone());
        extensions.insert(connection.shared.echo.clone());
        router.clone().oneshot(request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_header_size(MAX_HEADER_BYTES)
        .max_buf_size(MAX_BUFFER_BYTES)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => result?,
        () = stopped(stopping) => {
            // Finish the request in flight, then close.
            connection.as_mut().graceful_shutdown();
            connection.await?;
        }
    }
    Ok(())
}
