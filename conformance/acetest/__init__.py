"""Library of the ACEPACK conformance runner (conformance/run.py); see conformance/README.md."""
