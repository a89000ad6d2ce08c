//! A playlist's sharing page in the web app: collaborators and their roles, share links (role,
//! expiry, uses, visits, revoke), the public address, and making a copy of one's own.

pub mod routes;
