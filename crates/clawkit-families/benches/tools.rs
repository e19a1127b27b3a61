//! Tool-schema normalization cost. Target (docs/families.md): a
//! 200-property schema through the Gemini normalizer, report included, in
//! ≤ 100 µs. Two schemas: 200 flat properties, and 200 properties of every
//! kind (nested objects, unions, `$ref`s); `clone_*` is what copying each
//! costs, for scale.
//!
//! Each figure includes freeing what the routine returns (the normalized
//! schema and its report; the copy, for `clone_*`), as criterion's `iter`
//! does, except the `*_kept` ones, where it is freed after the timer stops
//! (what a caller pays to get the result). `gemini_normalize_*` borrows the
//! schema, as the hooks do (core hands them a `&ToolSchemaContext`), so it
//! copies it first; `gemini_normalize_owned_*` is given a schema to
//! consume, copied just before each timed call (`BatchSize::PerIteration`:
//! a batch of such inputs made ahead would be cleaned cold);
//! `gemini_hook_*` is the whole hook on one tool.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use clawkit_core::{ModelApi, ModelContext, RuntimeModel, Tool, ToolSchemaContext};
use clawkit_families::tools::{ToolCompatFamily, gemini};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
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
    assert_eq!(
        gemini::normalize_owned(flat.clone()),
        gemini::normalize(&flat)
    );
    c.bench_function("gemini_normalize_200_flat_properties", |b| {
        b.iter(|| gemini::normalize(black_box(&flat)))
    });
    c.bench_function("gemini_normalize_owned_200_flat_properties", |b| {
        b.iter_batched(
            || flat.clone(),
            |schema| drop(black_box(gemini::normalize_owned(schema))),
            BatchSize::PerIteration,
        )
    });
    c.bench_function("clone_200_flat_properties", |b| {
        b.iter(|| black_box(&flat).clone())
    });

    let schema = schema_with_200_properties();
    // A check that the bench cleans, and that both paths agree. The
    // borrowed path is what the hooks pay; the owned one is the cleaning
    // alone, for a caller that owns the schema.
    let cleaned = gemini::normalize(&schema);
    assert_eq!(cleaned.changes.len(), 403);
    assert_eq!(gemini::normalize_owned(schema.clone()), cleaned);
    c.bench_function("gemini_normalize_200_properties", |b| {
        b.iter(|| gemini::normalize(black_box(&schema)))
    });
    c.bench_function("gemini_normalize_owned_200_properties", |b| {
        b.iter_batched(
            || schema.clone(),
            |schema| drop(black_box(gemini::normalize_owned(schema))),
            BatchSize::PerIteration,
        )
    });
    let model = RuntimeModel::new(
        "google",
        "gemini-2.5-pro",
        ModelApi::GoogleGenerativeAi,
        "https://generativelanguage.googleapis.com/v1beta"
            .parse()
            .unwrap(),
    );
    let ctx = ToolSchemaContext::new(
        ModelContext::of(&model),
        vec![Tool::new("every_kind", "200 properties", schema.clone())],
    );
    let hooks = ToolCompatFamily::Gemini.hooks();
    c.bench_function("gemini_hook_200_properties", |b| {
        b.iter(|| hooks.normalize_tools(black_box(&ctx)))
    });
    // For scale: what copying the schema costs.
    c.bench_function("clone_200_properties", |b| {
        b.iter(|| black_box(&schema).clone())
    });
    // The same with the result freed after the timer stops.
    c.bench_function("gemini_normalize_owned_200_properties_kept", |b| {
        b.iter_batched(
            || schema.clone(),
            gemini::normalize_owned,
            BatchSize::PerIteration,
        )
    });
    c.bench_function("gemini_hook_200_properties_kept", |b| {
        b.iter_batched(
            || (),
            |()| hooks.normalize_tools(black_box(&ctx)),
            BatchSize::PerIteration,
        )
    });
    c.bench_function("clone_200_properties_kept", |b| {
        b.iter_batched(
            || (),
            |()| black_box(&schema).clone(),
            BatchSize::PerIteration,
        )
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
