#!/usr/bin/env python3
"""validate.py SCHEMA.json FILE.md...: validates each report's front matter against
the JSON Schema with a real validator (python-jsonschema, Draft 7, formats not
asserted) and prints one JSON object {file: [problems]}. The YAML is read as a
YAML 1.2 editor reads it (the core schema): times and yes/no stay strings, numbers
are numbers as YAML 1.2 writes them (`0x10`, `0o17`, `1e3`; not YAML 1.1's
`1_000`, `0b1`, `1:30` or `017` as octal). A file without a front-matter block or whose
YAML does not parse gets the problem "yaml"."""
import json, re, sys
import yaml
import jsonschema


class Loader(yaml.SafeLoader):
    pass


# YAML 1.2 has no timestamps or yes/no booleans, and its own numbers.
for first, resolvers in list(Loader.yaml_implicit_resolvers.items()):
    Loader.yaml_implicit_resolvers[first] = [
        (tag, regexp) for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool",
                       "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
INT12, FLOAT12 = "tag:xinbao:int12", "tag:xinbao:float12"
Loader.add_implicit_resolver(
    INT12, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
Loader.add_implicit_resolver(
    FLOAT12,
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))
Loader.add_constructor(INT12, lambda loader, node: (
    lambda v: int(v, 0) if v[:2] in ("0o", "0x") else int(v, 10))(loader.construct_scalar(node)))
Loader.add_constructor(FLOAT12, lambda loader, node: float(
    loader.construct_scalar(node).lower().replace(".inf", "inf").replace(".nan", "nan")))
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
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
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
    jsonschema.Draft7Validator.check_schema(schema)  # a valid Draft 7 schema itself
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
