"""What every app of the platform uses: the domain errors, text cleaning, the cached in-memory
index, shared form fields and the append-only model base. It imports no app of the project."""
