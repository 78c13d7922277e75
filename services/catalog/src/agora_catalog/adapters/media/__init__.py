"""Where product images are kept: one interface (:class:`MediaStore`), a local
directory (the `agora run` default) and an S3 bucket (ADR 0103)."""
