"""Workbooks: build locked templates from the layout, read filled ones back into the model."""
