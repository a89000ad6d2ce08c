//! Form bodies for pages: like axum's `Form`, but a form that does not decode (a field missing
//! or malformed, as a hand-edited or outdated page sends) gets an error page, not JSON.

use axum::{
    extract::{FromRequest, Request},
    Form,
};
use serde::de::DeserializeOwned;

use super::page::PageError;
use crate::error::ApiError;

/// A decoded form; a body that does not decode answers a 422 page saying what is wrong.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WebForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(request, state).await {
            Ok(Form(value)) => Ok(Self(value)),
            Err(rejection) => Err(PageError(ApiError::invalid(
                "invalid_form",
                format!("this form could not be read ({}); reload the page and try again", rejection.body_text()),
            ))),
        }
    }
}
