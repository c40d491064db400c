"""Excel integration: worksheet-function support, ribbon handlers, add-in installation."""
