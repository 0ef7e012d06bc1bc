"""The HTTP service: app factory, routes, schemas. Imports `nlp`, never `training`."""
