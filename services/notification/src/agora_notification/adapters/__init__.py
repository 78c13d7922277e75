"""The channels' senders, behind one interface
(:class:`~agora_notification.adapters.base.Sender`): e-mail over SMTP or into .eml
files, SMS and push through provider adapters."""
