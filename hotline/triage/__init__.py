"""Triage (分拨建议): what a request's text suggests — type, Art. 12 exclusion, Art. 13
emergency and rescue lines, Art. 17 major incident, category and lead unit. The platform
suggests, the operator decides, and the decisions train the next model (issue 14)."""
