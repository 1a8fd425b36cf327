#!/usr/bin/env python3
"""Validates every request body the pipeline tests wrote against the OpenAI spec.

usage: validate_requests.py SPEC.yaml BODIES_DIR
Each *.json file in BODIES_DIR must be a valid CreateChatCompletionRequest.
"""
import json
import pathlib
import sys

import jsonschema
import yaml

SCHEMA_REF = "#/components/schemas/CreateChatCompletionRequest"


def make_validator(spec_path):
    document = yaml.safe_load(pathlib.Path(spec_path).read_text())
    base = "urn:siftd:openai-spec"
    schema = {"$ref": base + SCHEMA_REF}
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        registry = Registry().with_resource(base, resource)
        return jsonschema.Draft202012Validator(schema, registry=registry)
    except ImportError:  # older jsonschema: a resolver rooted at the document
        resolver = jsonschema.RefResolver(base, document)
        return jsonschema.Draft202012Validator(schema, resolver=resolver)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    validator = make_validator(sys.argv[1])
    bodies = sorted(pathlib.Path(sys.argv[2]).glob("*.json"))
    if not bodies:
        print("no request bodies found in " + sys.argv[2], file=sys.stderr)
        return 1
    failures = 0
    for path in bodies:
        body = json.loads(path.read_text())
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        for error in errors[:3]:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path.name}: {where}: {error.message[:300]}")
        failures += bool(errors)
    print(f"{len(bodies) - failures} of {len(bodies)} request bodies are valid CreateChatCompletionRequest")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
