//! A reachability probe for readiness checks (`clawkit doctor`,
//! `LlmBackend::health`).

use std::io;
use std::time::Duration;

use url::Url;

/// Whether something at `url`'s host and port accepts a TCP connection
/// within `timeout`. A URL without a host is `InvalidInput`; running out of
/// time is `TimedOut`.
pub async fn accepts_connections(url: &Url, timeout: Duration) -> io::Result<()> {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{url} has no host"),
        ));
    };
    // IPv6 hosts come bracketed (`[::1]`); the resolver wants them bare.
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host, port))).await {
        Ok(connected) => connected.map(drop),
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{url} did not answer in time"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_listening_port_accepts_and_a_closed_one_refuses() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url: Url = format!("http://{}/v1", listener.local_addr().unwrap())
            .parse()
            .unwrap();
        assert!(
            accepts_connections(&url, Duration::from_secs(1))
                .await
                .is_ok()
        );
        drop(listener);
        assert!(
            accepts_connections(&url, Duration::from_secs(1))
                .await
                .is_err()
        );
        let no_host: Url = "data:text/plain,x".parse().unwrap();
        assert_eq!(
            accepts_connections(&no_host, Duration::from_secs(1))
                .await
                .unwrap_err()
                .kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
