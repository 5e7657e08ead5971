//! Sending one call: retries, token refresh, timeouts, hooks, and reading the
//! answer within the client's limits.

use crate::client::ResponseInfo;
use crate::request::{Body, Part, RequestBuilder, Route};
use crate::retry::RetryPolicy;
use crate::transport::{TransportError, TransportKind};
use crate::{Client, Error, EventStream};
use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use std::time::{Duration, Instant};
use tracing::Instrument as _;

/// How much of an error body is read: enough for Xano's `{code, message,
/// payload}` and an excerpt, never a whole 200 MB error page.
const ERROR_BODY_LIMIT: usize = 64 << 10;

/// A fully built call, sendable as many times as retries need.
pub(crate) struct Call<'a> {
    client: &'a Client,
    method: Method,
    url: reqwest::Url,
    /// The route template (`/api:x/books/{book_id}`) that spans, hooks and
    /// messages name: the group part of the builder's URL (moved, not copied)
    /// and the path as written.
    url_text: String,
    group: std::ops::Range<usize>,
    path: &'a str,
    auth: bool,
    headers: Vec<(String, String)>,
    body: Body,
}

/// A response read in full (or, for an error status, as far as needed).
pub(crate) struct ReadResponse {
    pub(crate) status: u16,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) body: Bytes,
}

/// One attempt's number and when it was sent, for the after-response hooks.
struct Attempt {
    number: u32,
    sent: Instant,
}

impl<'a> Call<'a> {
    pub(crate) fn new(builder: RequestBuilder<'a>) -> Result<Self, Error> {
        if let Some(error) = builder.error {
            return Err(error);
        }
        let mut url = reqwest::Url::parse(&builder.url).map_err(|err| {
            Error::Request(format!("invalid URL for `{}`: {err}", builder.route()))
        })?;
        if !builder.query.is_empty() {
            url.set_query(Some(&axios_query(&builder.query)));
        }
        Ok(Call {
            client: builder.client,
            method: builder.method,
            url,
            group: builder.route_start..builder.path_start,
            path: builder.path,
            url_text: builder.url,
            auth: builder.auth,
            headers: builder.headers,
            body: builder.body,
        })
    }

