"""The locked templates: the layout spec (every cell, name and sheet), the builder, the native
status formulas and filling a template from a submission."""
