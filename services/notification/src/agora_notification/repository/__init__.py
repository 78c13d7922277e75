"""SQL of the notification service, one module per thing it stores. Functions take the
caller's session and only flush."""
