"""The platform's test suite (a regular package, so that no installed distribution's top-level
`tests` package can take its place)."""
