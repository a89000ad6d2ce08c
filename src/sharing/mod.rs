//! Sharing: collaborators with roles, share links, the share page, forks, sync, history/restore.

pub mod changes;
pub mod changes_routes;
pub mod collaborators;
pub mod collaborators_routes;
pub mod fork;
pub mod history;
pub mod history_routes;
pub mod link_store;
pub mod links;
pub mod links_routes;
pub mod page;
pub mod page_cache;
pub mod page_view;
pub mod sync;
pub mod sync_routes;
pub mod visits;
