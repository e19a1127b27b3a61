//! [`Server`]: a [`Gateway`] listening on a TCP address, stopped gracefully.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::error::Error;
use crate::gateway::{Gateway, no_route};

/// A running gateway: HTTP/1.1 on one TCP listener, answering a path no
/// route serves with an OpenAI-shaped 404.
///
/// Dropping it stops serving at once (in-flight requests are cut);
/// [`shutdown`](Self::shutdown) stops gracefully.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use clawkit_core::Runtime;
/// use clawkit_server::{Gateway, Server};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let gateway = Gateway::new(Arc::new(Runtime::builder().build()?));
/// let server = Server::bind(&gateway, "127.0.0.1:0").await?;
/// println!("listening on http://{}", server.local_addr());
/// server.shutdown(Duration::from_secs(5)).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    graceful: Option<oneshot::Sender<()>>,
    closing: watch::Sender<bool>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// How long [`shutdown`](Self::shutdown) waits for the requests it
    /// cancelled to end before it stops the server anyway.
    const CANCEL_WAIT: Duration = Duration::from_secs(5);

    /// Binds `addr` (`HOST:PORT`; port 0 picks a free port, see
    /// [`local_addr`](Self::local_addr)) and serves `gateway` on it.
    /// Needs a Tokio runtime with I/O and timers.
    pub async fn bind(gateway: &Gateway, addr: &str) -> Result<Server, Error> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| Error::Bind {
                addr: addr.to_owned(),
                source,
            })?;
        Server::serve(gateway, listener)
    }

    /// Serves `gateway` on a listener bound by the caller. Needs a Tokio
    /// runtime with I/O and timers.
    pub fn serve(gateway: &Gateway, listener: TcpListener) -> Result<Server, Error> {
        let (closing, watching) = watch::channel(false);
        let app = gateway.router_with(watching).fallback(no_route);
        Server::start(app, listener, closing)
    }

    /// Serves any axum `router` the way a gateway is served (TCP_NODELAY,
    /// graceful [`shutdown`](Self::shutdown)): for an app that is not a
    /// [`Gateway`], such as the custom-runtime reference orchestrator, or a
    /// gateway's [`router`](Gateway::router) nested in a larger app. Such
    /// a router's requests are not told of a shutdown; those still running
    /// after the grace are cut. Needs a Tokio runtime with I/O and timers.
    pub fn serve_router(router: Router, listener: TcpListener) -> Result<Server, Error> {
        let (closing, _) = watch::channel(false);
        Server::start(router, listener, closing)
    }

    fn start(
        app: Router,
        listener: TcpListener,
        closing: watch::Sender<bool>,
    ) -> Result<Server, Error> {
        let addr = listener.local_addr().map_err(Error::LocalAddr)?;
        let (graceful, stop) = oneshot::channel::<()>();
        // A stream is many small writes: without TCP_NODELAY each waits for
        // the client's delayed ACK (~40 ms a chunk on Linux).
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let serving = axum::serve(listener, app).with_graceful_shutdown(async move {
            // A dropped sender stops the server too.
            let _ = stop.await;
        });
        let task = tokio::spawn(async move { serving.await });
        Ok(Server {
            addr,
            graceful: Some(graceful),
            closing,
            task: Some(task),
        })
    }

    /// The address listened on (with the port chosen for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops gracefully: no new connection is accepted, idle ones are
    /// closed, and the requests in flight get `grace` to finish. Those
    /// still running then are cancelled — their upstream requests too: a
    /// stream ends with an error event (`shutting_down`), a non-streaming
    /// request gets `503` — and the server stops.
    pub async fn shutdown(mut self, grace: Duration) -> Result<(), Error> {
        if let Some(graceful) = self.graceful.take() {
            let _ = graceful.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        let ended = match tokio::time::timeout(grace, &mut task).await {
            Ok(ended) => ended,
            Err(_) => {
                let _ = self.closing.send(true);
                match tokio::time::timeout(Self::CANCEL_WAIT, &mut task).await {
                    Ok(ended) => ended,
                    Err(_) => {
                        task.abort();
                        return Ok(());
                    }
                }
            }
        };
        match ended {
            Ok(Ok(())) => Ok(()),
            Ok(Err(source)) => Err(Error::Serve {
                addr: self.addr,
                source,
            }),
            Err(_) => Err(Error::Task { addr: self.addr }),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
