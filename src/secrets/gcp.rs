//! Secrets from Google Cloud Secret Manager (`projects/{project}/secrets/{name}/versions/{version}`)
//! through the official client, with Application Default Credentials (Workload Identity on GKE)
//! and a bounded retry policy. An endpoint override (tests) uses anonymous credentials.

use std::time::Duration;

use async_trait::async_trait;
use google_cloud_gax::{
    error::rpc::Code,
    retry_policy::{Aip194Strict, RetryPolicyExt},
};
use google_cloud_secretmanager_v1::client::SecretManagerService;

use super::{SecretError, SecretSource};
use crate::config::{Secret, SecretsConfig};

/// How long startup keeps retrying transient Secret Manager failures.
const RETRY_TIME_LIMIT: Duration = Duration::from_secs(10);

/// Reads secrets from one project's Secret Manager.
pub struct GcpSource {
    client: SecretManagerService,
    project: String,
    version: String,
}

impl GcpSource {
    /// Builds the client (no network traffic until the first read).
    pub async fn connect(config: &SecretsConfig) -> Result<Self, SecretError> {
        let setup = |reason: String| SecretError::Unreadable { name: "(Secret Manager client)".into(), reason };
        let project = config
            .gcp_project
            .clone()
            .filter(|p| !p.is_empty())
            .ok_or_else(|| setup("SHARIFY_SECRETS__GCP_PROJECT is not set".into()))?;
        crate::tls::install_crypto_provider();
        let mut builder =
            SecretManagerService::builder().with_retry_policy(Aip194Strict.with_time_limit(RETRY_TIME_LIMIT));
        if let Some(endpoint) = config.gcp_endpoint.as_deref().filter(|e| !e.is_empty()) {
            let anonymous = google_cloud_auth::credentials::anonymous::Builder::new().build();
            builder = builder.with_endpoint(endpoint).with_credentials(anonymous);
        }
        let client = builder.build().await.map_err(|e| setup(e.to_string()))?;
        Ok(Self { client, project, version: config.gcp_version.clone() })
    }
}

#[async_trait]
impl SecretSource for GcpSource {
    async fn get(&self, name: &str) -> Result<Secret, SecretError> {
        let resource = format!("projects/{}/secrets/{name}/versions/{}", self.project, self.version);
        let response = self.client.access_secret_version().set_name(resource).send().await.map_err(|e| {
            match e.status().map(|s| s.code) {
                Some(Code::NotFound) => SecretError::NotFound(name.into()),
                Some(Code::PermissionDenied) => SecretError::PermissionDenied(name.into()),
                _ => SecretError::Unreadable { name: name.into(), reason: e.to_string() },
            }
        })?;
        let data = response.payload.map(|p| p.data).unwrap_or_default();
        let text = String::from_utf8(data.to_vec())
            .map_err(|_| SecretError::Unreadable { name: name.into(), reason: "the payload is not UTF-8".into() })?;
        if text.trim().is_empty() {
            return Err(SecretError::Unreadable { name: name.into(), reason: "the payload is empty".into() });
        }
        Ok(Secret::new(text.trim()))
    }
}
