"""The shared plumbing below the surfaces: extensions, configuration, sign-in, engine access, the
API's helpers and error format, the relay, i18n, security headers, metrics.

``web`` never imports a surface; the composition root ``terminpraxis`` builds the app from both
(docs/architecture.md).
"""
