//! `/api/openapi.json`: the JSON API in OpenAPI 3.1. Every `/api` route of
//! [`Route::ALL`] is described by [`operation`]; the answers' schemas are
//! made by schemars from the same types that are serialised to answer, so
//! the description cannot drift from the answers. Objects whose types are
//! closed get `additionalProperties: false`, so an answer with a field the
//! description lacks fails validation.

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use crate::content::page::PageAnswer;
use crate::facet::Facet;
use crate::open_data::jsonld::TermSet;
use crate::routes::{self, Route};
use crate::search::answer::ApiSearch;
use crate::taxonomy::Taxonomy;
use crate::web::error::ApiError;

/// A route's path as OpenAPI writes it: `{*slug}` is `{slug}`.
pub fn openapi_path(route: Route) -> String {
    route.path().replace("{*", "{")
}

/// The OpenAPI document.
pub fn spec() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let mut paths = Map::new();
    for route in Route::ALL {
        if routes::is_api(route.path())
            && let Some(op) = operation(route, &mut generator)
        {
            paths.insert(openapi_path(route), json!({ "get": op }));
        }
    }
    let mut schemas = Value::Object(generator.take_definitions(true));
    close_objects(&mut schemas);
    let mut paths = Value::Object(paths);
    close_objects(&mut paths);
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "Waymark",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The portal's JSON API: search, pages, the taxonomy (as JSON and as schema.org JSON-LD), and the JSON Schema of a plan. Answers hold no personal data.",
        },
        "paths": paths,
        "components": { "schemas": schemas },
    })
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

fn answer(description: &str, media: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { media: { "schema": schema } } })
}

fn error(generator: &mut SchemaGenerator, description: &str) -> Value {
    answer(
        description,
        "application/json",
        schema::<ApiError>(generator),
    )
}

/// The description of one `/api` route; `None` for any other route.
fn operation(route: Route, g: &mut SchemaGenerator) -> Option<Value> {
    let op = match route {
        Route::ApiSearch => {
            let mut parameters = vec![
                query_parameter(
                    "q",
                    "The words searched for; empty lists everything that matches the filters.",
                    json!({"type": "string"}),
                ),
                query_parameter(
                    "sort",
                    "The order of results.",
                    json!({"type": "string", "enum": ["relevance", "updated", "title"]}),
                ),
                query_parameter(
                    "page",
                    "Which page of results, from 1; past the last gives the last.",
                    json!({"type": "integer", "minimum": 1}),
                ),
            ];
            parameters.extend(Facet::ALL.iter().map(|facet| {
                let mut p = query_parameter(
                    facet.name(),
                    &format!(
                        "{} ids (see /api/taxonomy); repeated means any of them.",
                        facet.title()
                    ),
                    json!({"type": "array", "items": {"type": "string"}}),
                );
                p["style"] = json!("form");
                p["explode"] = json!(true);
                p
            }));
            json!({
                "summary": "Search the pages",
                "operationId": "search",
                "parameters": parameters,
                "responses": {
                    "200": answer("Results, 20 a page, with counts for each filter.", "application/json", schema::<ApiSearch>(g)),
                    "400": error(g, "A filter id that is not in the taxonomy, or a number past its bound."),
                },
            })
        }
        Route::ApiPage => json!({
            "summary": "One page",
            "operationId": "page",
            "parameters": [{
                "name": "slug", "in": "path", "required": true,
                "description": "The page's address less the leading slash, such as strategies/movement-breaks.",
                "schema": {"type": "string"},
            }],
            "responses": {
                "200": answer("Every front matter field, the slug, the address and the body as HTML.", "application/json", schema::<PageAnswer>(g)),
                "404": error(g, "No page at that address."),
            },
        }),
        Route::ApiTaxonomy => json!({
            "summary": "The taxonomy",
            "operationId": "taxonomy",
            "responses": {
                "200": answer("Every id with its label, as relabelled by the site's settings.", "application/json", schema::<Taxonomy>(g)),
            },
        }),
        Route::ApiTaxonomyJsonLd => json!({
            "summary": "The taxonomy as schema.org JSON-LD",
            "operationId": "taxonomyJsonLd",
            "responses": {
                "200": answer("A DefinedTermSet with a set of DefinedTerms for each facet.", "application/ld+json", schema::<TermSet>(g)),
            },
        }),
        Route::ApiPlanSchema => json!({
            "summary": "The JSON Schema of a plan",
            "operationId": "planSchema",
            "responses": {
                "200": answer("The shape of a plan as saved from /plan.json and posted to /plan.", "application/schema+json", json!({"type": "object", "required": ["$schema"]})),
            },
        }),
        Route::ApiOpenApi => json!({
            "summary": "This description",
            "operationId": "openapi",
            "responses": {
                "200": answer("The JSON API in OpenAPI 3.1.", "application/json", json!({"type": "object", "required": ["openapi", "paths", "components"]})),
            },
        }),
        _ => return None,
    };
    Some(op)
}

fn query_parameter(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

/// Gives every object schema that lists its properties and says nothing
/// of others `additionalProperties: false`: the answers' types are closed.
/// Maps (a facet's counts) list no properties and stay open.
fn close_objects(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for v in map.values_mut() {
                close_objects(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}
