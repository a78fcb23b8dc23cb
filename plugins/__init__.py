"""Built-in app plugins; each registers through the ``mail_lint`` entry-point group."""
