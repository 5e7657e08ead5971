//! Xano's paging envelope, and streams that walk it.

use crate::{Error, JsonMap, ObjectFields};
use futures_util::{Stream, StreamExt, stream};
use serde::de::DeserializeOwned;
use serde::de::MapAccess;
use serde::{Deserialize, Deserializer, Serialize};
use std::future::Future;

/// One page of a Xano "Query All Records" with paging on:
/// `{itemsReceived, curPage, nextPage, prevPage, offset, perPage, items}`, plus
/// `itemsTotal` and `pageTotal` when totals are included.
///
/// Every field but `items` is optional (Xano marks none required); `nextPage` is
/// `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// How many items this page holds.
    pub items_received: Option<i64>,
    /// This page's number (1-based).
    pub cur_page: Option<i64>,
    /// The next page's number; `None` on the last page.
    pub next_page: Option<i64>,
    /// The previous page's number; `None` on the first page.
    pub prev_page: Option<i64>,
    /// The offset of the first item.
    pub offset: Option<i64>,
    /// The page size.
    pub per_page: Option<i64>,
    /// All matching items (only with totals on).
    pub items_total: Option<i64>,
    /// The number of pages (only with totals on).
    pub page_total: Option<i64>,
    /// The items.
    pub items: Vec<T>,
    /// Fields outside the envelope.
    #[serde(flatten)]
    pub extra: JsonMap,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            items_received: None,
            cur_page: None,
            next_page: None,
            prev_page: None,
            offset: None,
            per_page: None,
            items_total: None,
            page_total: None,
            items: Vec::new(),
            extra: JsonMap::new(),
        }
    }
}

impl<T> Page<T> {
    /// A single page holding all of `items`, as Xano sends the first and only
    /// page of a paged list (for fakes and tests).
    pub fn of(items: Vec<T>) -> Page<T> {
        let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
        Page {
            items_received: Some(count),
            cur_page: Some(1),
            next_page: None,
            prev_page: None,
            offset: Some(0),
            per_page: Some(count),
            items_total: Some(count),
            page_total: Some(1),
            items,
            extra: JsonMap::new(),
        }
    }
}

impl<T: DeserializeOwned> ObjectFields for Page<T> {
    fn read_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<bool, A::Error> {
        match key {
            "itemsReceived" => self.items_received = map.next_value()?,
            "curPage" => self.cur_page = map.next_value()?,
            "nextPage" => self.next_page = map.next_value()?,
            "prevPage" => self.prev_page = map.next_value()?,
            "offset" => self.offset = map.next_value()?,
            "perPage" => self.per_page = map.next_value()?,
            "itemsTotal" => self.items_total = map.next_value()?,
            "pageTotal" => self.page_total = map.next_value()?,
            // `null` items read as an empty page.
            "items" => self.items = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default(),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn extra_fields(&mut self) -> &mut JsonMap {
        &mut self.extra
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::deserialize_object(deserializer)
    }
}

/// A stream of results: what generated `…_pages` and `…_items` functions and
/// [`EventStream::json`](crate::EventStream::json) return, each item a value or
/// the error that ended the stream. Boxed so it is `Unpin`
/// (`.next().await` just works), and owning what it needs (a handle to the
/// client, the input), so it is `Send + 'static`: it can be spawned.
pub type ResultStream<T> = std::pin::Pin<Box<dyn Stream<Item = Result<T, Error>> + Send + 'static>>;

/// Every page from `first` (default 1), calling `fetch(page)` for each and following
/// `nextPage` until it is `None`. Pages are fetched one at a time, as the stream is
/// polled; an error ends the stream after it is yielded. A `nextPage` that does not
/// move forward also ends it, so a misbehaving endpoint cannot loop forever.
pub fn pages<T, F, Fut>(first: Option<i64>, fetch: F) -> impl Stream<Item = Result<Page<T>, Error>>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    stream::unfold(
        (Some(first.unwrap_or(1)), fetch),
        |(next, mut fetch)| async move {
            let page = next?;
            match fetch(page).await {
                Ok(found) => {
                    let following = found.next_page.filter(|n| *n > page);
                    Some((Ok(found), (following, fetch)))
                }
                Err(err) => Some((Err(err), (None, fetch))),
            }
        },
    )
}

/// The items of every page of `pages`, in order.
pub fn items<T>(
    pages: impl Stream<Item = Result<Page<T>, Error>>,
) -> impl Stream<Item = Result<T, Error>> {
    pages.flat_map(|page| match page {
        Ok(page) => stream::iter(page.items.into_iter().map(Ok).collect::<Vec<_>>()),
        Err(err) => stream::iter(vec![Err(err)]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    fn page(n: i64, next: Option<i64>) -> Page<i64> {
        Page {
            cur_page: Some(n),
            next_page: next,
            items: vec![n * 10, n * 10 + 1],
            ..Page::default()
        }
    }

    #[test]
    fn walks_next_page_until_null() {
        let fetched = std::cell::RefCell::new(Vec::new());
        let all: Vec<i64> = futures_executor_lite(items(pages(None, |n| {
            fetched.borrow_mut().push(n);
            async move { Ok(page(n, (n < 3).then_some(n + 1))) }
        })));
        assert_eq!(all, [10, 11, 20, 21, 30, 31]);
        assert_eq!(*fetched.borrow(), [1, 2, 3]);
        let looping: Vec<i64> =
            futures_executor_lite(items(pages(
                Some(2),
                |n| async move { Ok(page(n, Some(1))) },
            )));
        assert_eq!(
            looping,
            [20, 21],
            "a nextPage going backwards ends the walk"
        );
    }

    #[test]
    fn envelope_reads_from_xano_json() {
        let page: Page<String> = serde_json::from_str(
            r#"{"itemsReceived":1,"curPage":1,"nextPage":null,"prevPage":null,"offset":0,"perPage":20,"items":["a"],"note":"x"}"#,
        )
        .unwrap();
        assert_eq!(page.items, ["a"]);
        assert_eq!(page.next_page, None);
        assert_eq!(page.extra.get("note"), Some(&serde_json::json!("x")));
        let back = serde_json::to_value(&page).unwrap();
        assert_eq!(back["curPage"], serde_json::json!(1));
    }

    /// Drives a stream that never waits on I/O to completion.
    fn futures_executor_lite<S: Stream<Item = Result<i64, Error>>>(stream: S) -> Vec<i64> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(stream.map(|item| item.unwrap()).collect())
    }
}
