import smtplib
import traceback

try:
    with smtplib.SMTP("localhost", 25, timeout=3) as smtp:
        print("Servidor SMTP:", smtp.noop())
except ConnectionRefusedError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
