//! The guarded request: check, pin, send, follow redirects by hand, read within bounds.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use reqwest::redirect::Policy;
use reqwest::{Method, Url};

use super::guard::{AllowList, refusal};
use crate::config::FetchSettings;

/// What to send.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Overrides `fetch.timeout_seconds` for this request.
    pub timeout: Option<Duration>,
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    /// The URL that answered (after redirects).
    pub url: String,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// The body was longer than `fetch.max_bytes` and was cut there.
    pub truncated: bool,
    /// The wait the answer's `Retry-After` (or `retry-after-ms`) asks for.
    pub retry_after: Option<Duration>,
}

pub struct Fetcher {
    allow: AllowList,
    max_bytes: usize,
    timeout: Duration,
    max_redirects: usize,
    tls: rustls::ClientConfig,
}

impl Fetcher {
    pub fn new(settings: &FetchSettings) -> anyhow::Result<Self> {
        Ok(Self {
            allow: AllowList::parse(&settings.allow_hosts).map_err(anyhow::Error::msg)?,
            max_bytes: settings.max_bytes,
            timeout: Duration::from_secs(settings.timeout_seconds.max(1)),
            max_redirects: settings.max_redirects,
            tls: super::tls_config()?,
        })
    }

    /// Sends `request`; an `Err` says why in words meant for whoever asked (a model, a
    /// caller): refused, unreachable, too slow.
    pub async fn fetch(&self, request: Request) -> Result<Fetched, String> {
        let limit = request.timeout.unwrap_or(self.timeout);
        tokio::time::timeout(limit, self.follow(request))
            .await
            .unwrap_or_else(|_| Err(format!("no answer within {} s", limit.as_secs())))
    }

    async fn follow(&self, request: Request) -> Result<Fetched, String> {
        let mut url = Url::parse(&request.url).map_err(|e| format!("not a URL: {e}"))?;
        let (mut method, mut body) = (request.method, request.body);
        let mut headers = request.headers;
        for _ in 0..=self.max_redirects {
            let mut send = self
                .pinned_client(&url)
                .await?
                .request(method.clone(), url.clone());
            for (name, value) in &headers {
                send = send.header(name, value);
            }
            if let Some(body) = &body {
                send = send.body(body.clone());
            }
            let response = send
                .send()
                .await
                .map_err(|e| format!("request failed: {e}"))?;
            let status = response.status();
            if status.is_redirection()
                && let Some(location) = response.headers().get("location")
            {
                let location = location.to_str().map_err(|_| "a bad Location header")?;
                let next = url
                    .join(location)
                    .map_err(|e| format!("a bad redirect {location:?}: {e}"))?;
                // Headers (credentials among them) go only to the origin they were meant for.
                if next.origin() != url.origin() {
                    headers.clear();
                }
                url = next;
                // A 303, or a 301/302 after a POST, continues as a GET without a body.
                if status.as_u16() == 303 || (status.as_u16() <= 302 && method == Method::POST) {
                    method = Method::GET;
                    body = None;
                }
                continue;
            }
            return self.read(url, response).await;
        }
        Err(format!("more than {} redirects", self.max_redirects))
    }

    /// A client for `url` that connects only to the address its check approved (never a
    /// new lookup) and follows no redirect itself.
    async fn pinned_client(&self, url: &Url) -> Result<reqwest::Client, String> {
        let pinned = self.check(url).await?;
        let mut builder = reqwest::Client::builder()
            .redirect(Policy::none())
            .no_proxy()
            .tls_backend_preconfigured(self.tls.clone());
        if let Some((host, addr)) = &pinned {
            builder = builder.resolve(host, *addr);
        }
        builder.build().map_err(|e| e.to_string())
    }

    /// The answer at `url`: its status, type and body, read up to `max_bytes`.
    async fn read(&self, url: Url, mut response: reqwest::Response) -> Result<Fetched, String> {
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = super::retry_after(response.headers());
        let mut read = Vec::new();
        let mut truncated = false;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| format!("reading the body failed: {e}"))?
        {
            let room = self.max_bytes - read.len();
            if chunk.len() > room {
                read.extend_from_slice(&chunk[..room]);
                truncated = true;
                break;
            }
            read.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status: status.as_u16(),
            url: url.to_string(),
            content_type,
            body: read,
            truncated,
            retry_after,
        })
    }

    /// Checks where `url` leads: `Some((host, address))` to pin for a host name, `None`
    /// for an address in the URL itself; `Err` when it is refused.
    async fn check(&self, url: &Url) -> Result<Option<(String, SocketAddr)>, String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("only http and https URLs, not {}:", url.scheme()));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        match url.host() {
            None => Err("the URL has no host".into()),
            Some(url::Host::Ipv4(ip)) => self
                .check_addr(&ip.to_string(), IpAddr::V4(ip))
                .map(|()| None),
            Some(url::Host::Ipv6(ip)) => self
                .check_addr(&ip.to_string(), IpAddr::V6(ip))
                .map(|()| None),
            Some(url::Host::Domain(host)) => {
                let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
                    .await
                    .map_err(|e| format!("cannot resolve {host}: {e}"))?
                    .collect();
                let first = *addrs
                    .first()
                    .ok_or_else(|| format!("{host} has no address"))?;
                if !self.allow.allows_host(host) {
                    // Every address must pass: a name that also resolves somewhere private
                    // is refused, whichever address a client would pick.
                    for addr in &addrs {
                        self.check_addr(host, addr.ip())?;
                    }
                }
                Ok(Some((host.to_owned(), first)))
            }
        }
    }

    fn check_addr(&self, host: &str, ip: IpAddr) -> Result<(), String> {
        match refusal(ip) {
            Some(why) if !self.allow.allows_addr(ip) => Err(format!(
                "refused: {host} is {why} ({ip}); fetch.allow_hosts can permit it"
            )),
            _ => Ok(()),
        }
    }
}
