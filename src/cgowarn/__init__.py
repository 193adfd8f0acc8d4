"""cgowarn: explain glibc static-link warnings found in build logs."""

__version__ = "0.1.0"
