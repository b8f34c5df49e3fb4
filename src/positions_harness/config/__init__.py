"""One run's configuration: options over environment over target profile, the target profiles in
targets/, and the property suite's profiles (quick, default, nightly).

May import: `transport` (credentials, limits), `contract` (to check a profile's requirement
ids against the catalogue), `errors`, `locations`, `yaml_files`.
"""
