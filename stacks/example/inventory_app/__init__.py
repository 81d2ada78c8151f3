"""CDK constructs of the inventory reservations demo app."""
