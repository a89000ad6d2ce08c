//! Switches and views of the platform fakes for linked accounts: consent pages, token expiry and
//! revocation, and what the fake Spotify account and YouTube channel hold.

use crate::{platform_fakes::FakePlatforms, spotify_write_fake};

impl FakePlatforms {
    /// Plays the user on Google's consent page: the code for this PKCE `challenge`.
    pub fn google_consent(&self, challenge: &str) -> String {
        let code = format!("4/fake-{}", sharify::ids::new_id());
        self.shared.channel.lock().unwrap().codes.insert(code.clone(), challenge.to_owned());
        code
    }

    /// The videos of a playlist of the linked channel.
    pub fn channel_videos(&self, id: &str) -> Vec<String> {
        let c = self.shared.channel.lock().unwrap();
        c.lists.get(id).map(|l| l.iter().map(|(_, v)| v.clone()).collect()).unwrap_or_default()
    }

    /// Writes made to the channel (create, insert, delete).
    pub fn channel_writes(&self) -> usize {
        self.shared.channel.lock().unwrap().writes
    }

    /// Tokens revoked at Google.
    pub fn google_revoked(&self) -> Vec<String> {
        self.shared.channel.lock().unwrap().revoked.clone()
    }

    /// `POST`/`PUT …/items` calls so far.
    pub fn item_writes(&self) -> usize {
        self.shared.lists.lock().unwrap().item_writes
    }

    /// The tracks of a playlist on the fake account.
    pub fn list_uris(&self, id: &str) -> Vec<String> {
        self.shared.lists.lock().unwrap().lists.get(id).map(|l| l.uris.clone()).unwrap_or_default()
    }

    /// Someone edits a playlist on Spotify itself: adds `uri` at the end (a new snapshot).
    pub fn add_on_spotify(&self, id: &str, uri: &str) {
        let mut lists = self.shared.lists.lock().unwrap();
        let list = lists.lists.get_mut(id).unwrap();
        list.uris.push(uri.to_owned());
        list.snapshot = format!("{}-edited", list.snapshot);
    }

    /// A playlist of the fake account, created on Spotify (not by sharify).
    pub fn own_playlist(&self, id: &str, uris: &[&str]) {
        let list = spotify_write_fake::FakeList {
            snapshot: "own-1".into(),
            uris: uris.iter().map(|u| (*u).to_owned()).collect(),
        };
        self.shared.lists.lock().unwrap().lists.insert(id.to_owned(), list);
    }

    /// Refresh grants asked for so far.
    pub fn refresh_calls(&self) -> usize {
        self.shared.accounts.lock().unwrap().refresh_calls
    }

    /// The next `n` refresh grants answer 503 (and rotate nothing).
    pub fn refresh_outages(&self, n: usize) {
        self.shared.accounts.lock().unwrap().refresh_outages = n;
    }

    /// `expires_in` of the grants from now on.
    pub fn grant_lifetime(&self, secs: u64) {
        self.shared.accounts.lock().unwrap().expires_in = secs;
    }

    /// Every `/me` call answers this plain-text 403 (`None`: normal again).
    pub fn forbid_me(&self, text: Option<&'static str>) {
        self.shared.accounts.lock().unwrap().forbid_text = text;
    }

    /// Spotify gives this app only the pre-2026 `/tracks` endpoints.
    pub fn spotify_legacy_endpoints(&self) {
        self.shared.lists.lock().unwrap().legacy = true;
    }
}
