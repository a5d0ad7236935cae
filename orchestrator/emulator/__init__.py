"""The embedded AWS emulator (moto server) behind the `local` target."""
