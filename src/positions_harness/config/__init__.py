"""One run's configuration: options over environment over target profile, the target profiles in
targets/, and the property suite's profiles (quick, default, nightly).

May import: `transport` (credentials, limits), `errors`, `locations`.
"""
