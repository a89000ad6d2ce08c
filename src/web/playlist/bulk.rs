//! `POST /app/playlists/{id}/items/bulk`: the tracks ticked on the playlist page, removed or
//! moved to the top or the end together, as one change at the version the page showed.

use axum::{
    extract::{Path, RawForm, State},
    response::Response,
};

use super::{edits::after_edit, view::Draft};
use crate::{
    app::AppState,
    error::ApiError,
    organise::bulk::{self, BulkItems},
    playlists::service,
    web::{page::PageError, session::WebUser},
};

/// Applies the bulk form: `item` (repeated), `action` (`remove`, `top` or `end`), `version`.
pub async fn bulk_items(
    State(state): State<AppState>,
    user: WebUser,
    Path(id): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, PageError> {
    let fields: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default();
    user.check_form(field("csrf"))?;
    let version: u64 =
        field("version").parse().map_err(|_| ApiError::bad_request("invalid_form", "the form has no version"))?;
    let items: Vec<String> = fields.iter().filter(|(k, _)| k == "item").map(|(_, v)| v.clone()).collect();
    let result = if items.is_empty() {
        Err(ApiError::invalid("nothing_selected", "tick the tracks to change first"))
    } else {
        let request = match field("action") {
            "remove" => Ok(BulkItems { remove: Some(items), move_ids: None, before: None }),
            "top" => {
                // Just before the first track not ticked (ticked tracks cannot be the anchor).
                let playlist = service::get(&state, Some(&user.auth.user), &id).await?;
                let anchor = playlist.items.iter().find(|i| !items.contains(&i.item_id)).map(|i| i.item_id.clone());
                Ok(BulkItems { remove: None, move_ids: Some(items), before: anchor })
            }
            "end" => Ok(BulkItems { remove: None, move_ids: Some(items), before: None }),
            _ => Err(ApiError::invalid("invalid_form", "choose remove, to the top or to the end")),
        };
        match request {
            Ok(request) => bulk::apply(&state, &user.auth.user, &id, Some(version), request).await.map(|_| ()),
            Err(e) => Err(e),
        }
    };
    after_edit(&state, &user, &id, result, Draft::default()).await
}
