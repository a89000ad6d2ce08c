//! A browser session against the web app, as plain HTTP: a cookie jar of one cookie, no
//! redirects followed (tests look at them), and the form token read from each page.

use reqwest::{header, redirect::Policy, Client, Method, Response};

use crate::helpers::TestApp;

/// One browser: its session cookie and the form token of the last page it read.
pub struct Browser {
    client: Client,
    base: String,
    /// `sharify_session=…`, once signed in.
    pub cookie: Option<String>,
    /// The form token of the last page read.
    pub csrf: String,
}

impl Browser {
    /// A browser with no session yet.
    pub fn new(app: &TestApp) -> Self {
        let client = Client::builder().redirect(Policy::none()).build().unwrap();
        Self { client, base: app.url(""), cookie: None, csrf: String::new() }
    }

    /// A request as this browser sends it from one of the app's pages.
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut r = self.client.request(method, format!("{}{path}", self.base)).header("sec-fetch-site", "same-origin");
        if let Some(c) = &self.cookie {
            r = r.header(header::COOKIE, c);
        }
        r
    }

    /// Keeps the session cookie a response sets (or ends).
    pub fn remember(&mut self, response: &Response) {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap().to_owned();
            if pair.starts_with("sharify_session=") {
                self.cookie = if pair == "sharify_session=" { None } else { Some(pair) };
            }
        }
    }

    /// GETs a page and reads its form token; returns the status and the HTML.
    pub async fn page(&mut self, path: &str) -> (u16, String) {
        let r = self.request(Method::GET, path).send().await.unwrap();
        let status = r.status().as_u16();
        let html = r.text().await.unwrap();
        if let Some(at) = html.find("name=\"csrf\" value=\"") {
            let rest = &html[at + 19..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        (status, html)
    }

    /// POSTs a form (the form token added); returns the response.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut form: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let r = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.remember(&r);
        r
    }

    /// Signs up (and so in) as `username`.
    pub async fn sign_up(&mut self, username: &str, password: &str) {
        let form = [("username", username), ("display_name", username), ("password", password)];
        let r = self.post("/app/sign-up", &form).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        assert!(self.cookie.is_some(), "signing up starts a session");
    }

    /// Imports `csv` through the library's import form as the file `file_name`; returns the new
    /// playlist's page path.
    pub async fn import_csv(&mut self, file_name: &str, csv: &str) -> String {
        self.page("/app").await;
        let part = reqwest::multipart::Part::text(csv.to_owned()).file_name(file_name.to_owned());
        let form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone()).part("file", part);
        let r = self.request(Method::POST, "/app/import").multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let html = r.text().await.unwrap();
        let at = html.find("href=\"/app/playlists/").unwrap() + 6;
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    }

    /// Signs in as `username`.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> Response {
        self.post("/app/sign-in", &[("username", username), ("password", password)]).await
    }
}

/// The ids of the playlist page's items, in order.
pub fn item_ids(html: &str) -> Vec<String> {
    html.split("data-item=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_owned()).collect()
}

/// The version the playlist page shows in its forms.
pub fn version_of(html: &str) -> String {
    let at = html.find("name=\"version\" value=\"").expect("a form with the version");
    let rest = &html[at + 22..];
    rest[..rest.find('"').unwrap()].to_owned()
}
