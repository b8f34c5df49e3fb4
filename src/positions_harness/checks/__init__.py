"""What the suites call to judge an answer: `expect`, response and position checks, the reads
that prove a write lasted, list walking, tolerant comparison, the positions API in its three
addressing forms, and the request data (valid samples, invalid bodies, documented examples).

May import: `transport`, `contract`, `errors`, `locations`.
"""
