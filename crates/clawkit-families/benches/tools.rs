//! Tool-schema normalization cost. Target (docs/families.md): a
//! 200-property schema through the Gemini normalizer, report included, in
//! ≤ 100 µs. Two schemas: 200 flat properties, and 200 properties of every
//! kind (nested objects, unions, `$ref`s); `clone_*` is what copying each
//! costs, for scale.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use clawkit_families::tools::{ToolCompatFamily, gemini};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

/// 200 properties of the kinds real tools have: constrained strings,
/// bounded numbers, enums, nullable unions, arrays, nested objects and
/// `$ref`s to shared definitions.
fn schema_with_200_properties() -> Value {
    let mut properties = Map::new();
    for i in 0..200 {
        let property = match i % 8 {
            0 => {
                json!({"type": "string", "description": format!("field {i}"), "minLength": 1, "maxLength": 200})
            }
            1 => json!({"type": "string", "format": "date-time", "description": "when"}),
            2 => json!({"type": "integer", "minimum": 0, "maximum": 1000, "default": 10}),
            3 => json!({"type": "string", "enum": ["low", "medium", "high"]}),
            4 => {
                json!({"anyOf": [{"type": "string", "pattern": "^[a-z]+$"}, {"type": "null"}], "description": "optional"})
            }
            5 => {
                json!({"type": "array", "items": {"type": "string", "format": "uri"}, "minItems": 1, "uniqueItems": true})
            }
            6 => json!({"type": "object", "properties": {
                "street": {"type": "string"},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
            }, "required": ["street"], "additionalProperties": false}),
            _ => json!({"$ref": "#/$defs/Unit", "description": "unit"}),
        };
        properties.insert(format!("field_{i}"), property);
    }
    let required: Vec<Value> = (0..200)
        .step_by(3)
        .map(|i| json!(format!("field_{i}")))
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
        "$defs": {"Unit": {"anyOf": [{"const": "c", "type": "string"}, {"const": "f", "type": "string"}]}},
    })
}

/// 200 flat properties, each a type and a description, three in four with
/// a constraint Gemini rejects: the common shape of generated tool schemas.
fn flat_schema_with_200_properties() -> Value {
    let mut properties = Map::new();
    for i in 0..200 {
        let property = match i % 4 {
            0 => json!({"type": "string", "description": format!("field {i}"), "maxLength": 200}),
            1 => json!({"type": "string", "description": format!("field {i}"), "format": "uri"}),
            2 => json!({"type": "integer", "description": format!("field {i}"), "minimum": 0}),
            _ => json!({"type": "boolean", "description": format!("field {i}")}),
        };
        properties.insert(format!("field_{i}"), property);
    }
    json!({"type": "object", "properties": properties, "required": ["field_0"], "additionalProperties": false})
}

fn bench(c: &mut Criterion) {
    let flat = flat_schema_with_200_properties();
    c.bench_function("gemini_normalize_200_flat_properties", |b| {
        b.iter(|| gemini::normalize(black_box(&flat)))
    });
    c.bench_function("clone_200_flat_properties", |b| {
        b.iter(|| black_box(&flat).clone())
    });

    let schema = schema_with_200_properties();
    // The figure the target is about, and a check that the bench cleans.
    let cleaned = gemini::normalize(&schema);
    assert!(cleaned.changes.len() > 200);
    c.bench_function("gemini_normalize_200_properties", |b| {
        b.iter(|| gemini::normalize(black_box(&schema)))
    });
    // For scale: what copying the schema costs.
    c.bench_function("clone_200_properties", |b| {
        b.iter(|| black_box(&schema).clone())
    });
    c.bench_function("gemini_inspect_200_properties", |b| {
        b.iter(|| gemini::inspect(black_box(&schema), "tool.parameters"))
    });
    c.bench_function("deepseek_normalize_200_properties", |b| {
        b.iter(|| ToolCompatFamily::DeepSeek.normalize(black_box(&schema)))
    });
    c.bench_function("openai_normalize_200_properties", |b| {
        b.iter(|| ToolCompatFamily::OpenAi.normalize(black_box(&schema)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
