import traceback

import django
from django.conf import settings
from django.core.mail import send_mail

# Os padrões do Django: servidor SMTP em localhost, porta 25.
settings.configure(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="localhost",
    EMAIL_PORT=25,
    EMAIL_TIMEOUT=3,
)
django.setup()

try:
    sent = send_mail("Olá", "Teste.", "app@example.com", ["dev@example.com"])
    print("Mensagens enviadas:", sent)
except ConnectionRefusedError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
