"""The register's rules: numbering, routing, submission, and the life of a request."""
