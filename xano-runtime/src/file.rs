//! Files sent to Xano file inputs (`format: binary`), which make a call multipart.

use bytes::Bytes;
use std::fmt;
use std::path::Path;

/// A file for a Xano file input: its bytes, a file name and a MIME type.
///
/// Any endpoint with a file input is sent as `multipart/form-data`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct File {
    bytes: Bytes,
    name: String,
    mime: String,
}

impl File {
    /// A file from bytes in memory; the MIME type is guessed from the name's extension
    /// (`application/octet-stream` when unknown).
    pub fn from_bytes(name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        let name = name.into();
        let mime = mime_guess::from_path(&name)
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        File {
            bytes: bytes.into(),
            name,
            mime,
        }
    }

    /// Reads a file from disk, off the async threads; the name is the path's
    /// file name.
    ///
    /// # Errors
    ///
    /// The I/O error when the file cannot be read.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn demo() -> std::io::Result<()> {
    /// let cover = xano_runtime::File::from_path("cover.png").await?;
    /// assert_eq!(cover.mime(), "image/png");
    /// # Ok(()) }
    /// ```
    pub async fn from_path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref().to_owned();
        let read_from = path.clone();
        let bytes = tokio::task::spawn_blocking(move || std::fs::read(read_from))
            .await
            .map_err(std::io::Error::other)??;
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".to_owned());
        Ok(File::from_bytes(name, bytes))
    }

    /// Replaces the guessed MIME type.
    pub fn with_mime(mut self, mime: impl Into<String>) -> Self {
        self.mime = mime.into();
        self
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }

    /// The file name sent in the multipart part.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The MIME type sent in the multipart part.
    pub fn mime(&self) -> &str {
        &self.mime
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("mime", &self.mime)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// What a generated multipart call accepts for a file input: a [`File`], an
/// `Option<File>` (left out when `None`) or a list of files.
pub trait AsFile {
    /// The files to send.
    fn files(&self) -> &[File];
}

impl AsFile for File {
    fn files(&self) -> &[File] {
        std::slice::from_ref(self)
    }
}

impl AsFile for Option<File> {
    fn files(&self) -> &[File] {
        self.as_slice()
    }
}

impl AsFile for Vec<File> {
    fn files(&self) -> &[File] {
        self
    }
}

impl AsFile for [File] {
    fn files(&self) -> &[File] {
        self
    }
}

impl AsFile for Option<Vec<File>> {
    fn files(&self) -> &[File] {
        self.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::File;

    #[test]
    fn mime_is_guessed_from_the_extension() {
        assert_eq!(
            File::from_bytes("cover.png", vec![1, 2]).mime(),
            "image/png"
        );
        assert_eq!(
            File::from_bytes("blob", vec![]).mime(),
            "application/octet-stream"
        );
        assert_eq!(
            File::from_bytes("a.bin", vec![]).with_mime("x/y").mime(),
            "x/y"
        );
    }
}
