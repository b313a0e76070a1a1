#!/usr/bin/env python3
"""validate.py SCHEMA.json FILE.md...: validates each report's front matter against
the JSON Schema with a real validator (python-jsonschema, Draft 7, formats not
asserted) and prints one JSON object {file: [problems]}. The YAML is read as a
YAML 1.2 editor reads it: times stay strings (PyYAML's YAML 1.1 timestamps are
turned off), numbers are numbers. A file without a front-matter block or whose
YAML does not parse gets the problem "yaml"."""
import json, sys
import yaml
import jsonschema


class Loader(yaml.SafeLoader):
    pass


# YAML 1.2 has no timestamps or yes/no booleans: those stay strings.
for first, resolvers in list(Loader.yaml_implicit_resolvers.items()):
    Loader.yaml_implicit_resolvers[first] = [
        (tag, regexp) for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
def mapping(loader, node, deep=False):
    """A mapping whose keys are unique, as YAML 1.2 requires."""
    keys = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in keys:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        keys.add(key)
    return loader.construct_mapping(node, deep=deep)


Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


def front_matter(text):
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:i])
    return None


def main(schema_path, files):
    schema = json.load(open(schema_path, encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    out = {}
    for f in files:
        try:
            text = open(f, encoding="utf-8-sig").read()
            block = front_matter(text.replace("\r\n", "\n"))
            data = yaml.load(block, Loader=Loader) if block is not None else None
        except Exception:
            data = None
        if block is None or not isinstance(data, dict):
            out[f] = ["yaml"]
            continue
        out[f] = sorted({"/".join(map(str, e.absolute_path)) + ": " + e.message[:120]
                         for e in validator.iter_errors(data)})
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