    /// The route template, `/api:x/books/{book_id}`.
    fn route(&self) -> Route<'_> {
        Route {
            group: &self.url_text[self.group.clone()],
            path: self.path,
        }
    }

    fn span(&self) -> tracing::Span {
        tracing::debug_span!(
            "xano_call",
            method = %self.method,
            path = %self.route(),
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        )
    }

    /// Sends the call and reads the whole answer: a 2xx body up to the client's
    /// `max_response_size`, an error body as far as its message needs.
    pub(crate) async fn read(self) -> Result<ReadResponse, Error> {
        let span = self.span();
        let work = async move {
            let (mut response, attempt) = self.respond().await?;
            crate::response::record(&response);
            let status = response.status().as_u16();
            let content_type = content_type(response.headers());
            let body = if (200..300).contains(&status) {
                let limit = self.client.shared().max_response_size;
                self.read_body(&mut response, status, limit, true).await
            } else {
                self.read_body(&mut response, status, ERROR_BODY_LIMIT, false)
                    .await
            };
            self.report(&attempt, Some(status));
            tracing::debug!(status, "xano call done");
            Ok(ReadResponse {
                status,
                content_type,
                body: body?,
            })
        };
        // Without a subscriber listening, skip entering a disabled span on
        // every poll.
        if span.is_disabled() {
            work.await
        } else {
            work.instrument(span).await
        }
    }

    /// Sends the call and returns its 2xx body as a stream of events.
    pub(crate) async fn stream(self) -> Result<EventStream, Error> {
        let span = self.span();
        async move {
            let (mut response, attempt) = self.respond().await?;
            crate::response::record(&response);
            let status = response.status().as_u16();
            self.report(&attempt, Some(status));
            if !(200..300).contains(&status) {
                let body = self
                    .read_body(&mut response, status, ERROR_BODY_LIMIT, false)
                    .await?;
                return Err(Error::from_response(status, &body));
            }
            let content_type = content_type(response.headers());
            let shared = self.client.shared();
            let reader = BodyReader {
                response,
                idle: shared.timeout,
                host: shared.host.clone(),
                method: self.method.clone(),
                route: self.route().to_string(),
            };
            // The body is read on a task of its own, a couple of chunks ahead of
            // the decoder, so reading the socket and decoding overlap. The channel
            // is bounded: a slow consumer still holds the server back.
            let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Bytes, Error>>(2);
            tokio::spawn(async move {
                let mut reader = reader;
                loop {
                    let item = {
                        let dropped = std::pin::pin!(sender.closed());
                        let chunk = std::pin::pin!(reader.next_chunk());
                        match futures_util::future::select(dropped, chunk).await {
                            // The stream was dropped: dropping the response closes
                            // the connection, even when the server is silent.
                            futures_util::future::Either::Left(_) => return,
                            futures_util::future::Either::Right((item, _)) => item,
                        }
                    };
                    let Some(item) = item.transpose() else { return };
                    let failed = item.is_err();
                    if sender.send(item).await.is_err() || failed {
                        return;
                    }
                }
            });
            let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
                receiver.recv().await.map(|item| (item, receiver))
            });
            Ok(EventStream::from_bytes_within(
                content_type.as_ref().and_then(|v| v.to_str().ok()),
                chunks,
                shared.max_event_size,
            ))
        }
        .instrument(span)
        .await
    }

    /// Sends the call until it has an answer: retries per the retry policy, one
    /// refresh-and-resend on a 401 when a refresh hook is set, the hooks around
    /// every attempt. Returns the response with its body unread.
    async fn respond(&self) -> Result<(reqwest::Response, Attempt), Error> {
        let shared = self.client.shared();
        let policy = self.client.retry_policy();
        let retry_allowed = policy.allows(&self.method);
        let started = Instant::now();
        let mut number = 0;
        let mut refreshed = false;
        let mut resent_stale = false;
        loop {
            number += 1;
            let ticket = shared.refresher.ticket(self.client);
            let request = self.build()?;
            // One clock read serves the first attempt and the call's start.
            let attempt = Attempt {
                number,
                sent: if number == 1 { started } else { Instant::now() },
            };
            tracing::Span::current().record("attempts", number);
            let response = match self.send_once(request).await {
                Ok(response) => response,
                Err(err) => {
                    self.report(&attempt, None);
                    let Error::Transport(transport) = &err else {
                        return Err(err);
                    };
                    // A pooled keep-alive connection the server had just closed:
                    // resend at once on a new connection, once.
                    if transport.kind() == TransportKind::ConnectionClosed
                        && RetryPolicy::is_idempotent(&self.method)
                        && !resent_stale
                    {
                        resent_stale = true;
                        tracing::debug!(attempt = number, "connection closed early: resending");
                        continue;
                    }
                    let transient = transport.never_sent()
                        || (retry_allowed
                            && matches!(
                                transport.kind(),
                                TransportKind::ResponseTimeout
                                    | TransportKind::ConnectionReset
                                    | TransportKind::ConnectionClosed
                            ));
                    let delay = transient
                        .then(|| policy.next_delay(number, started.elapsed(), None))
                        .flatten();
                    match delay {
                        Some(delay) => {
                            tracing::debug!(attempt = number, ?delay, "retrying: {transport}");
                            tokio::time::sleep(delay).await;
                            continue;
                        }
                        None => return Err(err),
                    }
                }
            };
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            if status == 429
                && retry_allowed
                && let Some(delay) =
                    policy.next_delay(number, started.elapsed(), Some(response.headers()))
            {
                self.report(&attempt, Some(status));
                tracing::debug!(attempt = number, ?delay, "rate limited: retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
            let may_refresh = self.auth && !refreshed && shared.refresher.available();
            if may_refresh && (status == 401 || status == 403) {
                let mut response = response;
                let body = self
                    .read_body(&mut response, status, ERROR_BODY_LIMIT, false)
                    .await?;
                self.report(&attempt, Some(status));
                let error = Error::from_response(status, &body);
                if !error.is_unauthorized() {
                    return Err(error);
                }
                refreshed = true;
                shared.refresher.refresh(self.client, ticket).await?;
                continue;
            }
            return Ok((response, attempt));
        }
    }

    /// One attempt: the request, bounded by the client's timeout until the
    /// response headers arrive.
    async fn send_once(&self, request: reqwest::Request) -> Result<reqwest::Response, Error> {
        let shared = self.client.shared();
        let sending = shared.http.execute(request);
        let result = match shared.timeout {
            Some(timeout) => match tokio::time::timeout(timeout, sending).await {
                Ok(result) => result,
                Err(_) => {
                    return Err(Error::Transport(
                        TransportError::new(TransportKind::ResponseTimeout, &shared.host)
                            .timeout(timeout)
                            .for_call(&self.method, self.route()),
                    ));
                }
            },
            None => sending.await,
        };
        result.map_err(|err| {
            Error::Transport(TransportError::from_reqwest(err).for_call(&self.method, self.route()))
        })
    }

    /// Reads a body up to `limit` bytes: past it, an [`Error::TooLarge`] when
    /// `strict`, else the first `limit` bytes (enough for an error message).
    async fn read_body(
        &self,
        response: &mut reqwest::Response,
        status: u16,
        limit: usize,
        strict: bool,
    ) -> Result<Bytes, Error> {
        let too_large = || Error::TooLarge {
            status: crate::error::status_code(status),
            limit: limit as u64,
        };
        let expected = response.content_length();
        if strict && expected.is_some_and(|length| length > limit as u64) {
            return Err(too_large());
        }
        let shared = self.client.shared();
        // Most bodies arrive in one chunk: keep it as it is, without a copy.
        let mut first: Option<Bytes> = None;
        let mut joined = BytesMut::new();
        let mut total = 0usize;
        while let Some(chunk) = next_chunk(
            response,
            shared.timeout,
            &shared.host,
            &self.method,
            self.route(),
        )
        .await?
        {
            total = total.saturating_add(chunk.len());
            if total > limit {
                if strict {
                    return Err(too_large());
                }
                let keep = chunk.len() - (total - limit);
                append(&mut first, &mut joined, chunk.slice(..keep), expected);
                break;
            }
            append(&mut first, &mut joined, chunk, expected);
        }
        Ok(match first {
            Some(only) => only,
            None => joined.freeze(),
        })
    }

    fn report(&self, attempt: &Attempt, status: Option<u16>) {
        let hooks = &self.client.shared().after_response;
        if hooks.is_empty() {
            return;
        }
        let info = ResponseInfo {
            method: self.method.clone(),
            path: self.route().to_string(),
            status,
            attempt: attempt.number,
            elapsed: attempt.sent.elapsed(),
        };
        for hook in hooks {
            hook(&info);
        }
    }

    fn build(&self) -> Result<reqwest::Request, Error> {
        let shared = self.client.shared();
        let mut builder = shared.http.request(self.method.clone(), self.url.clone());
        let mut authorization = None;
        if self.auth
            && let Some(bearer) = shared.session.bearer()
        {
            let mut value = HeaderValue::from_str(&bearer).map_err(|_| {
                Error::Request("the session token is not a valid header value".into())
            })?;
            value.set_sensitive(true);
            authorization = Some(value);
        }
        let mut content_type = None;
        builder = match &self.body {
            Body::Empty => builder,
            Body::Json(bytes) => {
                content_type = Some(HeaderValue::from_static("application/json"));
                builder.body(bytes.clone())
            }
            Body::Raw {
                content_type: media_type,
                bytes,
            } => {
                content_type = Some(HeaderValue::from_str(media_type).map_err(|_| {
                    Error::Request(format!("`{media_type}` is not a valid content type"))
                })?);
                builder.body(bytes.clone())
            }
            Body::Form(pairs) => {
                let encoded = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                content_type = Some(HeaderValue::from_static(
                    "application/x-www-form-urlencoded",
                ));
                builder.body(encoded)
            }
            Body::Multipart(parts) => builder.multipart(multipart_form(parts)?),
        };
        let mut request = builder.build()?;
        // Written straight into the request's own map (no copy of the client's),
        // the body's media type and the token last so that no header input
        // replaces them.
        let headers = request.headers_mut();
        self.client.write_headers(headers, &self.headers)?;
        if let Some(value) = content_type {
            headers.insert(CONTENT_TYPE, value);
        }
        if let Some(value) = authorization {
            headers.insert(AUTHORIZATION, value);
        }
        for hook in &shared.before_request {
            hook(&mut request);
        }
        Ok(request)
    }
}

fn append(first: &mut Option<Bytes>, joined: &mut BytesMut, chunk: Bytes, expected: Option<u64>) {
    if first.is_none() && joined.is_empty() {
        *first = Some(chunk);
        return;
    }
    if let Some(earlier) = first.take() {
        let capacity = expected.map_or(0, |length| length as usize);
        joined.reserve(capacity.max(earlier.len() + chunk.len()));
        joined.extend_from_slice(&earlier);
    }
    joined.extend_from_slice(&chunk);
}

/// A response whose body is read chunk by chunk, for streams.
struct BodyReader {
    response: reqwest::Response,
    idle: Option<Duration>,
    host: String,
    method: Method,
    route: String,
}

impl BodyReader {
    async fn next_chunk(&mut self) -> Result<Option<Bytes>, Error> {
        next_chunk(
            &mut self.response,
            self.idle,
            &self.host,
            &self.method,
            &self.route,
        )
        .await
    }
}

/// The next chunk of a body, the wait bounded by the idle timeout.
async fn next_chunk(
    response: &mut reqwest::Response,
    idle: Option<Duration>,
    host: &str,
    method: &Method,
    route: impl std::fmt::Display + Copy,
) -> Result<Option<Bytes>, Error> {
    let mut chunk = std::pin::pin!(response.chunk());
    // A chunk already read (most bodies arrive with their headers) needs no
    // timer, and no clock read to set one.
    let ready = futures_util::FutureExt::now_or_never(&mut chunk);
    let result = match (ready, idle) {
        (Some(result), _) => result,
        (None, Some(idle)) => match tokio::time::timeout(idle, chunk).await {
            Ok(result) => result,
            Err(_) => {
                return Err(Error::Transport(
                    TransportError::new(TransportKind::BodyTimeout, host)
                        .timeout(idle)
                        .for_call(method, route),
                ));
            }
        },
        (None, None) => chunk.await,
    };
    result
        .map_err(|err| Error::Transport(TransportError::from_reqwest(err).for_call(method, route)))
}

/// What `encodeURIComponent` leaves as it is, plus the `:`, `$` and `,` that
/// axios (the official SDK's HTTP client) puts back after it.
const QUERY_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b':')
    .remove(b'$')
    .remove(b',');

