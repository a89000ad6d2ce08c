//! What the API reference page shows, read from the OpenAPI document.

use askama::Template;
use serde_json::Value;

/// One parameter of a route.
pub struct Param {
    /// Its name.
    pub name: String,
    /// `path`, `query` or `header`.
    pub location: String,
    /// Whether it must be given.
    pub required: bool,
    /// Its type (a schema name or a JSON type).
    pub kind: String,
    /// What it is.
    pub description: String,
}

/// One answer of a route.
pub struct Answer {
    /// HTTP status.
    pub status: String,
    /// What it means.
    pub description: String,
    /// Its body's schema, when it has one.
    pub schema: Option<String>,
}

/// One route.
pub struct Operation {
    /// Anchor on the page.
    pub anchor: String,
    /// `GET`, `POST`, …
    pub method: String,
    /// Its path.
    pub path: String,
    /// Its description (the first line is its summary).
    pub description: String,
    /// Whether it is deprecated.
    pub deprecated: bool,
    /// Whether it needs credentials.
    pub needs_auth: bool,
    /// Parameters.
    pub params: Vec<Param>,
    /// Request body media types and schemas.
    pub body: Vec<(String, Option<String>)>,
    /// Answers by status.
    pub answers: Vec<Answer>,
    /// A curl command that calls it.
    pub example: String,
}

/// Routes under one tag.
pub struct Section {
    /// The tag.
    pub name: String,
    /// What the tag covers.
    pub description: String,
    /// Its routes.
    pub operations: Vec<Operation>,
}

/// One field of a schema.
pub struct Field {
    /// Its name.
    pub name: String,
    /// Its type.
    pub kind: String,
    /// Whether it is always there.
    pub required: bool,
    /// What it is.
    pub description: String,
}

/// A schema.
pub struct Schema {
    /// Its name (also its anchor).
    pub name: String,
    /// What it is.
    pub description: String,
    /// Its fields (objects), or its values (enums) as fields without a type.
    pub fields: Vec<Field>,
}

/// The page.
#[derive(Template)]
#[template(path = "api_docs.html")]
pub struct ApiDocsPage {
    /// The API's title.
    pub title: String,
    /// Its description.
    pub description: String,
    /// Routes by tag, in the document's tag order.
    pub sections: Vec<Section>,
    /// Every schema, by name.
    pub schemas: Vec<Schema>,
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// A schema's name or type, for a reader.
fn kind_of(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(all) = schema["oneOf"].as_array().or(schema["anyOf"].as_array()).or(schema["allOf"].as_array()) {
        let kinds: Vec<String> = all.iter().map(kind_of).filter(|k| k != "null").collect();
        return kinds.join(" or ");
    }
    match &schema["type"] {
        Value::String(t) if t == "array" => format!("array of {}", kind_of(&schema["items"])),
        Value::String(t) => t.clone(),
        Value::Array(types) => {
            types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect::<Vec<_>>().join(" or ")
        }
        _ => "any".to_owned(),
    }
}

fn operation(path: &str, method: &str, op: &Value) -> Operation {
    let params = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| Param {
            name: text(&p["name"]),
            location: text(&p["in"]),
            required: p["required"].as_bool().unwrap_or(false),
            kind: kind_of(&p["schema"]),
            description: text(&p["description"]),
        })
        .collect();
    let body: Vec<(String, Option<String>)> = op["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(media, c)| (media.clone(), c.get("schema").map(kind_of)))
        .collect();
    let answers = op["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, r)| Answer {
            status: status.clone(),
            description: text(&r["description"]),
            schema: r["content"].as_object().and_then(|c| c.values().next()).and_then(|c| c.get("schema")).map(kind_of),
        })
        .collect();
    let needs_auth = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let mut example = format!("curl -s -X {} \"$B{path}\"", method.to_uppercase());
    if needs_auth {
        example.push_str(" -H \"Authorization: Bearer $TOKEN\"");
    }
    if let Some((media, _)) = body.iter().find(|(m, _)| m.contains("json")).or(body.first()) {
        example.push_str(&format!(" -H 'Content-Type: {media}' --data @body"));
    }
    Operation {
        anchor: format!("{}-{}", method, path.replace(['/', '{', '}'], "_")),
        method: method.to_uppercase(),
        path: path.to_owned(),
        description: text(&op["description"]).trim().to_owned(),
        deprecated: op["deprecated"].as_bool().unwrap_or(false),
        needs_auth,
        params,
        body,
        answers,
        example,
    }
}

fn schema(name: &str, s: &Value) -> Schema {
    let required: Vec<&str> = s["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut fields: Vec<Field> = s["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(field, v)| Field {
            name: field.clone(),
            kind: kind_of(v),
            required: required.contains(&field.as_str()),
            description: text(&v["description"]),
        })
        .collect();
    for value in s["enum"].as_array().into_iter().flatten() {
        let name = value.as_str().map_or_else(|| value.to_string(), str::to_owned);
        fields.push(Field { name, kind: String::new(), required: false, description: String::new() });
    }
    Schema { name: name.to_owned(), description: text(&s["description"]), fields }
}

/// The page for `doc`.
pub fn page(doc: &Value) -> ApiDocsPage {
    let mut sections: Vec<Section> = doc["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| Section { name: text(&t["name"]), description: text(&t["description"]), operations: Vec::new() })
        .collect();
    for (path, methods) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in methods.as_object().into_iter().flatten() {
            let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
            let at = match sections.iter().position(|s| s.name == tag) {
                Some(at) => at,
                None => {
                    sections.push(Section { name: tag, description: String::new(), operations: Vec::new() });
                    sections.len() - 1
                }
            };
            sections[at].operations.push(operation(path, method, op));
        }
    }
    sections.retain(|s| !s.operations.is_empty());
    let schemas = doc["components"]["schemas"].as_object().into_iter().flatten().map(|(n, s)| schema(n, s)).collect();
    ApiDocsPage {
        title: text(&doc["info"]["title"]),
        description: text(&doc["info"]["description"]),
        sections,
        schemas,
    }
}
