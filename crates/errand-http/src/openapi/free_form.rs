//! Free-form objects say so: a schema of `type: object` with neither `properties` nor
//! `additionalProperties` (model settings, metadata, a task's event data) gets
//! `additionalProperties: true`. JSON Schema reads both the same, but client generators do
//! not: openapi-typescript types a bare object as `Record<string, never>`, which accepts no
//! key at all, so a typed client could not send `model_settings`.

use utoipa::openapi::content::Content;
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// Marks every free-form object schema of `doc` as such: its components, and the schemas
/// written inline in parameters, request bodies and responses.
pub fn mark_free_form_objects(doc: &mut OpenApi) {
    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(mark);
    }
    for (_, _, operation) in super::operations_mut(doc) {
        for parameter in operation.parameters.iter_mut().flatten() {
            if let RefOr::T(parameter) = parameter {
                parameter.schema.iter_mut().for_each(mark);
                parameter.content.values_mut().for_each(mark_content);
            }
        }
        if let Some(RefOr::T(body)) = operation.request_body.as_mut() {
            body.content.values_mut().for_each(mark_content);
        }
        for response in operation.responses.responses.values_mut() {
            if let RefOr::T(response) = response {
                response.content.values_mut().for_each(mark_content);
            }
        }
    }
}

fn mark_content(content: &mut RefOr<Content>) {
    if let RefOr::T(content) = content {
        content.schema.iter_mut().for_each(mark);
    }
}

fn mark(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            let is_object = match &object.schema_type {
                SchemaType::Type(t) => *t == Type::Object,
                SchemaType::Array(types) => types.contains(&Type::Object),
                SchemaType::AnyValue => false,
            };
            if is_object && object.properties.is_empty() && object.additional_properties.is_none() {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(true)));
            }
            object.properties.values_mut().for_each(mark);
            if let Some(extra) = object.additional_properties.as_deref_mut()
                && let AdditionalProperties::RefOr(extra) = extra
            {
                mark(extra);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                mark(items);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(mark),
        Schema::AllOf(all) => all.items.iter_mut().for_each(mark),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(mark),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[test]
    fn bare_objects_become_free_form_and_described_ones_stay() {
        let doc: Value = serde_json::to_value(crate::app::openapi()).expect("json");
        let schemas = &doc["components"]["schemas"];
        let runner = &schemas["NewRunner"]["properties"];
        assert_eq!(runner["model_settings"]["additionalProperties"], true);
        assert_eq!(
            schemas["TaskEvent"]["properties"]["data"]["additionalProperties"],
            true
        );
        assert!(schemas["Task"].get("additionalProperties").is_none());
        assert_eq!(
            schemas["TaskInput"]["additionalProperties"],
            json!(false),
            "a closed object stays closed"
        );
    }
}
