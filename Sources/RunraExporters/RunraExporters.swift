// Network and database exporters (axiom, otel, custom, postgres) live in this module.
