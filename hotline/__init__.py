"""12345 citizen hotline platform."""
