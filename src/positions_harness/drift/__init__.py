"""Doc drift: how a checkout of the Graph docs differs from openapi/positions.yaml.

The spec names the page each operation and schema comes from (`x-doc-source.page`); drift reads
those markdown pages (property tables, "HTTP request" paths, the success status sentence and the
example bodies) and lists every difference: paths, status codes, properties, types, enum values
and examples. `positions-harness drift DOCS_ROOT` is the command; see README.md.

May import: `contract`, `errors`, `locations`.
"""
