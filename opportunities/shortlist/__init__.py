"""The programme shortlist: `core` is the method (no Django); `services` feeds it the
directory's programmes and the applicant's saved profile."""
