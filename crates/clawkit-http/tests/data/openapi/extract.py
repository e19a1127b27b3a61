#!/usr/bin/env python3
"""Extract one schema and everything it references from OpenAI's OpenAPI
document, rewriting OpenAPI 3.0-style `nullable: true` into JSON Schema
(`type: [..., "null"]`), so the tests can validate against it without the
3.4 MB document.

usage: extract.py OPENAPI_JSON SCHEMA_NAME OUT_JSON
"""
import json, sys

spec_path, name, out_path = sys.argv[1], sys.argv[2], sys.argv[3]
spec = json.load(open(spec_path))
schemas = spec['components']['schemas']

def fix_nullable(node):
    if isinstance(node, dict):
        if node.pop('nullable', False) is True:
            t = node.get('type')
            if isinstance(t, str):
                node['type'] = [t, 'null']
            elif isinstance(t, list) and 'null' not in t:
                t.append('null')
            if 'enum' in node and None not in node['enum']:
                node['enum'].append(None)
            if 'type' not in node and any(k in node for k in ('$ref', 'anyOf', 'oneOf', 'allOf')):
                inner = {k: node.pop(k) for k in list(node) if k in ('$ref', 'anyOf', 'oneOf', 'allOf')}
                node['anyOf'] = [inner, {'type': 'null'}]
        for value in node.values():
            fix_nullable(value)
    elif isinstance(node, list):
        for value in node:
            fix_nullable(value)

def refs(node, found):
    if isinstance(node, dict):
        ref = node.get('$ref')
        if isinstance(ref, str) and ref.startswith('#/components/schemas/'):
            target = ref.rsplit('/', 1)[1]
            if target not in found:
                found.add(target)
                refs(schemas[target], found)
        for value in node.values():
            refs(value, found)
    elif isinstance(node, list):
        for value in node:
            refs(value, found)

needed = {name}
refs(schemas[name], needed)
subset = {k: schemas[k] for k in sorted(needed)}
fix_nullable(subset)
out = {
    '$schema': 'https://json-schema.org/draft/2020-12/schema',
    '$comment': 'extracted from openai/openai-openapi openapi.json @ f85dbe22 by extract.py; nullable rewritten',
    '$ref': '#/components/schemas/' + name,
    'components': {'schemas': subset},
}
json.dump(out, open(out_path, 'w'), indent=1, sort_keys=True)
print(f'{name}: {len(subset)} schemas')
