"""Deploy side of the abalone project: dev registry -> staging/prod endpoint, tested, with rollback."""
