"""The jixiao Excel add-in: ribbon XML, VBA callbacks and the reproducible .xlam build."""
