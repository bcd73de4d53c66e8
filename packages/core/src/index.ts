// Public surface of @ats-kit/core. Each area re-exports from its own folder.