/// A query string byte for byte as the official SDK writes it: each key and value
/// through `encodeURIComponent`, with `:`, `$` and `,` kept and spaces as `+`.
fn axios_query(pairs: &[(String, String)]) -> String {
    let mut query = String::new();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        push_component(&mut query, name);
        query.push('=');
        push_component(&mut query, value);
    }
    query
}

fn push_component(out: &mut String, text: &str) {
    for piece in percent_encoding::utf8_percent_encode(text, QUERY_COMPONENT) {
        out.push_str(if piece == "%20" { "+" } else { piece });
    }
}

/// The response's media type (a cheap clone: header values share the read buffer).
fn content_type(headers: &reqwest::header::HeaderMap) -> Option<HeaderValue> {
    headers.get(CONTENT_TYPE).cloned()
}

fn multipart_form(parts: &[(String, Part)]) -> Result<reqwest::multipart::Form, Error> {
    let mut form = reqwest::multipart::Form::new();
    for (name, part) in parts {
        let name = name.clone();
        form = match part {
            Part::Text(text) => form.text(name, text.clone()),
            Part::File(file) => {
                let part = reqwest::multipart::Part::stream_with_length(
                    file.bytes().clone(),
                    file.bytes().len() as u64,
                )
                .file_name(file.name().to_owned())
                .mime_str(file.mime())
                .map_err(|_| {
                    Error::Request(format!("`{}` is not a valid MIME type", file.mime()))
                })?;
                form.part(name, part)
            }
        };
    }
    Ok(form)
}
