"""What the docs promise, as data the harness reads: the OpenAPI description, the requirement
catalogue, the date-time forms they use, the requirement marker, and which tests cover which
requirement.

May import: `errors`, `locations`, `yaml_files`. Nothing else of the harness.
"""
