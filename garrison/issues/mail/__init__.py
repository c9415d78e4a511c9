"""Reports by email: parse one RFC 5322 message (``parse``), decide whether it is mail to ignore (auto-replies,
bounces, loops), and the SMTP server that hands each message to ``garrison.issues.services.mail_intake``
(``smtp``). Pure parsing lives here; every write is in ``garrison/issues/services/mail.py``."""
