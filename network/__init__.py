"""The network's administration, in the app (DESIGN.md §10): the first coordinator, the
network's settings, places, fields of action, the member directory and invitations. No
models of its own: it writes the base app's network models through its services."""
