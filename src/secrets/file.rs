//! Secrets as files in a directory (a Kubernetes Secret volume): one file per secret name.

use std::path::PathBuf;

use async_trait::async_trait;

use super::{SecretError, SecretSource};
use crate::config::Secret;

/// Reads `{dir}/{name}`, trimming surrounding whitespace.
pub struct FileSource {
    dir: PathBuf,
}

impl FileSource {
    /// A source reading from `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }
}

#[async_trait]
impl SecretSource for FileSource {
    async fn get(&self, name: &str) -> Result<Secret, SecretError> {
        let path = self.dir.join(name);
        match tokio::fs::read_to_string(&path).await {
            Ok(text) if text.trim().is_empty() => {
                Err(SecretError::Unreadable { name: name.into(), reason: format!("{} is empty", path.display()) })
            }
            Ok(text) => Ok(Secret::new(text.trim())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(SecretError::NotFound(name.into())),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                Err(SecretError::PermissionDenied(name.into()))
            }
            Err(e) => Err(SecretError::Unreadable { name: name.into(), reason: format!("{}: {e}", path.display()) }),
        }
    }
}
